"""Twenty papers through `drafter batch` against the local server's Batch API, with a simulated batch latency.

    python benchmarks/batch.py [--papers 20] [--latency 2.0] [--poll 0.5] [--model gpt-4.1-mini]

The local arXiv API serves the three recorded papers and copies of the Transformer's response under
further IDs (each with its own title, so each gets its own slug), and the Transformer's real LaTeX e-print
for it and every copy (no HTML, as for papers before December 2023; the other two recorded papers have no
source there, so their requests hold the abstract alone). The full texts are fetched 3 s apart, as arXiv
asks (`--spacing` changes that). Prints the batch jobs, the requests in them, the requests sent outside any
batch (counted at the server: the goal is zero), the full-text requests and the time before the first job,
the wall time, the tokens, and the cost at batch prices beside what the same tokens cost live.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from _harness import machine

from answers import DefectiveOnce  # noqa: E402  (tests/ is on the path through _harness)
from conftest import ARXIV_FILES, FULLTEXT_FILES, ArxivServer, pack_source  # noqa: E402
from fakeopenai import FakeOpenAI, environment  # noqa: E402

RECORDED = ["1706.03762", "1605.08386", "astro-ph/0601001"]


def paper_ids(count: int, arxiv_api: ArxivServer) -> list[str]:
    """`count` IDs the local arXiv API answers: the recorded papers, then retitled copies of the Transformer's."""
    template = (ARXIV_FILES / "1706.03762.xml").read_text(encoding="utf-8")
    ids = RECORDED[:count]
    source = pack_source(FULLTEXT_FILES / "1706.03762")
    for number in range(count - len(ids)):
        copy_id = f"1706.{10000 + number:05d}"
        body = template.replace("1706.03762", copy_id).replace(
            "<title>Attention Is All You Need</title>", f"<title>Attention Variant {number + 1}: a copy for the benchmark</title>")
        arxiv_api.overrides[copy_id] = (200, body)
        arxiv_api.eprints[copy_id] = (200, source)
        ids.append(copy_id)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=20)
    parser.add_argument("--latency", type=float, default=2.0, help="seconds a batch job takes to complete")
    parser.add_argument("--poll", type=float, default=0.5, help="drafter batch --poll")
    parser.add_argument("--model", default="gpt-4.1-mini", help="the model whose prices the cost is given at")
    parser.add_argument("--defective", type=int, default=2, help="papers whose Introduction is wrong at first (a re-ask round)")
    parser.add_argument("--spacing", type=float, default=3.0, help="seconds between full-text requests to one service")
    args = parser.parse_args()
    from typer.testing import CliRunner

    from drafter.arxiv import api
    from drafter.cli import app

    for service in ("html", "e-print"):  # the limiters the CLI takes, spaced as asked
        api._SHARED[service] = api.RateLimiter(args.spacing)

    print(f"machine: {machine()}")
    with FakeOpenAI(DefectiveOnce([], "## Introduction")) as model, ArxivServer() as arxiv_api, \
            tempfile.TemporaryDirectory() as scratch:
        model.batch.seconds_until_done = args.latency
        model.batch.polls_until_done = 0
        ids = paper_ids(args.papers, arxiv_api)
        model.responder.pending = set(ids[: args.defective])
        work = Path(scratch)
        with environment(OPENAI_BASE_URL=model.base_url, OPENAI_API_KEY="", DRAFTER_MODEL=args.model,
                         DRAFTER_CACHE_DIR=str(work / "cache"), **arxiv_api.environment):
            import os

            os.chdir(work)
            start, started = time.perf_counter(), time.time()
            result = CliRunner().invoke(app, ["batch", *ids, "--out-dir", str(work / "drafts"), "--poll", str(args.poll)])
            elapsed = time.perf_counter() - start
        assert result.exit_code == 0, result.output
        drafts = len(list((work / "drafts").iterdir()))
        summary = result.stderr.strip().splitlines()[-1]
        jobs = model.batch.jobs.values()
        requests = sum(len(model.batch.files[job.input_file_id].splitlines()) for job in jobs)
        cost = re.search(r"cost (\$\S+) at .* batch prices \((\$\S+) live\)", summary)
        tokens = re.search(r"(\d+) tokens in \((\d+) cached\), (\d+) out", summary)
        abstract_only = sum("abstract alone" in line for line in result.stderr.splitlines())
        first_job = min(job.created for job in jobs) - started
        print(f"papers                          {len(ids)} ({drafts} drafts written)")
        print(f"arXiv API requests              {len(arxiv_api.requests)}")
        print(f"full-text requests              {len(arxiv_api.fulltext_requests)} ({args.spacing:.1f} s apart per service); "
              f"{len(ids) - abstract_only} papers with full text, {abstract_only} with the abstract alone")
        print(f"time before the first job       {first_job:.2f} s")
        print(f"batch jobs                      {len(model.batch.jobs)} (uploads {model.batch.uploads}), requests per job "
              f"{[len(model.batch.files[job.input_file_id].splitlines()) for job in jobs]}")
        print(f"requests in batch jobs          {requests} ({len(set(model.batch.lines_received))} distinct)")
        print(f"requests outside batch jobs     {len(model.received)} (goal: 0)")
        print(f"simulated job latency           {args.latency:.1f} s, polled every {args.poll:.1f} s")
        print(f"wall time                       {elapsed:.2f} s")
        if tokens:
            print(f"tokens                          {tokens[1]} in ({tokens[2]} cached), {tokens[3]} out")
        if cost:
            print(f"cost at {args.model} prices     batch {cost[1]}, live {cost[2]}")
        print(f"summary: {summary}")


if __name__ == "__main__":
    main()
