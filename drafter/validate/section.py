"""Judging one answer against its skeleton: every rule that applies to a section the model wrote."""

from __future__ import annotations

from ..findings import EMPTY, FENCE_WRAP, Finding
from ..grounding import ungrounded_numbers
from ..post.markdown import parse
from .chatter import check_chatter
from .content import check_content, check_placeholders
from .headings import check_empty_sections, check_headings
from .integrity import check_markdown, check_table_columns
from .render import check_rendering
from .safety import check_safety


def validate_section(skeleton: str, answer: str, source: str | None = None) -> list[Finding]:
    """Return what is wrong with `answer`, the model's version of the archetype section `skeleton`.

    With `source` (the paper's text: metadata, abstract, facts), numbers the source does not state are
    findings too (rule `ungrounded-number`).
    """
    read = parse(answer)
    first = next((line for line in read.lines if line.text.strip()), None)
    if first is None:
        return [Finding(1, EMPTY, "the answer is empty; write the whole section, starting with its heading")]
    findings: list[Finding] = []
    wrapped = next((block for block in read.code_blocks if block.fenced and block.open_line == first.number), None)
    if wrapped is not None:
        findings.append(Finding(first.number, FENCE_WRAP,
                                "the section is wrapped in a code fence; answer with the Markdown itself, no ``` around it"))
    expected_headings = parse(skeleton).top_headings
    findings.extend(check_chatter(skeleton, answer, fenced=wrapped is not None))
    findings.extend(check_headings(expected_headings, read.top_headings))
    findings.extend(check_empty_sections(skeleton, answer))
    findings.extend(check_content(skeleton, answer))
    findings.extend(check_safety(skeleton, answer))
    findings.extend(check_markdown(answer))
    findings.extend(check_table_columns(skeleton, answer))
    findings.extend(check_placeholders(skeleton, answer))
    findings.extend(check_rendering(skeleton, answer))
    if source is not None:
        findings.extend(ungrounded_numbers(answer, source, skeleton))
    return sorted(set(findings), key=lambda finding: (finding.line, finding.rule, finding.message))
