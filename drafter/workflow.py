"""The I/O edge of each command: find the site and archetype, fetch the paper, run the pipeline, write the file."""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import frontmatter

from . import archetype, arxiv, sections, validate
from .cassette import Player, Recorder
from .errors import ArchetypeError, InputFileError, OutputExists
from .facts import Facts, fallback_facts
from .llm import ChatClient, OpenAIChat
from .pipeline import Draft, Emit, Pipeline
from .prompts import PromptBook
from .settings import Settings
from .validate import Finding


@dataclass(frozen=True)
class NewOptions:
    """What `drafter new` was asked to do, beyond the settings."""

    arxiv: str
    cwd: Path
    archetype: Path | None = None
    slug: str | None = None
    output: Path | None = None
    force: bool = False
    record: Path | None = None
    replay: Path | None = None
    prompts: Path | None = None


@dataclass(frozen=True)
class PlannedRequest:
    """A request `--dry-run` would send."""

    label: str
    messages: tuple[tuple[str, str], ...]

    @property
    def estimated_tokens(self) -> int:
        """A rough input-token estimate (4 characters a token), without a tokenizer download."""
        return sum(len(content) for _, content in self.messages) // 4 + 4 * len(self.messages)


@dataclass
class NewResult:
    """A written draft and how it went."""

    path: Path
    draft: Draft


class Run:
    """The parts of one `drafter new`: settings, paths, the client, the paper."""

    def __init__(self, options: NewOptions, settings: Settings, on_event: Emit | None = None,
                 client_factory: Callable[[Settings], ChatClient] | None = None) -> None:
        self.options = options
        self.settings = settings
        self.on_event = on_event
        self.arxiv_id = arxiv.parse_id(options.arxiv)
        self.site = archetype.find_site(options.cwd)
        self.archetype_path = archetype.locate_archetype(self.site, settings.kind, _absolute(options.archetype, options.cwd))
        try:
            # newline="" keeps CRLF archetypes' bytes, as Hugo does.
            with self.archetype_path.open(encoding="utf-8", newline="") as stream:
                self.template = stream.read()
        except (OSError, UnicodeDecodeError) as error:
            raise ArchetypeError(str(self.archetype_path), f"cannot be read ({error})") from None
        if options.output is not None:
            self._refuse_overwrite(_absolute(options.output, options.cwd))
        overrides = [p for p in (_absolute(options.prompts, options.cwd), settings.prompts_dir,
                                 self.site / ".drafter" / "prompts" if self.site else None) if p is not None]
        self.prompts = PromptBook(overrides)
        self._client_factory = client_factory or _openai_client

    def _refuse_overwrite(self, path: Path) -> None:
        if path.exists() and not self.options.force:
            raise OutputExists(str(path))

    def output_path(self, slug: str) -> Path:
        """Where the draft goes: --output, else the site's content section, else the current folder."""
        if self.options.output is not None:
            return _absolute(self.options.output, self.options.cwd)
        if self.site is not None:
            return self.site / "content" / self.settings.section / f"{slug}.md"
        return self.options.cwd / f"{slug}.md"

    def page_context(self, path: Path, now: datetime) -> archetype.PageContext:
        """What the archetype's template sees, as Hugo would give it for `path`."""
        base_name = path.parent.name if path.stem == "index" else path.stem
        site_info = archetype.load_site_info(self.site) if self.site else archetype.SiteInfo()
        return archetype.PageContext(content_base_name=base_name, date=archetype.hugo_date(now),
                                     section=self.settings.section, site=site_info, now=now,
                                     content_type=self.settings.kind)

    def plan(self) -> list[PlannedRequest]:
        """The requests a run would send, with provisional facts from the title (for --dry-run)."""
        paper = self._paper(None, None)
        pipeline = Pipeline(_Unreachable(), self.prompts, model=self.settings.model)
        provisional = fallback_facts(paper)
        if self.options.slug:
            provisional = Facts(provisional.name, provisional.tagline, provisional.kind, self.options.slug)
        path = self.output_path(provisional.slug)
        rendered = archetype.render(self.template, self.page_context(path, datetime.now(timezone.utc)), str(self.archetype_path))
        planned = [PlannedRequest("facts", tuple((m.role, m.content) for m in pipeline.facts_messages(paper)))]
        from .pipeline import prefill

        document = prefill(sections.split(rendered), paper, provisional)
        outline = [b.title for b in document.blocks if b.level == document.section_level]
        for block in document.blocks:
            if validate.classify(block) is sections.Action.FILL:
                messages = pipeline.section_messages(paper, provisional, outline, block.title, block.text)
                planned.append(PlannedRequest(block.title, tuple((m.role, m.content) for m in messages)))
        return planned

    def execute(self, now: datetime | None = None) -> NewResult:
        """Fetch, ask, validate and write; a recording is saved even when the run fails part-way."""
        player = Player(_absolute(self.options.replay, self.options.cwd)) if self.options.replay else None
        client: ChatClient = player if player is not None else self._client_factory(self.settings)
        recorder = Recorder(client, _absolute(self.options.record, self.options.cwd)) if self.options.record else None
        try:
            paper = self._paper(player, recorder)
            pipeline = Pipeline(recorder or client, self.prompts, model=self.settings.model,
                                max_attempts=self.settings.max_attempts, concurrency=self.settings.concurrency,
                                on_event=self.on_event)
            facts, facts_outcome = pipeline.establish_facts(paper)
            facts = facts or fallback_facts(paper)
            if self.options.slug:
                facts = Facts(facts.name, facts.tagline, facts.kind, self.options.slug)
            path = self.output_path(facts.slug)
            self._refuse_overwrite(path)  # before paying for the sections
            rendered = archetype.render(self.template, self.page_context(path, now or datetime.now(timezone.utc)),
                                        str(self.archetype_path))
            draft = pipeline.fill(paper, facts, rendered, [facts_outcome])
            write_new_file(path, draft.text, overwrite=self.options.force)
            return NewResult(path, draft)
        finally:
            if recorder is not None:
                recorder.save()
            close = getattr(client, "close", None)
            if close is not None:
                close()

    def _paper(self, player: Player | None, recorder: Recorder | None) -> arxiv.Paper:
        if player is not None:
            feed = player.feed_for(self.arxiv_id)
        else:
            feed = arxiv.fetch_feed(self.arxiv_id, self.settings.arxiv_api)
        if recorder is not None:
            recorder.feed = feed
        return arxiv.paper_from_response(feed, self.arxiv_id)


class _Unreachable:
    """The client of a dry run: asking it anything is a bug."""

    def complete(self, request):  # pragma: no cover - a dry run never sends
        raise AssertionError("a dry run must not call the model")


def _openai_client(settings: Settings) -> ChatClient:
    return OpenAIChat(base_url=settings.base_url, api_key=settings.api_key,
                      connect_timeout=settings.connect_timeout, read_timeout=settings.read_timeout)


def _absolute(path: Path | None, cwd: Path) -> Path | None:
    if path is None:
        return None
    path = path.expanduser()
    return path if path.is_absolute() else cwd / path


def write_new_file(path: Path, text: str, *, overwrite: bool) -> None:
    """Write `path` atomically; without `overwrite`, fail rather than replace a file that appeared meanwhile."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        if overwrite:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)  # link() never replaces an existing file
            except FileExistsError:
                raise OutputExists(str(path)) from None
    finally:
        Path(temporary).unlink(missing_ok=True)


# -- drafter check ---------------------------------------------------------------------------

def check_file(draft_path: Path, cwd: Path, archetype_option: Path | None, kind: str = "model") -> list[Finding]:
    """Validate a whole draft file against its archetype; findings carry the draft's line numbers."""
    try:
        text = draft_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(str(draft_path), "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(str(draft_path), f"cannot be read ({error})") from None
    site = archetype.find_site(draft_path.resolve().parent)
    template_path = archetype.locate_archetype(site, kind, _absolute(archetype_option, cwd))
    template = template_path.read_text(encoding="utf-8")
    base_name = draft_path.parent.name if draft_path.stem == "index" else draft_path.stem
    context = archetype.PageContext(content_base_name=base_name, date=archetype.hugo_date(datetime.now(timezone.utc)),
                                    site=archetype.load_site_info(site) if site else archetype.SiteInfo())
    rendered = archetype.render(template, context, str(template_path))
    expected, actual = sections.split(rendered), sections.split(text)
    findings = check_front_matter(expected.front_matter, actual.front_matter)
    findings += validate.check_document(expected, actual)
    return sorted(findings, key=lambda f: (f.line, f.rule))


def check_front_matter(expected: str, actual: str) -> list[Finding]:
    """The draft's front matter parses, keeps every key of the archetype's, and says `draft: true`."""
    if not actual.strip():
        return [Finding(1, validate.FRONT_MATTER, "the draft has no front matter; restore the archetype's")]
    try:
        have = _front_matter_data(actual)
    except Exception as error:  # any parser's error means the same thing to the writer
        return [Finding(1, validate.FRONT_MATTER, f"the front matter does not parse ({' '.join(str(error).split())[:100]})")]
    findings = []
    try:
        want = _front_matter_data(expected) if expected.strip() else {}
    except Exception:
        want = {}
    for key in want:
        if key not in have:
            findings.append(Finding(1, validate.FRONT_MATTER, f"the key {key!r} of the archetype is missing"))
    if have.get("draft") is not True:
        findings.append(Finding(1, validate.FRONT_MATTER, "the front matter must say draft: true until a person publishes it"))
    for line_number, line in enumerate(actual.splitlines(), start=1):
        if "<" in line and ">" in line and "<!--" not in line and re.search(r"""[:=]\s*["']?<[^<>]*>["']?\s*$""", line):
            findings.append(Finding(line_number, validate.PLACEHOLDER, f"the front matter still holds a placeholder: {line.strip()}"))
    return findings


def _front_matter_data(block: str) -> dict:
    if block.startswith("+++"):
        return tomllib.loads(block.strip().strip("+").strip("\n"))
    if block.startswith("{"):
        return json.loads(block)
    return dict(frontmatter.loads(block + "\n").metadata)
