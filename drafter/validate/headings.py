"""Headings of an answer against the archetype's: none lost, renamed, re-levelled, reordered, repeated or added,
and none left empty where the archetype asks for text."""

from __future__ import annotations

from ..findings import EMPTY, HEADING, Finding
from ..post.markdown import Heading, headings, split_lines
from ..post.pairing import heading_matches


def check_headings(expected: tuple[Heading, ...] | list[Heading], actual: list[Heading] | tuple[Heading, ...]) -> list[Finding]:
    """Compare a section's headings with the archetype's: none lost, renamed, re-levelled, reordered or added."""
    findings: list[Finding] = []
    matched: list[int] = []
    used: set[int] = set()
    for want in expected:
        found = next(
            (i for i, have in enumerate(actual) if i not in used and heading_matches(want, have)), None
        )
        if found is None:
            findings.append(Finding(actual[0].line if actual else 1, HEADING,
                                    f"the heading {'#' * want.level} {want.title} is missing or renamed; keep it exactly"))
            continue
        used.add(found)
        matched.append(found)
        have = actual[found]
        if have.level != want.level:
            findings.append(Finding(have.line, HEADING,
                                    f"{have.title!r} is a level-{have.level} heading; the archetype has it at level "
                                    f"{want.level} ({'#' * want.level})"))
    if matched != sorted(matched):
        first = next(actual[b] for a, b in zip(matched, matched[1:]) if b < a)
        findings.append(Finding(first.line, HEADING, f"the heading {first.title!r} is out of order; keep the archetype's order"))
    kept = {actual[index].title for index in used}
    for index, have in enumerate(actual):
        if index not in used and not have.setext:  # a paragraph made a heading by --- is render's setext-heading
            if have.title in kept:
                message = (f"the heading {'#' * have.level} {have.title} appears twice; keep one and merge "
                           "the text of the repeat into it")
            else:
                message = (f"the heading {'#' * have.level} {have.title} is not in the archetype; remove it or "
                           "fold its text into an existing subsection")
            findings.append(Finding(have.line, HEADING, message))
    return findings



def check_empty_sections(skeleton: str, answer: str) -> list[Finding]:
    """Find headings of `answer` with nothing under them where the archetype asked for text."""
    findings = []
    want = _extents(skeleton)
    have = _extents(answer)
    used: set[int] = set()
    for heading, has_text, is_leaf in have:
        match = next((i for i, (w, _, _) in enumerate(want) if i not in used and w.level == heading.level
                      and heading_matches(w, heading)), None)
        if match is None:
            continue
        used.add(match)
        if is_leaf and not has_text and want[match][1]:
            findings.append(Finding(heading.line, EMPTY,
                                    f"the section {'#' * heading.level} {heading.title} has no text under its heading; "
                                    "write it, or say what the paper does not report"))
    return findings


def _extents(text: str) -> list[tuple[Heading, bool, bool]]:
    """Each heading with whether text follows it before the next heading, and whether no deeper heading follows."""
    lines = [line.rstrip("\r\n") for line in split_lines(text)]
    found = headings(text)
    result = []
    for index, heading in enumerate(found):
        following = found[index + 1] if index + 1 < len(found) else None
        end = following.line - 1 if following else len(lines)
        has_text = any(line.strip() for line in lines[max(heading.line, heading.end_line): end])  # past a setext underline
        is_leaf = following is None or following.level <= heading.level
        result.append((heading, has_text, is_leaf))
    return result
