"""The I/O edge of each command: find the site and archetype, fetch the paper, run the pipeline, write the file."""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from . import arxiv, regen
from .arxiv import store as papercache
from .hugo import new_content
from .hugo.archetypes import find_archetype, read_archetype
from .hugo.page import PageContext, hugo_date
from .hugo.site import SiteInfo, find_site, load_site_info
from .chat.base import ChatClient, Message, estimate_tokens
from .chat.cache import ResponseCache, default_directory
from .errors import ArchetypeError, ArxivResponseInvalid, CassetteError, InputFileError, Interrupted, OutputExists, OutputUnwritable
from .findings import FRONT_MATTER
from .post import document as post
from .post.placeholders import Action, classify
from .validate.document import check_document
from .validate.front_matter import front_matter_placeholders
from .facts import Facts, fallback_facts, retitle
from .files import read_exact, write_atomic
from .pipeline import Draft, Emit, Event, Outcome, Pipeline, prefill
from .prompts import PromptBook
from .settings import Settings
from .findings import Finding

if TYPE_CHECKING:
    from .chat.stack import ChatStack


@dataclass(frozen=True)
class Sources:
    """Where the answers come from: the network, a cassette, a recording, the cache."""

    record: Path | None = None
    replay: Path | None = None
    prompts: Path | None = None
    archetype: Path | None = None
    use_cache: bool = True


@dataclass(frozen=True)
class NewOptions:
    """What `drafter new` was asked to do, beyond the settings."""

    arxiv: str
    cwd: Path
    sources: Sources = Sources()
    slug: str | None = None
    output: Path | None = None
    force: bool = False


@dataclass(frozen=True)
class PlannedRequest:
    """A request `--dry-run` would send."""

    label: str
    messages: tuple[Message, ...]

    @property
    def estimated_tokens(self) -> int:
        """The input-token estimate the budget reserves too (no tokenizer download)."""
        return estimate_tokens(self.messages)


@dataclass
class NewResult:
    """A written draft and how it went."""

    path: Path
    draft: Draft
    retitled: str | None = None  # the title written instead of the title-cased slug, if any


class Session:
    """What every command that talks to arXiv and the model shares: site, archetype, prompts, clients."""

    def __init__(self, settings: Settings, cwd: Path, sources: Sources, site_from: Path,
                 on_event: Emit | None = None) -> None:
        self.settings = settings
        self.cwd = cwd
        self.sources = sources
        self.on_event = on_event
        self.site = find_site(site_from)
        self.located = find_archetype(self.site, settings.kind, absolute(sources.archetype, cwd),
                                                section=settings.section)
        self.archetype_path = self.located.path
        self.template = read_archetype(self.archetype_path)
        overrides = [p for p in (absolute(sources.prompts, cwd), settings.prompts_dir,
                                 self.site / ".drafter" / "prompts" if self.site else None) if p is not None]
        self.prompts = PromptBook(overrides)
        self.stack: ChatStack | None = None

    def open(self) -> ChatClient:
        """The client this run asks: a cassette player or the endpoint, with the run's wrappers (chat.stack)."""
        from .chat.stack import ChatStack

        self.stack = ChatStack(self.settings, replay=absolute(self.sources.replay, self.cwd),
                               record=absolute(self.sources.record, self.cwd),
                               log=absolute(self.settings.log, self.cwd), on_retry=self._report_retry)
        return self.stack.client

    def _report_retry(self, label: str, reason: str, seconds: float) -> None:
        if self.on_event is not None:
            self.on_event(Event(label, "retrying", note=f"{reason}; retrying in {seconds:.1f} s"))

    def cache(self) -> ResponseCache | None:
        """The answer cache, unless bypassed (a recording must capture every exchange; a replay needs none)."""
        if not self.sources.use_cache or self.sources.record or self.sources.replay:
            return None
        return ResponseCache(default_directory(os.environ))

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
        """Fetch the paper (or take it from the cassette), recording the response when asked; `keep` caches it on disk."""
        if self.stack is not None:
            feed = self.stack.feed(arxiv_id)
        else:  # a dry run opens no client
            feed = arxiv.fetch_feed(arxiv_id, self.settings.arxiv_api)
        try:
            paper = arxiv.paper_from_response(feed, arxiv_id)
        except ArxivResponseInvalid as error:
            if self.stack is None or self.stack.cassette is None:
                raise
            raise CassetteError(str(self.stack.cassette), f"its arXiv response is damaged ({error.reason}); record it again") from None
        if keep:  # under the exact versioned ID the draft's `arxiv:` key holds, so `drafter check` needs no request
            papercache.store(paper.arxiv_id, feed.body, os.environ)
        return paper

    def pipeline(self, client: ChatClient, hint: str | None = None) -> Pipeline:
        """A pipeline with this run's settings."""
        return Pipeline(client, self.prompts, model=self.settings.model, max_attempts=self.settings.max_attempts,
                        concurrency=self.settings.concurrency, on_event=self.on_event, hint=hint, cache=self.cache(),
                        grounding=self.settings.grounding)

    def page_context(self, path: Path, now: datetime) -> PageContext:
        """What the archetype's template sees, as Hugo would give it for `path`."""
        base_name = path.parent.name if path.stem == "index" else path.stem
        site_info = load_site_info(self.site) if self.site else SiteInfo()
        # `.Type` is the kind Hugo was given; an archetype found by section name is Hugo's no-kind case.
        located = self.located.name
        kind = located if located and located == self.settings.section else self.settings.kind
        bundle_path = f"{self.settings.section}/{base_name}/index.md" if self.located.bundle is not None else ""
        return PageContext(content_base_name=base_name, date=hugo_date(now),
                                     section=self.settings.section, site=site_info, now=now,
                                     content_type=kind, path=bundle_path)

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


class Run:
    """One `drafter new`: fetch, ask, validate, write."""

    def __init__(self, options: NewOptions, settings: Settings, on_event: Emit | None = None) -> None:
        self.options = options
        self.settings = settings
        self.arxiv_id = arxiv.parse_id(options.arxiv)
        self.session = Session(settings, options.cwd, options.sources, options.cwd, on_event)
        new_content.choose_renderer(settings.renderer, self.session.site, self.session.located)  # bad --renderer: before any request
        if options.output is not None:
            self._refuse_overwrite(absolute(options.output, options.cwd))

    def _refuse_overwrite(self, path: Path) -> None:
        """Refuse, before anything is paid for, a path that exists (without --force) or cannot be written."""
        check_writable(path)
        if path.exists() and not self.options.force:
            raise OutputExists(str(path))

    def output_path(self, slug: str) -> Path:
        """Where the draft goes: --output, else the site's content section, else the current folder."""
        name = Path(slug) / "index.md" if self.session.located.bundle is not None else Path(f"{slug}.md")
        if self.options.output is not None:
            return absolute(self.options.output, self.options.cwd)
        if self.session.site is not None:
            return self.session.site / "content" / self.settings.section / name
        return self.options.cwd / name

    def plan(self) -> list[PlannedRequest]:
        """The requests a run would send, with provisional facts from the title (for --dry-run)."""
        paper = self.session.paper(self.arxiv_id)
        pipeline = Pipeline(_Unreachable(), self.session.prompts, model=self.settings.model)
        provisional = fallback_facts(paper)
        if self.options.slug:
            provisional = Facts(provisional.name, provisional.tagline, provisional.kind, self.options.slug)
        rendered = self.session.render(self.output_path(provisional.slug))
        planned = [PlannedRequest("facts", tuple(pipeline.facts_messages(paper)))]
        document = prefill(post.split(rendered), paper, provisional)
        outline = [b.title for b in document.blocks if b.level == document.section_level]
        for block in document.blocks:
            if classify(block) is Action.FILL:
                messages = pipeline.section_messages(paper, provisional, outline, block.title, block.text)
                planned.append(PlannedRequest(block.title, tuple(messages)))
        return planned

    def _retitle(self, draft: Draft, path: Path) -> str | None:
        """The draft with a title that is only the title-cased slug ("Lora") written as the model's name ("LoRA")."""
        if not self.settings.title_from_name:
            return None
        front_matter, rest = post.split_front_matter(draft.text)
        base_name = path.parent.name if path.stem == "index" else path.stem
        changed = retitle(front_matter, base_name, draft.facts.name) if front_matter else None
        return changed + rest if changed is not None else None

    def execute(self, now: datetime | None = None) -> NewResult:
        """Fetch, ask, validate and write; a recording is saved even when the run fails part-way."""
        client = self.session.open()
        pipeline = self.session.pipeline(client)
        try:
            paper = self.session.paper(self.arxiv_id, keep=True)
            facts, facts_outcome = pipeline.establish_facts(paper)
            facts = facts or fallback_facts(paper)
            if self.options.slug:
                facts = Facts(facts.name, facts.tagline, facts.kind, self.options.slug)
            path = self.output_path(facts.slug)
            self._refuse_overwrite(path)  # before paying for the sections
            made = self.session.build(path, now)
            targets = {path.parent / relative: data for relative, data in made.resources.items()}
            for target in targets:  # a bundle's files: refused before paying for the sections
                self._refuse_overwrite(target)
            draft = pipeline.fill(paper, facts, made.text, [facts_outcome])
            retitled = self._retitle(draft, path)
            if retitled is not None:
                draft = replace(draft, text=retitled)
            for target, data in targets.items():
                write_new_bytes(target, data, overwrite=self.options.force)
            write_new_file(path, draft.text, overwrite=self.options.force)
            return NewResult(path, draft, facts.name if retitled is not None else None)
        except KeyboardInterrupt:
            raise Interrupted(self.session.kept(pipeline.answered)) from None
        finally:
            self.session.close()


# -- drafter regen and drafter sections ----------------------------------------------------------

@dataclass(frozen=True)
class RegenOptions:
    """What `drafter regen` was asked to do, beyond the settings."""

    draft: Path
    cwd: Path
    names: tuple[str, ...] = ()
    failed: bool = False
    arxiv: str | None = None
    hint: str | None = None
    diff: bool = False
    sources: Sources = Sources()


@dataclass
class RegenResult:
    """What `drafter regen` did."""

    path: Path
    outcomes: list[Outcome]
    diff: str
    backup: Path | None
    written: bool


_BOM = "\ufeff"


class DraftFile:
    """An existing draft, read so that its bytes can be written back exactly."""

    def __init__(self, path: Path, shown: Path | None = None) -> None:
        self.path = path
        self.shown = str(shown or path)  # the path as the user wrote it, for messages
        try:
            self.text = read_exact(path)  # CRLF kept as it is
        except FileNotFoundError:
            raise InputFileError(self.shown, "no such file") from None
        except IsADirectoryError:
            raise InputFileError(self.shown, "is a folder; name the draft's .md file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise InputFileError(self.shown, f"cannot be read as UTF-8 text ({error})") from None
        # A byte-order mark (Windows editors add one) is not part of the draft: read past it, write it back.
        self.bom = _BOM if self.text.startswith(_BOM) else ""
        self.text = self.text[len(self.bom):]
        self.document = post.split(self.text)

    def front_matter(self) -> dict:
        """The draft's front matter as data ({} when it has none); one that does not parse is an error with its line."""
        if not self.document.front_matter:
            return {}
        try:
            return front_matter_data(self.document.front_matter)
        except FrontMatterUnparsable as error:
            raise InputFileError(f"{self.shown}:{error.line}", f"the front matter does not parse ({error.reason}); "
                                                               "fix the front matter there (an unclosed quote or bracket, a tab?) and run again") from None

    def arxiv_id(self, override: str | None, instead: str = "pass --arxiv ID") -> arxiv.ArxivId:
        """The paper the draft is about: --arxiv, else its `arxiv:` front matter key; `instead` says what else to do."""
        if override:
            return arxiv.parse_id(override)
        value = self.front_matter().get("arxiv")
        if not value:
            raise InputFileError(self.shown, f"has no arxiv: key in its front matter, so it is not a drafter draft "
                                             f"or the key was removed; add one (arxiv: \"1706.03762v7\") or {instead}")
        return arxiv.parse_id(str(value))

    @property
    def slug(self) -> str:
        """The post's base name, as Hugo sees it."""
        return self.path.parent.name if self.path.stem == "index" else self.path.stem


def section_states(draft_path: Path, cwd: Path, settings: Settings, archetype_option: Path | None = None) -> list[regen.SectionState]:
    """Every part of a draft with its validation state (for `drafter sections`)."""
    draft = DraftFile(absolute(draft_path, cwd), draft_path)
    session = Session(settings, cwd, Sources(archetype=archetype_option), draft.path.parent)
    return regen.states(post.split(session.render(draft.path)), draft.document)


class RegenRun:
    """One `drafter regen`: re-fill the chosen sections and splice them in, or change nothing."""

    def __init__(self, options: RegenOptions, settings: Settings, on_event: Emit | None = None) -> None:
        self.options = options
        self.draft = DraftFile(absolute(options.draft, options.cwd), options.draft)
        self.arxiv_id = self.draft.arxiv_id(options.arxiv)
        self.session = Session(settings, options.cwd, options.sources, self.draft.path.parent, on_event)
        self.archetype_doc = post.split(self.session.render(self.draft.path))
        self.states = regen.states(self.archetype_doc, self.draft.document)
        if options.failed:
            self.targets = [s for s in self.states if s.action is Action.FILL and s.findings]
        else:
            self.targets = regen.choose(self.states, list(options.names), str(options.draft))

    def execute(self) -> RegenResult:
        """Ask for each chosen section; write only if every one passes validation."""
        if not self.targets:
            return RegenResult(self.draft.path, [], "", None, False)
        client = self.session.open()
        pipeline = self.session.pipeline(client, hint=self.options.hint)
        try:
            paper = self.session.paper(self.arxiv_id)
            facts = regen.facts_from_draft(self.archetype_doc, self.draft.document, paper, self.draft.slug)
            skeletons = prefill(self.archetype_doc, paper, facts)
            outline = regen.outline(self.draft.document)
            outcomes = []
            for state in self.targets:
                skeleton = skeletons.blocks[self.archetype_doc.blocks.index(state.expected)]
                outcomes.append(pipeline.fill_block(paper, facts, outline, state.index, skeleton))
        except KeyboardInterrupt:
            raise Interrupted(f"{self.options.draft} is unchanged; {self.session.kept(pipeline.answered)}") from None
        finally:
            self.session.close()
        if any(outcome.action == "failed" for outcome in outcomes):
            return RegenResult(self.draft.path, outcomes, "", None, False)
        new_text = regen.splice(self.draft.document, {s.index: o.text for s, o in zip(self.targets, outcomes)})
        diff = "".join(difflib.unified_diff(self.draft.text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                            str(self.options.draft), str(self.options.draft)))
        if self.options.diff or new_text == self.draft.text:
            return RegenResult(self.draft.path, outcomes, diff, None, False)
        backup = self._backup()
        write_new_file(self.draft.path, self.draft.bom + new_text, overwrite=True)
        return RegenResult(self.draft.path, outcomes, diff, backup, True)

    def _backup(self) -> Path:
        """Keep the draft as it was: in the site's .drafter/history/, else beside it as DRAFT.bak."""
        site = self.session.site
        if site is not None:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            try:
                relative = self.draft.path.resolve().relative_to(site.resolve())
            except ValueError:
                relative = Path(self.draft.path.name)
            backup = site / ".drafter" / "history" / f"{str(relative).replace(os.sep, '__')}.{stamp}"
        else:
            backup = self.draft.path.with_name(self.draft.path.name + ".bak")
        write_new_file(backup, self.draft.bom + self.draft.text, overwrite=True)
        return backup


class _Unreachable:
    """The client of a dry run: asking it anything is a bug."""

    def complete(self, request):  # pragma: no cover - a dry run never sends
        raise AssertionError("a dry run must not call the model")


def absolute(path: Path | None, cwd: Path) -> Path | None:
    """`path` made absolute against `cwd` (None stays None)."""
    if path is None:
        return None
    path = path.expanduser()
    return path if path.is_absolute() else cwd / path


def write_new_file(path: Path, text: str, *, overwrite: bool) -> None:
    """Write `path` atomically; without `overwrite`, fail rather than replace a file that appeared meanwhile."""
    write_new_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def write_new_bytes(path: Path, data: bytes, *, overwrite: bool) -> None:
    """write_new_file for bytes (a page bundle's images and other files)."""
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


# -- drafter check ---------------------------------------------------------------------------

def expected_document(draft: DraftFile, cwd: Path, archetype_option: Path | None, kind: str | None = "model") -> post.Document:
    """The archetype a draft is checked against, rendered for the draft's file as `hugo new content` would."""
    site = find_site(draft.path.resolve().parent)
    section = draft_section(site, draft.path) or "posts"
    if kind is None:  # the kind `drafter new` used by default: the site's drafter.toml, else "model"
        from .settings import read_config

        kind = str(read_config(site).get("kind") or "model")
    located = find_archetype(site, kind, absolute(archetype_option, cwd), section=section)
    context = PageContext(content_base_name=draft.slug, date=hugo_date(datetime.now(timezone.utc)),
                                    site=load_site_info(site) if site else SiteInfo(),
                                    content_type=kind, section=section)
    return post.split(new_content.render_builtin(located, context).text)


def check_read_draft(draft: DraftFile, expected: post.Document) -> list[Finding]:
    """The findings of a draft already read, against its rendered archetype (`expected`)."""
    findings = check_front_matter(expected.front_matter, draft.document.front_matter)
    findings += check_document(expected, draft.document)
    return sorted(findings, key=lambda f: (f.line, f.rule))


def draft_section(site: Path | None, draft: Path) -> str:
    """The content section a draft sits in (`posts` for content/posts/x.md or content/posts/x/index.md), or ""."""
    if site is None:
        return ""
    try:
        parts = draft.resolve().relative_to((site / "content").resolve()).parts
    except ValueError:
        return ""
    return parts[0] if len(parts) > 1 else ""


def check_front_matter(expected: str, actual: str) -> list[Finding]:
    """The draft's front matter parses, keeps every key of the archetype's, and says `draft: true`."""
    if not actual.strip():
        return [Finding(1, FRONT_MATTER, "the draft has no front matter; restore the archetype's")]
    try:
        have = front_matter_data(actual)
    except FrontMatterUnparsable as error:
        return [Finding(error.line, FRONT_MATTER, f"the front matter does not parse ({error.reason})")]
    findings = []
    try:
        want = front_matter_data(expected) if expected.strip() else {}
    except FrontMatterUnparsable:
        want = {}
    for key in want:
        if key not in have:
            findings.append(Finding(1, FRONT_MATTER, f"the key {key!r} of the archetype is missing"))
    if have.get("draft") is not True:
        findings.append(Finding(1, FRONT_MATTER, "the front matter must say draft: true until a person publishes it"))
    # `<angle>` and `[bracket]` slots in string values, each reported once even if a line repeats it.
    findings += dict.fromkeys(front_matter_placeholders(actual))
    return findings


class FrontMatterUnparsable(ValueError):
    """A front matter block that its format's parser rejects: the file line and the parser's reason."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def front_matter_data(block: str) -> dict:
    """Parse a YAML (`---`), TOML (`+++`) or JSON front matter block, delimiters included, into a dict.

    Raises FrontMatterUnparsable with the line in the file (the block starts at line 1) and the parser's reason.
    """
    lines = block.splitlines(keepends=True)
    if block.startswith("{"):
        try:
            data = json.loads(block)
        except json.JSONDecodeError as error:
            raise FrontMatterUnparsable(error.lineno, error.msg) from None
    elif block.startswith("+++"):
        try:
            data = tomllib.loads("".join(lines[1:-1]))
        except tomllib.TOMLDecodeError as error:
            found = re.search(r"\(at line (\d+), column \d+\)", str(error))
            reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error)) or "not TOML"
            raise FrontMatterUnparsable(int(found.group(1)) + 1 if found else 1, reason) from None
    else:
        import yaml

        try:
            data = yaml.safe_load("".join(lines[1:-1]))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            reason = " ".join(str(getattr(error, "problem", None) or error).split())
            context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
            if context and start is not None and mark is not None and start.line != mark.line:
                reason += f", {context} that starts at line {start.line + 2}"  # where an unclosed quote began
            raise FrontMatterUnparsable(mark.line + 2 if mark is not None else 1, reason) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterUnparsable(2, f"it holds a {type(data).__name__}, not key: value pairs")
    return data
