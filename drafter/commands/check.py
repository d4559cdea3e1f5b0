"""`drafter check`: the validator over a whole draft, plus grounding against the paper and, on request, running its code.

Light on purpose (a pre-commit hook runs it): no model client, no prompts, no pipeline.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..hugo import new_content
from ..post import document as post
from ..post.placeholders import classify
from ..validate.document import check_document
from ..arxiv import store as papercache
from ..facts import facts_from_draft, prefill
from ..errors import ConfigError
from ..findings import Finding
from ..front_matter import check_front_matter
from ..grounding import Evidence, evidence, paper_source, ungrounded_numbers
from ..grounding_mode import Grounding
from ..post.pairing import pair
from ..status import Status
from .draft import DraftFile
from .where import absolute, resolve_site


@dataclass
class CheckReport:
    """What `drafter check` found: findings that fail the check, grounding warnings, and notes."""

    findings: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)  # grounding findings in --grounding warn
    notes: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)  # with --explain: where the paper states each number


def check_draft(draft_path: Path, cwd: Path, *, archetype_option: Path | None = None, kind: str | None = None,
                grounding: str | None = None, run_code: bool = False, explain: bool = False,
                environ: Mapping[str, str] | None = None, requires: Sequence[str] = ("torch",),
                code_timeout: float | None = None, source: str | None = None) -> CheckReport:
    """Validate the draft; ground its numbers in the paper (unless grounding is "off"); run its code if asked.

    `kind`, `grounding` and `source` are flags: None leaves the site's drafter.toml (or the default) in force,
    as for `new` and `regen`. With `explain`, the report also says for every number of the model-written
    sections where the paper states it (needs grounding).
    """
    environ = os.environ if environ is None else environ
    path = absolute(draft_path, cwd)
    site, settings = resolve_site(path.resolve().parent, environ, {"source": source, "grounding": grounding, "kind": kind})
    mode = Grounding(settings.grounding)
    if explain and mode is Grounding.OFF:
        raise ConfigError("--explain", "needs the paper to say where numbers are stated; drop --offline and "
                                       "--grounding off (or grounding = \"off\" in drafter.toml)")
    draft = DraftFile(path, draft_path)
    expected = expected_document(draft, site, cwd, archetype_option, settings.kind, settings.section, environ)
    report = CheckReport(check_read_draft(draft, expected))
    paper = text = None
    if mode is not Grounding.OFF:
        paper, text = grounding_paper(draft, settings, environ)
        if explain:
            report.evidence = draft_evidence(expected, draft, paper, text)
    failing, warnings = mode.split(lambda: ground_draft(expected, draft, paper, text))
    report.findings += failing
    report.warnings += warnings
    if run_code:
        from ..runcode import run_code as run

        ran = run(draft.text, timeout=code_timeout or settings.run_code_timeout, requires=requires,
                  python=sys.executable)
        report.findings += ran.findings
        report.notes += ran.notes
    report.findings.sort(key=lambda f: (f.line, f.rule))
    return report


def expected_document(draft: DraftFile, site: Path | None, cwd: Path, archetype_option: Path | None,
                      kind: str, section: str = "posts", environ: Mapping[str, str] | None = None) -> post.Document:
    """The archetype a draft is judged against (by check, sections and regen), rendered for the page it was made for.

    The section is the draft's folder under content/ (else `section`); the page is the one `new` renders for,
    named and dated as the draft records them (new_content.draft_context), so a renamed draft is judged alike by all
    three, and the render is kept on disk for the next check (hugo.kept).
    """
    section = draft_section(site, draft.path) or section
    return post.split(new_content.render_for_draft(site, draft.path, draft.text, explicit=absolute(archetype_option, cwd),
                                                   kind=kind, section=section, environ=environ))


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


def _filled_blocks(expected: post.Document, draft: DraftFile, paper, paper_text: str | None = None):
    """Yield (the draft's block index, source, its text, its skeleton, line offset) for each block the model fills.

    The source is what the sections were written from: the paper and the facts as the draft now states them
    (name and tagline from its lead heading). Only blocks the model fills are judged, against the archetype's
    block with the known slots filled, as `drafter new` judged them.
    """
    facts = facts_from_draft(expected, draft.document, paper, draft.slug)
    source = paper_source(paper, facts.name, facts.tagline, facts.kind, *([paper_text] if paper_text else []))
    skeletons = prefill(expected, paper, facts)
    for index, match in pair(expected, draft.document):
        if match is None or classify(expected.blocks[index]) is not Status.FILL:
            continue  # a missing section is the validator's finding
        actual = draft.document.blocks[match]
        yield match, source, actual.text, skeletons.blocks[index].text, actual.start_line - 1


def grounding_by_block(expected: post.Document, draft: DraftFile, paper, paper_text: str | None = None) -> dict[int, list[Finding]]:
    """For each model-written block of the draft that has any (by its index), the numbers the paper does not
    state, at their lines in the file: what check, sections and `regen --failed` count alike."""
    found: dict[int, list[Finding]] = {}
    for index, source, text, skeleton, offset in _filled_blocks(expected, draft, paper, paper_text):
        findings = [Finding(f.line + offset, f.rule, f.message) for f in ungrounded_numbers(text, source, skeleton)]
        if findings:
            found[index] = findings
    return found


def ground_draft(expected: post.Document, draft: DraftFile, paper, paper_text: str | None = None) -> list[Finding]:
    """Numbers in the draft's model-written sections that the paper (metadata, abstract, full text) and facts do not state."""
    return [finding for findings in grounding_by_block(expected, draft, paper, paper_text).values() for finding in findings]


def draft_evidence(expected: post.Document, draft: DraftFile, paper, paper_text: str | None = None) -> list[Evidence]:
    """For every number of the draft's model-written sections, where the paper states it (or that it does not)."""
    return [replace(item, line=item.line + offset)
            for _, source, text, skeleton, offset in _filled_blocks(expected, draft, paper, paper_text)
            for item in evidence(text, source, skeleton)]


def grounding_paper(draft: DraftFile, settings, environ: Mapping[str, str], *, kept_only: bool = False):
    """The draft's paper and the text `drafter new` showed the model (cut as it was cut), as grounding reads them.

    Fetched once and kept; with `kept_only`, only what is kept on disk is read: None when the paper (or, with
    source "full", what fetching its text found) is not kept, since grounding in less would find more.
    """
    arxiv_id = draft.arxiv_id(None, "use --offline")
    paper = papercache.kept(arxiv_id, environ) if kept_only else papercache.load(arxiv_id, settings.arxiv_api, environ)
    if paper is None:
        return None
    text = None
    if settings.source == "full":
        fetched = papercache.kept_text(paper.arxiv_id, environ) if kept_only else papercache.load_text(paper.arxiv_id, environ)
        if fetched is None:
            return None
        shown = fetched.shown(settings.max_source_tokens)
        text = shown.markdown() if shown is not None else None
    return paper, text
