"""`drafter check`: the validator over a whole draft, plus grounding against the paper and, on request, running its code."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import regen, runcode
from .arxiv import store as papercache
from .post import document as post
from .grounding import Evidence, evidence, paper_source, ungrounded_numbers
from .pipeline import prefill
from .post.placeholders import Action, classify
from .validate.section import find_block
from .settings import Settings
from .findings import Finding
from .workflow import DraftFile, absolute, check_read_draft, expected_document

GROUNDING_MODES = ("error", "warn", "off")


@dataclass
class CheckReport:
    """What `drafter check` found: findings that fail the check, grounding warnings, and notes."""

    findings: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)  # grounding findings in --grounding warn
    notes: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)  # with --explain: where the paper states each number


def check_draft(draft_path: Path, cwd: Path, settings: Settings, *, archetype_option: Path | None = None,
                kind: str | None = None, grounding: str = "error", run_code: bool = False, explain: bool = False,
                environ: Mapping[str, str] | None = None, requires: Sequence[str] = ("torch",),
                code_timeout: float | None = None) -> CheckReport:
    """Validate the draft; ground its numbers in the paper (unless `grounding` is "off"); run its code if asked.

    With `explain`, the report also says for every number of the model-written sections where the paper
    states it (needs grounding).
    """
    environ = os.environ if environ is None else environ
    draft = DraftFile(absolute(draft_path, cwd), draft_path)
    expected = expected_document(draft, cwd, archetype_option, kind)
    report = CheckReport(check_read_draft(draft, expected))
    if grounding != "off":
        paper = papercache.load(draft.arxiv_id(None, "use --offline"), settings.arxiv_api, environ)
        found = ground_draft(expected, draft, paper)
        if explain:
            report.evidence = draft_evidence(expected, draft, paper)
        if grounding == "error":
            report.findings += found
        else:
            report.warnings += found
    if run_code:
        ran = runcode.run_code(draft.text, timeout=code_timeout or settings.run_code_timeout, requires=requires,
                               python=sys.executable)
        report.findings += ran.findings
        report.notes += ran.notes
    report.findings.sort(key=lambda f: (f.line, f.rule))
    return report


def _filled_blocks(expected: post.Document, draft: DraftFile, paper):
    """Yield (source, the draft's block text, its skeleton, line offset) for each block the model fills.

    The source is what the sections were written from: the paper and the facts as the draft now states them
    (name and tagline from its lead heading). Only blocks the model fills are judged, against the archetype's
    block with the known slots filled, as `drafter new` judged them.
    """
    facts = regen.facts_from_draft(expected, draft.document, paper, draft.slug)
    source = paper_source(paper, facts.name, facts.tagline, facts.kind)
    skeletons = prefill(expected, paper, facts)
    cursor = 0
    for index, block in enumerate(expected.blocks):
        match = find_block(block, draft.document.blocks, cursor)
        if match is None:
            continue  # the validator reports the missing section
        cursor = match + 1
        if classify(block) is not Action.FILL:
            continue
        actual = draft.document.blocks[match]
        yield source, actual.text, skeletons.blocks[index].text, actual.start_line - 1


def ground_draft(expected: post.Document, draft: DraftFile, paper) -> list[Finding]:
    """Numbers in the draft's model-written sections that the paper's metadata, abstract and the facts do not state."""
    return [Finding(finding.line + offset, finding.rule, finding.message)
            for source, text, skeleton, offset in _filled_blocks(expected, draft, paper)
            for finding in ungrounded_numbers(text, source, skeleton)]


def draft_evidence(expected: post.Document, draft: DraftFile, paper) -> list[Evidence]:
    """For every number of the draft's model-written sections, where the paper states it (or that it does not)."""
    return [replace(item, line=item.line + offset)
            for source, text, skeleton, offset in _filled_blocks(expected, draft, paper)
            for item in evidence(text, source, skeleton)]
