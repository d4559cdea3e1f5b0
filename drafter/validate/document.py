"""Whole drafts: every part of the draft judged against the archetype's part it fills, line numbers the draft's."""

from __future__ import annotations

from ..findings import COMMENT, HEADING, Finding
from ..post.document import Block, Document
from ..post.pairing import pair
from ..post.markdown import strip_comments
from ..post.placeholders import classify
from ..status import Status
from .content import check_content
from .headings import check_headings
from .integrity import check_markdown
from .render import check_rendering, setext_finding
from .safety import check_safety
from .section import validate_section
from .toc import check_toc_links


def check_document(archetype: Document, draft: Document) -> list[Finding]:
    """Validate every part of a whole draft against the archetype's parts; line numbers are the draft's."""
    findings: list[Finding] = []
    cursor = 0
    seen: set[str] = set()
    end_line = draft.join().count("\n") + 1
    for index, match in pair(archetype, draft):
        expected = archetype.blocks[index]
        if match is None:
            line = draft.blocks[cursor].start_line if cursor < len(draft.blocks) else end_line
            findings.append(Finding(line, HEADING, f"the section {'#' * expected.level} {expected.title} is missing or renamed; the archetype has it here"))
            continue
        findings.extend(_extra_blocks(draft.blocks[cursor:match], seen))
        cursor = match + 1
        seen.add(draft.blocks[match].title.casefold())
        findings.extend(_check_block(expected, draft.blocks[match]))
    findings.extend(_extra_blocks(draft.blocks[cursor:], seen))
    findings.extend(check_toc_links(draft.join()))
    return sorted(findings, key=lambda finding: (finding.line, finding.rule))


def _extra_blocks(extras: tuple[Block, ...], seen: set[str]) -> list[Finding]:
    findings = []
    for extra in extras:
        if extra.heading is not None and extra.heading.setext:
            setext = setext_finding(extra.heading)
            findings.append(Finding(extra.start_line, setext.rule, setext.message))
            continue
        if extra.title.casefold() in seen:
            message = f"the section {'#' * extra.level} {extra.title} appears twice; keep one and merge the text of the repeat into it"
        else:
            message = f"the section {'#' * extra.level} {extra.title} is not in the archetype; remove it or fold its text into an existing section"
        findings.append(Finding(extra.start_line, HEADING, message))
    return findings


def _check_block(expected: Block, actual: Block) -> list[Finding]:
    action = classify(expected)
    offset = actual.start_line - 1
    if action is Status.FILL:
        local = validate_section(expected.text, actual.text)
    else:
        local = check_headings(expected.headings, actual.headings)
        local += check_safety(expected.text, actual.text) + check_markdown(actual.text)
        local += check_rendering(expected.text, actual.text)
        if action is Status.STRIP:
            local += [f for f in check_content(strip_comments(expected.text), actual.text) if f.rule == COMMENT]
    return [Finding(f.line + offset, f.rule, f.message) for f in local]

