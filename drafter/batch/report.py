"""What `drafter batch` says: progress lines, the closing summary with batch and live cost, and `--list`."""

from __future__ import annotations

from ..chat.cost import Price, format_cost
from .run import Ended, Progress
from .state import CREATING, FAILED, WRITTEN, BatchState, JobEntry


def progress_line(progress: Progress) -> str:
    """One line per change while a round is out."""
    return (f"{progress.name}: round {progress.round} ({progress.jobs} job(s), {progress.status}): "
            f"{progress.done}/{progress.total} request(s) done, {progress.papers_written}/{progress.papers} paper(s) finished")


def summary_lines(ended: Ended, model: str, price: Price | None) -> list[str]:
    """Each paper's outcome, then requests, jobs, tokens, and the cost at batch prices beside the live cost."""
    batch = ended.state
    lines = []
    for paper in batch.papers:
        if paper.note:  # the one line `drafter new` prints too: this paper's requests hold its abstract alone
            lines.append(f"{paper.id}: {paper.note}")
        if paper.status == WRITTEN:
            lines.append(f"Wrote {paper.path}" + (f" (kept the archetype's text in {paper.error})" if paper.error else ""))
        elif paper.status == FAILED:
            lines.append(f"{paper.id}: no draft: {paper.error}")
    usage = batch.usage()
    jobs = sum(len(r.jobs) for r in batch.rounds)
    if price is None:
        cost = f'unknown (no price for {model}; add [prices."{model}"] to drafter.toml)'
    else:
        cost = (f"{format_cost(price.batch_cost(usage))} at {model} batch prices "
                f"({format_cost(price.cost(usage))} live)")
    written = sum(1 for p in batch.papers if p.status == WRITTEN)
    lines.append(f"{written}/{len(batch.papers)} draft(s) written, {batch.answered()} request(s) in {jobs} job(s) over "
                 f"{len(batch.rounds)} round(s), {usage.prompt_tokens} tokens in ({usage.cached_tokens} cached), "
                 f"{usage.completion_tokens} out, cost {cost}")
    return lines


def prepared_line(ended: Ended) -> str:
    """The one line `--prepare` prints."""
    return (f"prepared {ended.prepared_requests} requests in {ended.prepared}; run them, then: "
            f"drafter batch --resume {ended.state.name} --results RESULTS")


def finished_line(ended: Ended) -> str:
    """The line an offline batch prints when no round is left to run."""
    written = sum(1 for p in ended.state.papers if p.status == WRITTEN)
    failed = len(ended.state.papers) - written
    return f"every draft is written ({written})" + (f"; {failed} paper(s) have none, see above" if failed else "")


def listing_line(batch: BatchState) -> str:
    """One batch of `--list`: its name, papers, and each round's jobs and states."""
    written = sum(1 for p in batch.papers if p.status == WRITTEN)
    failed = sum(1 for p in batch.papers if p.status == FAILED)
    rounds = "; ".join(
        f"round {r.number}: " + (f"prepared in {r.prepared}" + (" (results read)" if all(j.collected for j in r.jobs) else "")
                                 if r.prepared else ", ".join(f"{j.batch_id or _unsent(j)} {j.status}" for j in r.jobs))
        for r in batch.rounds) or "no round yet"
    return f"{batch.name}  {len(batch.papers)} paper(s), {written} written, {failed} failed  {rounds}"


def _unsent(job: JobEntry) -> str:
    """A job without a Batch API id: never sent, or created without the answer reaching us (resume looks for it)."""
    return "no answer to its create" if job.status == CREATING else "not sent"
