"""What the commands share: the site and settings resolved once, the archetype, the paper, and the client stack."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import arxiv
from ..hugo import new_content
from ..hugo.archetypes import Located, find_archetype, read_archetype
from ..hugo.page import PageContext, file_name, page_context
from ..hugo.site import find_site
from ..arxiv import store as papercache
from ..arxiv.fulltext import Fetched, endpoints_from_env
from ..arxiv.text import PaperText
from ..arxiv.text import estimate_tokens as estimate_text
from ..errors import ArchetypeError, ArxivResponseInvalid, CassetteError, ConfigError, OutputExists, OutputUnwritable
from ..files import write_atomic
from ..settings import Settings
from ..status import Status
from .where import absolute, resolve_site

if TYPE_CHECKING:  # the chat stack, the prompts and the pipeline load only for a command that asks the model
    from ..chat.base import ChatClient
    from ..chat.cache import ResponseCache
    from ..chat.stack import ChatStack
    from ..pipeline.events import Emit
    from ..pipeline.fill import Pipeline
    from ..prompts import PromptBook


@dataclass(frozen=True)
class Sources:
    """Where the answers come from: the network, a cassette, a recording, the cache."""

    record: Path | None = None
    replay: Path | None = None
    prompts: Path | None = None
    archetype: Path | None = None
    use_cache: bool = True


class Session:
    """One command's site, settings and archetype, found once; the paper and the model clients when asked for."""

    def __init__(self, cwd: Path, start: Path, flags: Mapping[str, Any], sources: Sources = Sources(),
                 environ: Mapping[str, str] | None = None, *, settings: Settings | None = None) -> None:
        """Find the site above `start` and resolve the settings from `flags` (or take `settings` resolved already)."""
        self.cwd = cwd
        self.sources = sources
        self.environ = os.environ if environ is None else environ
        replay = absolute(sources.replay, cwd)
        prompts = absolute(sources.prompts, cwd)
        if prompts is not None and not prompts.is_dir():  # before any request: a typo must not pass unnoticed
            raise ConfigError("--prompts", f"{prompts} is not a folder; name a folder of prompt templates "
                                           "(files named as in drafter's prompts/), or leave --prompts out")
        if replay is not None:
            # A replay sends what was recorded: the recorded model and source, unless a flag says otherwise
            # (DRAFTER_MODEL, or source = "abstract" in the site's drafter.toml, must not break a demo).
            from ..chat.cassette import recorded_settings

            flags = {**flags, **{key: value for key, value in recorded_settings(replay).items() if flags.get(key) is None}}
        if settings is None:
            self.site, self.settings = resolve_site(start, self.environ, flags)
        else:  # a caller that resolved them once for many runs (drafter batch)
            self.site, self.settings = find_site(start), settings
        self.on_event: Emit | None = None
        self.stack: ChatStack | None = None
        self.full_text = Fetched(None, None)  # what fetching the paper's text found (see paper())
        self.paper_text: PaperText | None = None  # that text cut to max_source_tokens: what the model sees

    @cached_property
    def located(self) -> Located:
        """The archetype, looked up as Hugo does (or --archetype), on first use."""
        return find_archetype(self.site, self.settings.kind, absolute(self.sources.archetype, self.cwd),
                                        section=self.settings.section)

    @cached_property
    def template(self) -> str:
        """The archetype's text, exactly as it is."""
        return read_archetype(self.located.path)

    @cached_property
    def prompts(self) -> PromptBook:
        """The prompt templates: --prompts, then drafter.toml's prompts_dir, then the site's, then drafter's own."""
        from ..prompts import PromptBook

        overrides = [p for p in (absolute(self.sources.prompts, self.cwd), self.settings.prompts_dir,
                                 self.site / ".drafter" / "prompts" if self.site else None) if p is not None]
        return PromptBook(overrides)

    def open(self, command: str | None = None) -> ChatClient:
        """The client this run asks: a cassette player or the endpoint, with the run's wrappers (chat.stack).

        A cassette that `command` ("new", "regen") did not record is refused before any request.
        """
        from ..chat.stack import ChatStack

        self.stack = ChatStack(self.settings, replay=absolute(self.sources.replay, self.cwd),
                               record=absolute(self.sources.record, self.cwd),
                               log=absolute(self.settings.log, self.cwd), on_retry=self._report_retry)
        if command is not None and self.stack.player is not None:
            try:
                self.stack.player.check_made_by(command)
            except CassetteError:
                self.close()
                raise
        return self.stack.client

    def _report_retry(self, label: str, reason: str, seconds: float) -> None:
        if self.on_event is not None:
            from ..pipeline.events import Event

            self.on_event(Event(label, Status.RETRYING, note=f"{reason}; retrying in {seconds:.1f} s", reason=reason,
                                wait=seconds))

    def cache(self) -> ResponseCache | None:
        """The answer cache, unless bypassed (a recording must capture every exchange; a replay needs none)."""
        if not self.sources.use_cache or self.sources.record or self.sources.replay:
            return None
        from ..chat.cache import ResponseCache, default_directory

        return ResponseCache(default_directory(self.environ))

    def kept(self, answered: int) -> str:
        """What an interrupted run truly keeps: answers in the cache, or nothing when the cache was bypassed."""
        if self.sources.replay:
            return "nothing to keep: a replay asks no model and pays nothing"
        if self.cache() is None:
            flag = "--record" if self.sources.record else "--no-cache"
            saved = f"; the recording so far is in {self.sources.record}" if self.sources.record else ""
            return f"nothing is kept: {flag} bypasses the answer cache, so a new run asks for every section again{saved}"
        if not answered:
            return "no answer had finished, so nothing is kept in the cache"
        return (f"{answered} finished answer(s) are kept in the cache, so running the same command again "
                "does not pay for them")

    def paper(self, arxiv_id: arxiv.ArxivId, keep: bool = False) -> arxiv.Paper:
        """The paper, through the client stack (the cassette's when replaying); `keep` caches it on disk for check.

        The full text is fetched in a thread while the API answers (two services, so the run does not wait
        for both in turn); `self.full_text` holds what was found, `self.paper_text` the part the model sees.
        """
        pending = self._start_full_text(arxiv_id)
        cassette = self.stack.cassette if self.stack is not None else None
        if self.stack is not None:
            feed = self._fetch(arxiv_id)
        elif self.sources.replay is not None:  # a dry run of a replay: the cassette's response, no network
            from ..chat.cassette import Player

            player = Player(absolute(self.sources.replay, self.cwd))
            cassette, feed = player.path, player.feed_for(arxiv_id)
        else:  # a dry run opens no client
            feed = arxiv.fetch_feed(arxiv_id, self.settings.arxiv_api)
        try:
            paper = arxiv.paper_from_response(feed, arxiv_id)
        except ArxivResponseInvalid as error:
            if cassette is None:
                raise
            raise CassetteError(str(cassette), f"its arXiv response is damaged ({error.reason}); record it again") from None
        self.take_text(pending())
        if self.stack is not None and self.stack.recorder is not None and self.settings.source == "full":
            self.stack.recorder.paper_text = self.full_text.to_record()
        if keep:  # under the exact versioned ID the draft's `arxiv:` key holds, so `drafter check` needs no request
            papercache.store(paper.arxiv_id, feed.body, self.environ)
            if self.settings.source == "full":  # what the model saw, so check grounds against the same text
                papercache.store_text(paper.arxiv_id, self.full_text, self.environ)
        if self.on_event is not None and self.full_text.note:  # the one line saying the model sees the abstract alone
            from ..pipeline.events import Event

            self.on_event(Event("paper", Status.NOTE, note=self.full_text.note))
        return paper

    def take_text(self, fetched: Fetched) -> None:
        """Keep what getting the paper's text found, and the part of it the model sees (cut to max_source_tokens)."""
        self.full_text = fetched
        self.paper_text = fetched.shown(self.settings.max_source_tokens)

    def _fetch(self, arxiv_id: arxiv.ArxivId):
        """The arXiv response through the client stack, told to the display as a row of its own."""
        if self.on_event is None:
            return self.stack.feed(arxiv_id)
        from ..pipeline.events import FETCH, Event

        label = f"arXiv {arxiv_id}"
        self.on_event(Event(label, Status.ASKING, 1, step=FETCH))
        try:
            feed = self.stack.feed(arxiv_id)
        except BaseException:
            self.on_event(Event(label, Status.FAILED, 1, step=FETCH))
            raise
        self.on_event(Event(label, Status.FILLED, 1, step=FETCH))
        return feed

    def _start_full_text(self, arxiv_id: arxiv.ArxivId) -> Callable[[], Fetched]:
        """Begin getting the paper's text: the cassette's, the copy kept on disk, or a fetch in a thread."""
        if self.settings.source != "full":
            return lambda: Fetched(None, None)
        player = self.stack.player if self.stack is not None else None
        if player is None and self.stack is None and self.sources.replay is not None:  # a dry run of a replay
            from ..chat.cassette import Player

            player = Player(absolute(self.sources.replay, self.cwd))
        if player is not None:
            try:
                found = Fetched.from_record(player.paper_text) if player.paper_text is not None else Fetched(None, None)
            except ValueError as error:
                raise CassetteError(str(player.path), f"its paper text is damaged ({error}); record it again") from None
            return lambda: found
        endpoints = endpoints_from_env(self.environ)
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drafter-fulltext")
        future = executor.submit(papercache.text_for, arxiv_id, self.environ, endpoints)
        executor.shutdown(wait=False)
        return future.result

    def pipeline(self, client: ChatClient, hint: str | None = None) -> Pipeline:
        """A pipeline with this run's settings (and the paper's text, once `paper()` has fetched it)."""
        from ..pipeline.fill import Pipeline

        pipeline = Pipeline(client, self.prompts, model=self.settings.model, max_attempts=self.settings.max_attempts,
                            concurrency=self.settings.concurrency, on_event=self.on_event, hint=hint, cache=self.cache(),
                            grounding=self.settings.grounding, warmed=self.stack.warmed if self.stack else None)
        pipeline.paper_text = self.paper_text
        return pipeline

    def page_context(self, path: Path, now: datetime) -> PageContext:
        """What the archetype's template sees, as Hugo would give it for a new post at `path`."""
        return page_context(self.site, self.located, name=file_name(path), section=self.settings.section,
                            kind=self.settings.kind, now=now)

    def render(self, path: Path, now: datetime | None = None) -> str:
        """The archetype rendered for a post at `path` (a bodyless archetype gets drafter's outline)."""
        context = self.page_context(path, now or datetime.now().astimezone())  # local time, as Hugo's .Date
        return new_content.render_builtin(self.located, context, self.template).text

    def build(self, path: Path, now: datetime | None = None) -> new_content.Skeleton:
        """The new post's skeleton and a bundle's other files, by --renderer: real Hugo, or drafter's renderer."""
        context = self.page_context(path, now or datetime.now().astimezone())  # local time, as Hugo's .Date
        if new_content.choose_renderer(self.settings.renderer, self.site, self.located) == "hugo":
            assert self.site is not None
            try:
                return new_content.render_hugo(self.site, self.located, context, section=self.settings.section,
                                            slug=context.content_base_name)
            except ArchetypeError:
                if self.settings.renderer != "auto":
                    raise
                # auto: a site Hugo cannot load here (a module not downloaded, a newer config) still gets
                # drafter's renderer, which reports a faulty archetype itself.
        return new_content.render_builtin(self.located, context, self.template)

    def close(self) -> None:
        """Close the client stack: the recording is written (even after a failure), connections closed."""
        if self.stack is not None:
            self.stack.close()


def describe_text(text: PaperText | None) -> str:
    """One line on the paper's text the model sees: where from, how many sections and tokens, what was cut."""
    if text is None:
        return "the model sees the abstract alone"
    where = "arXiv's HTML" if text.source == "html" else "arXiv's LaTeX source"
    cut = f"; cut to fit max_source_tokens: {', '.join(text.dropped)}" if text.dropped else ""
    return f"full text from {where}, {len(text.sections)} sections, ~{estimate_text(text.markdown())} tokens{cut}"


def write_new_file(path: Path, data: str | bytes, *, overwrite: bool) -> None:
    """Write a command's output atomically; without `overwrite`, fail rather than replace a file that appeared meanwhile."""
    check_writable(path)
    try:
        write_atomic(path, data, overwrite=overwrite)
    except FileExistsError:
        raise OutputExists(str(path)) from None
    except OSError as error:
        raise OutputUnwritable(str(path), error.strerror or str(error)) from None


def check_writable(path: Path) -> None:
    """Refuse an output path that is a folder or lies below a file, with a one-line error."""
    if path.is_dir():
        raise OutputUnwritable(str(path), "it is a folder; give a file name such as " + str(path / "post.md"))
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputUnwritable(str(path), f"{parent} is a file, not a folder")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise OutputUnwritable(str(path), f"{parent} is not writable")
            return
