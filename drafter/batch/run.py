"""Rounds of batch jobs: every paper's facts, then every section, then re-asks of the rejected ones.

Each round replays every unfinished paper through the same Pipeline `drafter new` uses, with a client that
answers from the batch's state: the pipeline builds the same requests, validates the same way and re-asks with
the same findings; a request with no answer yet stops that part of the replay and goes into the next round.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import arxiv
from ..arxiv import store as papercache
from ..arxiv.fulltext import Fetched
from ..errors import DrafterError, OutputExists
from ..files import unreadable
from ..facts import fallback_facts
from ..chat.base import ChatRequest, ChatResponse
from ..chat.openai import needs_api_key
from ..commands.new import NewOptions, NewRun
from ..commands.session import Sources, absolute, check_writable, write_new_file
from ..pipeline.fill import Draft
from ..settings import Settings
from . import jsonl, plan, state
from .papers import fetch_texts
from ..errors import (BatchCancelled, BatchInterrupted, BatchProviderError, BatchUsageError, OutputTaken,
                     RequestChanged, RequestFailed, ResultsRefused)
from .provider import BatchProvider, JobStatus
from .state import (ANSWERED, CREATING, FAILED, PENDING, PREPARED, SUBMITTED, TERMINAL, WRITTEN, BatchState, JobEntry,
                    RoundEntry)

# How far the provider's clock may be behind ours when looking for a job created just after an upload.
CLOCK_SKEW = 3600.0


class Deferred(Exception):
    """A request the batch has no answer for yet: the replay of that part stops here."""

    def __init__(self, custom_id: str, body: dict[str, Any], sha: str) -> None:
        super().__init__(custom_id)
        self.custom_id = custom_id
        self.body = body
        self.sha = sha


def body_sha(body: dict[str, Any]) -> str:
    """A fingerprint of a request body, to tell a resumed run's request from the submitted one."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


class StateAnswers:
    """A ChatClient that answers from the batch's state, or defers the request to the next round."""

    def __init__(self, batch: BatchState, paper: str, send_cache_key: bool = False) -> None:
        self.batch = batch
        self.paper = paper
        self.send_cache_key = send_cache_key  # prompt_cache_key is OpenAI's; vllm run-batch may refuse unknown fields

    def complete(self, request: ChatRequest) -> ChatResponse:
        """The stored answer; Deferred when there is none yet; RequestFailed after a second failure."""
        custom_id = str(plan.request_id(self.paper, request.label, request.position, request.attempt))
        body = request.payload()
        if self.send_cache_key:
            body.update(request.openai_extensions())
        sha = body_sha(body)
        entry = self.batch.requests.get(custom_id)
        if entry is not None and entry.sha != sha and entry.status in (ANSWERED, SUBMITTED, PREPARED):
            raise RequestChanged(custom_id)
        if entry is not None and entry.status == ANSWERED:
            return ChatResponse(entry.content or "", usage=entry.tokens, model=request.model)
        if entry is not None and entry.status == FAILED and entry.failures >= 2:
            raise RequestFailed(custom_id, entry.error)
        raise Deferred(custom_id, body, sha)


@dataclass(frozen=True)
class Progress:
    """What a display shows while a round is out."""

    name: str
    round: int
    jobs: int
    done: int  # requests of the round the provider has finished
    total: int
    papers_written: int
    papers: int
    status: str  # the jobs' states, e.g. "in_progress"


@dataclass
class Ended:
    """How a call of `advance` ended: every draft written, or a round prepared for an offline engine."""

    state: BatchState
    prepared: Path | None = None
    prepared_requests: int = 0
    drafts: dict[str, Draft] = field(default_factory=dict)  # written in this call, by paper ID


ProviderFactory = Callable[[Settings], BatchProvider]


def _default_provider(settings: Settings) -> BatchProvider:
    return BatchProvider(settings.base_url, settings.api_key, settings.connect_timeout, settings.read_timeout)


class BatchRun:
    """Drives one batch from its state to the end, or to the next step it must wait for outside."""

    def __init__(self, batch: BatchState, directory: Path, settings: Settings, sources: Sources, *,
                 poll: float = 60.0, on_progress: Callable[[Progress], None] | None = None,
                 sleep: Callable[[float], None] | None = None, provider_factory: ProviderFactory | None = None,
                 papers: dict[str, arxiv.Paper] | None = None, texts: dict[str, Fetched] | None = None,
                 limiters: Mapping[str, arxiv.RateLimiter] | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.state = batch
        self.directory = directory
        self.settings = settings
        self.sources = sources
        self.poll = poll
        self.sleep = sleep or time.sleep  # injectable: Ctrl-C arrives as KeyboardInterrupt from it
        self._on_progress = on_progress or (lambda progress: None)
        self._provider_factory = provider_factory or _default_provider
        self._provider: BatchProvider | None = None
        self._papers = dict(papers or {})
        self._texts = dict(texts or {})  # by versioned ID: the full text each paper's requests hold
        self._limiters = limiters
        self.environ = os.environ if environ is None else environ
        self._runs: dict[str, NewRun] = {}
        self._skeletons: dict[tuple[str, str], Any] = {}
        self._drafts: dict[str, Draft] = {}
        self._last_progress: Progress | None = None

    # -- the loop ---------------------------------------------------------------------------------

    def advance(self, prepare: Path | None = None, results: Path | None = None) -> Ended:
        """Go on until every draft is written, or (offline) the next round is prepared; the state is saved at each step."""
        try:
            if results is not None:
                self.read_results(results)
            elif self.state.prepared_round() is not None:
                waiting = self.state.prepared_round()
                raise BatchUsageError("--resume", f"batch {self.state.name} waits for the results of {waiting.prepared}; "
                                      f"run them, then: drafter batch --resume {self.state.name} --results RESULTS")
            while True:
                pending = self._replay_all()
                self.save()
                if self.state.rounds:
                    self._report()  # the papers the last answers finished
                fresh = {key: d for key, d in pending.items() if not self._in_flight(key)}
                if not self.state.open_jobs():
                    if not fresh:
                        return Ended(self.state, drafts=self._drafts)
                    if self.state.mode == "files":
                        path = prepare or self._next_prepared_path()
                        self._prepare(fresh, path)
                        return Ended(self.state, prepared=path, prepared_requests=len(fresh), drafts=self._drafts)
                    self._new_round(fresh)
                self._send_unsent(pending)
                self._wait_and_collect()
        except KeyboardInterrupt:
            self.save()
            raise BatchInterrupted(self.state.name) from None
        finally:
            if self._provider is not None:
                self._provider.close()

    def save(self) -> None:
        """Write the state file atomically."""
        state.save(self.directory, self.state)

    def _in_flight(self, custom_id: str) -> bool:
        entry = self.state.requests.get(custom_id)
        return entry is not None and entry.status in (SUBMITTED, PREPARED)

    # -- replaying the papers ----------------------------------------------------------------------

    def _replay_all(self) -> dict[str, Deferred]:
        """Replay every unfinished paper; write those that are done; the requests the others wait for."""
        pending: dict[str, Deferred] = {}
        for entry in self.state.papers:
            if entry.status != PENDING:
                continue
            try:
                for deferred in self._replay(entry):
                    pending[deferred.custom_id] = deferred
            except DrafterError as error:
                entry.status, entry.error = FAILED, str(error)
        return pending

    def _replay(self, entry: state.PaperEntry) -> list[Deferred]:
        paper = self.paper(entry)
        run = self._run_for(entry)
        send_key = self.state.mode == "api" and needs_api_key(self.settings.base_url)
        pipeline = run.session.pipeline(StateAnswers(self.state, paper.base_id, send_key))
        pipeline.outline = run.shared_outline(paper)  # as `drafter new`: the facts request shares it with every section's
        try:
            facts, facts_outcome = pipeline.establish_facts(paper)
        except Deferred as deferred:
            return [deferred]
        facts = facts or fallback_facts(paper)
        path = self._claim(entry, run, facts.slug)
        made = self._skeleton(run, path)
        laid = pipeline.layout(paper, facts, made.text)
        waiting = []
        for index, block in laid.to_fill:
            try:
                laid.outcomes[index] = pipeline.fill_block(paper, facts, laid.outline, index, block)
            except Deferred as deferred:
                waiting.append(deferred)
        if waiting:
            return waiting
        draft = laid.assemble(facts, [facts_outcome])
        for relative, data in made.resources.items():
            write_new_file(path.parent / relative, data, overwrite=self.state.force)
        write_new_file(path, draft.text, overwrite=self.state.force)
        entry.status, entry.path = WRITTEN, str(path)
        entry.error = "; ".join(f"{o.label}: {', '.join(str(f) for f in o.findings)}" for o in draft.failed)
        self._drafts[entry.id] = draft
        return []

    def paper(self, entry: state.PaperEntry) -> arxiv.Paper:
        """The paper of an entry: fetched at the start, else from the paper cache (fetched alone on a miss)."""
        if entry.id not in self._papers:
            self._papers[entry.id] = papercache.load(arxiv.parse_id(entry.versioned), self.settings.arxiv_api, self.environ)
        return self._papers[entry.id]

    def text(self, entry: state.PaperEntry) -> Fetched:
        """The full text an entry's requests hold: fetched at the start, else the copy kept beside its feed.

        Fetched again only when that copy is gone (the cache cleared); a paper that had none keeps the abstract,
        so a resumed run asks exactly what was submitted.
        """
        if self.settings.source != "full" or not entry.text:
            return Fetched(None, entry.note or None)
        if entry.versioned not in self._texts:
            kept = papercache.kept_text(entry.versioned, self.environ)
            if kept is None or kept.text is None:
                kept = fetch_texts([self.paper(entry)], self.environ, limiters=self._limiters)[entry.versioned]
            self._texts[entry.versioned] = kept
        return self._texts[entry.versioned]

    def _run_for(self, entry: state.PaperEntry) -> NewRun:
        if entry.id not in self._runs:
            options = NewOptions(arxiv=entry.versioned or entry.id, cwd=Path(self.state.cwd), sources=self.sources,
                                          force=self.state.force)
            self._runs[entry.id] = NewRun(options, environ=self.environ, settings=self.settings)
            self._runs[entry.id].session.take_text(self.text(entry))  # the same text and cut as `drafter new`'s
        return self._runs[entry.id]

    def _claim(self, entry: state.PaperEntry, run: NewRun, slug: str) -> Path:
        """The draft's path, refused (before its sections are paid for) if it exists or another paper takes it."""
        if self.state.out_dir:
            path = absolute(Path(self.state.out_dir), Path(self.state.cwd)) / f"{slug}.md"
        else:
            path = run.output_path(slug)
        for other in self.state.papers:
            if other is not entry and other.path == str(path) and other.status != FAILED:
                raise OutputTaken(str(path), other.id)
        check_writable(path)
        if path.exists() and not self.state.force:
            raise OutputExists(str(path))
        entry.path = str(path)
        return path

    def _skeleton(self, run: NewRun, path: Path) -> Any:
        key = (str(path), self.state.now)
        if key not in self._skeletons:
            self._skeletons[key] = run.session.build(path, datetime.fromisoformat(self.state.now))
        return self._skeletons[key]

    # -- rounds and jobs ------------------------------------------------------------------------------

    def _new_round(self, fresh: dict[str, Deferred]) -> RoundEntry:
        number = len(self.state.rounds) + 1
        keys = list(fresh)
        lines = [plan.input_line(key, fresh[key].body) for key in keys]
        round_ = RoundEntry(number)
        start = 0
        for job_lines in plan.split_jobs(lines):
            round_.jobs.append(JobEntry(keys[start:start + len(job_lines)]))
            start += len(job_lines)
        for key in keys:
            previous = self.state.requests.get(key)
            self.state.requests[key] = state.RequestEntry(number, SUBMITTED, fresh[key].sha,
                                                          failures=previous.failures if previous else 0)
        self.state.rounds.append(round_)
        self.save()
        return round_

    def _send_unsent(self, pending: dict[str, Deferred]) -> None:
        """Upload and create every job of the state that has no Batch API job yet (a resumed run's too)."""
        for round_ in self.state.rounds:
            for number, job in enumerate(round_.jobs, 1):
                if job.batch_id or job.collected or job.status == PREPARED:
                    continue
                job.custom_ids = [key for key in job.custom_ids if key in pending]
                data = "".join(plan.input_line(key, pending[key].body) for key in job.custom_ids).encode("utf-8")
                provider = self.provider()
                status = None
                if not job.file_id:
                    job.file_id = provider.upload(f"{self.state.name}-round{round_.number}-{number}.jsonl", data)
                    job.uploaded = time.time()
                elif job.status == CREATING:  # a create cut short (Ctrl-C, a lost answer) may have made the job
                    status = provider.find(job.file_id, since=job.uploaded - CLOCK_SKEW)
                if status is None:
                    job.status = CREATING
                    self.save()  # the file id is on disk before the job can exist, so a resume looks for it first
                    status = provider.create(job.file_id, {"drafter_batch": self.state.name, "round": str(round_.number)},
                                             since=job.uploaded - CLOCK_SKEW, sleep=self.sleep)
                job.batch_id, job.status = status.id, status.status
                self.save()

    def _wait_and_collect(self) -> None:
        """Poll the open jobs every `poll` seconds until each has ended, reading each one's results as it does."""
        while True:
            for job in self.state.open_jobs():
                status = self.provider().retrieve(job.batch_id)
                if (status.status, status.done) != (job.status, job.done):
                    job.status, job.done = status.status, status.done
                    self.save()
                if status.status in TERMINAL:
                    self._collect(job, status)
            self._report()
            if not self.state.open_jobs():
                return
            self.sleep(self.poll)

    def _collect(self, job: JobEntry, status: JobStatus) -> None:
        known = set(job.custom_ids)
        results: list[jsonl.LineResult] = []
        for file_id in (status.output_file_id, status.error_file_id):
            if file_id:
                try:
                    results += jsonl.parse_results(self.provider().content(file_id), known)
                except jsonl.ResultsFormatError as error:
                    raise BatchProviderError(f"give whole results for job {job.batch_id}", str(error),
                                             self.settings.base_url) from None
        ended = f"the job {status.status}" + (f": {status.errors}" if status.errors else "")
        kept = self._record(results, known, cancelled=status.status == "cancelled", reason=ended)
        job.collected = True
        self.save()
        if status.status == "cancelled":
            raise BatchCancelled(self.state.name, job.batch_id, kept, len(known) - kept)

    def _record(self, results: list[jsonl.LineResult], known: set[str], *, cancelled: bool = False, reason: str) -> int:
        """Store answers and failures; a request with no line failed once (or, when cancelled, waits to be sent again)."""
        answered = 0
        seen = set()
        for result in results:
            entry = self.state.requests[result.custom_id]
            seen.add(result.custom_id)
            if result.content is not None:
                entry.status, entry.content, entry.error = ANSWERED, result.content, ""
                entry.usage = [result.usage.prompt_tokens, result.usage.completion_tokens, result.usage.cached_tokens]
                answered += 1
            else:
                entry.status, entry.error = FAILED, result.error
                entry.failures += 1
        for key in known - seen:
            entry = self.state.requests[key]
            if cancelled:
                entry.status = "cancelled"  # not the request's fault: sent again on resume, no failure counted
            else:
                entry.status, entry.error = FAILED, f"no answer ({reason})"
                entry.failures += 1
        return answered

    def provider(self) -> BatchProvider:
        """The run's one Batch API client."""
        if self._provider is None:
            self._provider = self._provider_factory(self.settings)
        return self._provider

    def _report(self) -> None:
        round_ = self.state.rounds[-1] if self.state.rounds else RoundEntry(0)
        progress = Progress(self.state.name, round_.number, len(round_.jobs), sum(job.done for job in round_.jobs),
                            sum(len(job.custom_ids) for job in round_.jobs),
                            sum(1 for p in self.state.papers if p.status == WRITTEN), len(self.state.papers),
                            ", ".join(sorted({job.status for job in round_.jobs})))
        if progress != self._last_progress:
            self._last_progress = progress
            self._on_progress(progress)

    # -- offline engines --------------------------------------------------------------------------------

    def _prepare(self, fresh: dict[str, Deferred], path: Path) -> None:
        """Write the next round's requests to `path` in the Batch input format."""
        round_ = RoundEntry(len(self.state.rounds) + 1, [JobEntry(list(fresh), status=PREPARED)], str(path))
        lines = "".join(plan.input_line(key, deferred.body) for key, deferred in fresh.items())
        write_new_file(path, lines, overwrite=True)
        for key, deferred in fresh.items():
            previous = self.state.requests.get(key)
            self.state.requests[key] = state.RequestEntry(round_.number, PREPARED, deferred.sha,
                                                          failures=previous.failures if previous else 0)
        self.state.rounds.append(round_)
        self.save()

    def _next_prepared_path(self) -> Path:
        earlier = next((Path(r.prepared) for r in reversed(self.state.rounds) if r.prepared), None)
        folder = earlier.parent if earlier else Path(self.state.cwd)
        return folder / f"{self.state.name}-round{len(self.state.rounds) + 1}.jsonl"

    def read_results(self, path: Path) -> None:
        """Read an offline engine's results for the prepared round; a foreign or cut-short file changes nothing."""
        waiting = self.state.prepared_round()
        if waiting is None:
            raise BatchUsageError("--results", f"batch {self.state.name} has no prepared round waiting for results")
        known = {key for job in waiting.jobs for key in job.custom_ids}
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ResultsRefused(str(path), f"it cannot be read: {unreadable(error)}") from None
        try:
            results = jsonl.parse_results(text, known)
        except jsonl.ResultsFormatError as error:
            raise ResultsRefused(str(path), str(error)) from None
        self._record(results, known, reason="the results file has no line for it")
        for job in waiting.jobs:
            job.collected, job.status = True, "completed"
        self.save()
