"""The I/O of `drafter batch`: read the IDs, fetch the papers, create or load the state, and drive the rounds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import arxiv
from ..hugo.site import find_site
from ..errors import InputFileError
from ..files import unreadable
from ..settings import Settings, resolve
from ..commands.session import Sources, absolute
from . import state
from ..errors import BatchUsageError
from ..arxiv.fulltext import Fetched
from .papers import fetch_papers, fetch_texts
from .run import BatchRun, Ended, Progress, ProviderFactory
from .state import FAILED, BatchState, PaperEntry


@dataclass(frozen=True)
class BatchOptions:
    """What `drafter batch` was asked to do for a new batch."""

    ids: tuple[str, ...] = ()
    from_file: Path | None = None
    out_dir: Path | None = None
    force: bool = False
    flags: Mapping[str, Any] = field(default_factory=dict)  # settings flags (model, base_url, max_attempts, ...)
    prompts: Path | None = None
    archetype: Path | None = None
    use_cache: bool = True


@dataclass
class Hooks:
    """How the run waits and shows progress (tests inject the sleep and the provider)."""

    poll: float = 60.0
    on_progress: Callable[[Progress], None] | None = None
    sleep: Callable[[float], None] | None = None
    provider_factory: ProviderFactory | None = None
    limiters: Mapping[str, arxiv.RateLimiter] | None = None  # arXiv's 3 s spacing per service (default: the shared ones)
    on_note: Callable[[str], None] | None = None  # one line before a wait the rounds' progress does not show


def read_ids(ids: tuple[str, ...], from_file: Path | None, cwd: Path) -> list[arxiv.ArxivId]:
    """The papers to draft: the arguments, then --from FILE (one ID or URL a line, # comments); duplicates once."""
    texts = list(ids)
    if from_file is not None:
        path = absolute(from_file, cwd)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise InputFileError(str(from_file), f"cannot be read: {unreadable(error)}") from None
        texts += [line.split("#", 1)[0].strip() for line in lines]
    parsed: dict[str, arxiv.ArxivId] = {}
    for text in texts:
        if text:
            arxiv_id = arxiv.parse_id(text)
            parsed.setdefault(arxiv_id.base, arxiv_id)
    if not parsed:
        raise BatchUsageError("drafter batch", "no paper given; pass arXiv IDs, --from FILE, --resume NAME or --list")
    return list(parsed.values())


def start(options: BatchOptions, cwd: Path, environ: Mapping[str, str], hooks: Hooks,
          prepare: Path | None = None, now: datetime | None = None) -> tuple[BatchRun, Ended]:
    """Create a batch for the papers and drive it (to the end, or to the prepared file)."""
    ids = read_ids(options.ids, options.from_file, cwd)
    site = find_site(cwd)
    flags = {name: (str(value) if isinstance(value, Path) else value) for name, value in options.flags.items()
             if value is not None}
    flags.update({"prompts": str(absolute(options.prompts, cwd)) if options.prompts else None,
                  "archetype": str(absolute(options.archetype, cwd)) if options.archetype else None,
                  "use_cache": options.use_cache})
    settings, sources = _settings(site, environ, flags)
    when = (now or datetime.now()).astimezone()
    directory = state.folder(site, cwd)
    name = _free_name(directory, state.new_name(when))
    papers, failures = fetch_papers(ids, settings.arxiv_api, environ)
    texts: dict[str, Fetched] = {}
    if settings.source == "full" and papers:
        if hooks.on_note is not None and len(papers) > 1:
            hooks.on_note(f"{name}: fetching the full text of {len(papers)} papers from arXiv, 3 s apart as arXiv asks "
                          f"(about {3 * (len(papers) - 1)} s)")
        texts = fetch_texts(list(papers.values()), environ, limiters=hooks.limiters)
    entries = []
    for arxiv_id in ids:
        paper = papers.get(str(arxiv_id))
        fetched = texts.get(paper.arxiv_id) if paper else None
        entries.append(PaperEntry(str(arxiv_id), paper.arxiv_id if paper else "", FAILED if paper is None else state.PENDING,
                                  error=failures.get(str(arxiv_id), ""),
                                  text=fetched.text.source if fetched and fetched.text else "",
                                  note=fetched.note or "" if fetched else ""))
    batch = BatchState(name=name, created=when.isoformat(), now=when.isoformat(), cwd=str(cwd), flags=flags,
                       out_dir=str(absolute(options.out_dir, cwd)) if options.out_dir else None, force=options.force,
                       mode="files" if prepare is not None else "api", papers=entries)
    run = BatchRun(batch, directory, settings, sources, poll=hooks.poll, on_progress=hooks.on_progress,
                   sleep=hooks.sleep, provider_factory=hooks.provider_factory, papers=papers, texts=texts,
                   limiters=hooks.limiters, environ=environ)
    run.save()
    return run, run.advance(prepare=absolute(prepare, cwd) if prepare else None)


def resume(name: str, cwd: Path, environ: Mapping[str, str], hooks: Hooks, results: Path | None = None,
           prepare: Path | None = None) -> tuple[BatchRun, Ended]:
    """Go on with a batch from its state file, sending nothing already submitted or answered."""
    site = find_site(cwd)
    directory = state.folder(site, cwd)
    batch = state.load(directory, name)
    if results is not None and batch.mode != "files":
        raise BatchUsageError("--results", f"batch {name} runs on the Batch API, not on prepared files")
    settings, sources = _settings(find_site(Path(batch.cwd)), environ, dict(batch.flags))
    run = BatchRun(batch, directory, settings, sources, poll=hooks.poll, on_progress=hooks.on_progress,
                   sleep=hooks.sleep, provider_factory=hooks.provider_factory, limiters=hooks.limiters, environ=environ)
    return run, run.advance(prepare=absolute(prepare, cwd) if prepare else None,
                            results=absolute(results, cwd) if results else None)


def list_batches(cwd: Path) -> list[BatchState]:
    """Every batch in the state folder of the current site (or folder)."""
    directory = state.folder(find_site(cwd), cwd)
    return [state.load(directory, name) for name in state.names(directory)]


def _settings(site: Path | None, environ: Mapping[str, str], flags: dict[str, Any]) -> tuple[Settings, Sources]:
    flags = dict(flags)
    prompts, chosen, use_cache = flags.pop("prompts", None), flags.pop("archetype", None), flags.pop("use_cache", True)
    settings = resolve(site, environ, flags)
    return settings, Sources(prompts=Path(prompts) if prompts else None, archetype=Path(chosen) if chosen else None,
                             use_cache=use_cache)


def _free_name(directory: Path, name: str) -> str:
    taken = set(state.names(directory))
    if name not in taken:
        return name
    number = 2
    while f"{name}-{number}" in taken:
        number += 1
    return f"{name}-{number}"

