"""Judge a model's section against the archetype's section: placeholders left, structure broken, wrapping added."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import sections
from .sections import Action, Block, Heading

# Stable rule ids: findings are matched on these by tests, tools and re-ask prompts.
PLACEHOLDER = "placeholder"
COMMENT = "guidance-comment"
SAMPLE = "sample-content"
HEADING = "heading"
FENCE_WRAP = "fence-wrap"
CHATTER = "chatter"
EMPTY = "empty-section"
FRONT_MATTER = "front-matter"

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
SLOT = re.compile(r"(?<![!\\\]])\[(?!\^)([^\[\]\n]+)\](?![(\[])")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_TASK_BOX = re.compile(r"^[ xX]$")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_INLINE_MATH = re.compile(r"\$[^$\n]+\$")
_SAMPLE_IDENTIFIER = re.compile(r"\b(ModelName|MyModel|YourModel|[a-z]+\d+)\b")


@dataclass(frozen=True)
class Finding:
    """One problem in a section: where, which rule, and what to do about it."""

    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.rule}: {self.message}"


@dataclass(frozen=True)
class Line:
    """A line of Markdown with what it sits inside."""

    number: int
    text: str
    zone: str  # "prose", "code", "math" or "fence" (a fence delimiter itself)


def scan(text: str) -> list[Line]:
    """Tag every line of `text` with whether it is prose, code, display math or a fence line."""
    lines: list[Line] = []
    fence: str | None = None
    in_math = False
    for number, line in enumerate(text.splitlines(), start=1):
        fence_match = _FENCE.match(line)
        if fence is not None:
            closing = fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence)
            if closing and line.strip() == fence_match.group(1):
                fence = None
                lines.append(Line(number, line, "fence"))
            else:
                lines.append(Line(number, line, "code"))
            continue
        if fence_match and not in_math:
            fence = fence_match.group(1)
            lines.append(Line(number, line, "fence"))
            continue
        stripped = line.strip()
        if stripped == "$$":
            in_math = not in_math
            lines.append(Line(number, line, "fence"))
            continue
        if in_math:
            lines.append(Line(number, line, "math"))
            continue
        lines.append(Line(number, line, "prose"))
    return lines


def bracket_slots(line: str) -> list[str]:
    """Return the bracketed placeholder slots in a prose line (not links, images, footnotes or task boxes)."""
    if _LINK_DEFINITION.match(line) and "://" in line:
        return []
    visible = _INLINE_MATH.sub(" ", _INLINE_CODE.sub(" ", line))
    return [match.group(0) for match in SLOT.finditer(visible) if not _TASK_BOX.match(match.group(1))]


def has_placeholders(text: str) -> bool:
    """Tell whether a block of an archetype holds anything for the model to fill."""
    if sections.guidance_comments(text):
        return True
    return any(line.zone == "prose" and bracket_slots(line.text) for line in scan(text))


def classify(block: Block) -> Action:
    """Decide whether a block of the archetype is filled by the model, stripped of comments, or kept."""
    comments = sections.guidance_comments(block.text)
    without_comments = sections.strip_comments(block.text)
    slots = any(line.zone == "prose" and bracket_slots(line.text) for line in scan(without_comments))
    if slots or _sample_lines(without_comments) or _sample_identifiers(without_comments):
        return Action.FILL
    if not comments:
        return Action.KEEP
    # Comments beside real content (a widget's <div>) are notes to the writer, not a request for prose.
    rest = "\n".join(line for line in without_comments.splitlines()[1:] if line.strip())
    has_subheadings = len(block.headings) > 1
    return Action.STRIP if rest and not has_subheadings else Action.FILL


def _sample_lines(text: str) -> frozenset[str]:
    """Lines of an archetype section that are sample content: list items, table data rows, formula lines."""
    samples = set()
    previous_was_table = False
    table_row_index = 0
    for line in scan(text):
        stripped = line.text.strip()
        if line.zone == "math" and stripped:
            samples.add(stripped)
        if line.zone != "prose":
            previous_was_table = False
            continue
        if _TABLE_ROW.match(line.text):
            table_row_index = table_row_index + 1 if previous_was_table else 0
            previous_was_table = True
            if table_row_index >= 1 and not _TABLE_SEPARATOR.match(line.text):
                samples.add(stripped)
            continue
        previous_was_table = False
        # A list of links (a table of contents) is navigation, not sample content.
        if _LIST_ITEM.match(line.text) and not bracket_slots(line.text) and "](" not in line.text:
            samples.add(stripped)
    return frozenset(samples)


def _sample_identifiers(text: str) -> frozenset[str]:
    """Identifiers in an archetype's code that only stand for something (`ModelName`, `param1`)."""
    found = set()
    for line in scan(text):
        if line.zone == "code":
            found.update(match.group(1) for match in _SAMPLE_IDENTIFIER.finditer(line.text))
    return frozenset(found)


@lru_cache(maxsize=512)
def heading_pattern(title: str) -> re.Pattern[str]:
    """Return a regex that an archetype heading's filled form must match: fixed parts kept, slots filled."""
    parts = re.split(r"(\[[^\[\]]+\])", title)
    regex = "".join(r"(.+?)" if part.startswith("[") and part.endswith("]") else re.escape(part) for part in parts)
    return re.compile(rf"^{regex}$", re.IGNORECASE if "[" not in title else 0)


def _heading_matches(expected: Heading, actual: Heading) -> bool:
    return bool(heading_pattern(expected.title).match(actual.title))


def check_headings(expected: tuple[Heading, ...] | list[Heading], actual: list[Heading] | tuple[Heading, ...]) -> list[Finding]:
    """Compare a section's headings with the archetype's: none lost, renamed, re-levelled, reordered or added."""
    findings: list[Finding] = []
    matched: list[int] = []
    used: set[int] = set()
    for want in expected:
        found = next(
            (i for i, have in enumerate(actual) if i not in used and _heading_matches(want, have)), None
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
    for index, have in enumerate(actual):
        if index not in used:
            findings.append(Finding(have.line, HEADING,
                                    f"the heading {'#' * have.level} {have.title} is not in the archetype; remove it or fold its text into an existing subsection"))
    return findings


def validate_section(skeleton: str, answer: str) -> list[Finding]:
    """Return what is wrong with `answer`, the model's version of the archetype section `skeleton`."""
    findings: list[Finding] = []
    lines = answer.splitlines()
    first = next(((n, text) for n, text in enumerate(lines, start=1) if text.strip()), None)
    expected_headings = tuple(sections.headings(skeleton))
    if first is None:
        return [Finding(1, EMPTY, "the answer is empty; write the whole section, starting with its heading")]
    number, first_text = first
    if _FENCE.match(first_text):
        findings.append(Finding(number, FENCE_WRAP,
                                "the section is wrapped in a code fence; answer with the Markdown itself, no ``` around it"))
    elif expected_headings and expected_headings[0].line == 1:
        head = sections.headings(first_text)
        if not head:
            findings.append(Finding(number, CHATTER,
                                    f"text before the heading; start the answer with the line {'#' * expected_headings[0].level} {expected_headings[0].title}"))
    findings.extend(check_headings(expected_headings, sections.headings(answer)))
    findings.extend(check_content(skeleton, answer))
    return sorted(findings, key=lambda finding: (finding.line, finding.rule))


def check_content(skeleton: str, answer: str) -> list[Finding]:
    """Find placeholders, guidance comments and unchanged sample content in `answer`."""
    findings: list[Finding] = []
    samples = _sample_lines(sections.strip_comments(skeleton))
    identifiers = _sample_identifiers(skeleton)
    for line in scan(answer):
        if "<!--" in line.text:
            findings.append(Finding(line.number, COMMENT,
                                    "a guidance comment is left; replace it with the text it asks for"))
        if line.zone == "prose":
            for slot in bracket_slots(line.text):
                findings.append(Finding(line.number, PLACEHOLDER,
                                        f"the placeholder {slot} is left; replace it with real content"))
        if line.text.strip() in samples:
            findings.append(Finding(line.number, SAMPLE,
                                    f"the archetype's sample line {line.text.strip()!r} is unchanged; replace it with content about this paper"))
        if line.zone == "code":
            for identifier in sorted({m.group(1) for m in _SAMPLE_IDENTIFIER.finditer(line.text)} & identifiers):
                findings.append(Finding(line.number, SAMPLE,
                                        f"the sample identifier {identifier!r} is left in the code; use names from this model"))
    return findings


def check_document(archetype: sections.Document, draft: sections.Document) -> list[Finding]:
    """Validate every part of a whole draft against the archetype's parts; line numbers are the draft's."""
    findings: list[Finding] = []
    cursor = 0
    end_line = draft.join().count("\n") + 1
    for expected in archetype.blocks:
        match = None
        for index in range(cursor, len(draft.blocks)):
            candidate = draft.blocks[index]
            if expected.heading is None or (
                candidate.heading is not None
                and candidate.heading.level == expected.heading.level
                and _heading_matches(expected.heading, candidate.heading)
            ):
                match = index
                break
        if match is None:
            line = draft.blocks[cursor].start_line if cursor < len(draft.blocks) else end_line
            findings.append(Finding(line, HEADING, f"the section {'#' * expected.level} {expected.title} is missing or renamed; the archetype has it here"))
            continue
        for extra in draft.blocks[cursor:match]:
            findings.append(Finding(extra.start_line, HEADING, f"the section {'#' * extra.level} {extra.title} is not in the archetype"))
        cursor = match + 1
        findings.extend(_check_block(expected, draft.blocks[match]))
    for extra in draft.blocks[cursor:]:
        findings.append(Finding(extra.start_line, HEADING, f"the section {'#' * extra.level} {extra.title} is not in the archetype"))
    return sorted(findings, key=lambda finding: (finding.line, finding.rule))


def _check_block(expected: Block, actual: Block) -> list[Finding]:
    action = classify(expected)
    offset = actual.start_line - 1
    if action is Action.FILL:
        local = validate_section(expected.text, actual.text)
    else:
        local = check_headings(expected.headings, actual.headings)
        if action is Action.STRIP:
            local += [f for f in check_content(sections.strip_comments(expected.text), actual.text) if f.rule == COMMENT]
    return [Finding(f.line + offset, f.rule, f.message) for f in local]
