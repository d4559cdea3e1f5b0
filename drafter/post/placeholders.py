"""What in an archetype's block asks for content, and what drafter does with the block.

Placeholders are `[bracket slots]`, `<!-- guidance comments -->`, `<angle slots>`, TODO/FIXME/TBD lines, lorem
ipsum, sample lines (list items, table data rows, formula lines) and sample identifiers in code (`ModelName`).
Which line is prose, code or math comes from the one Markdown scanner.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..status import Status
from .markdown import (DANGEROUS, HTML_ELEMENTS, Tag, angle_tags, blank_comments, guidance_comments, scan, scan_masked,
                       strip_comments)

if TYPE_CHECKING:
    from .document import Block


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")  # GFM: one hyphen is enough
SLOT = re.compile(r"(?<![!\\\]])\[(?!\^)([^\[\]\n]+)\](?![(\[])")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_TASK_BOX = re.compile(r"^[ xX]$")
# What is left between brackets holding only masked math or code: `[$0$, $1$]` is an interval, not a slot.
_ONLY_SEPARATORS = re.compile(r"^[\s,;:]*$")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_INLINE_MATH = re.compile(r"\$[^$\n]+\$")
SAMPLE_IDENTIFIER = re.compile(r"\b(ModelName|MyModel|YourModel|[a-z]+\d+)\b")


def bracket_slots(line: str) -> list[str]:
    """Return the bracketed placeholder slots in a prose line (not links, images, footnotes or task boxes)."""
    if _LINK_DEFINITION.match(line) and "://" in line:
        return []
    visible = _INLINE_MATH.sub(" ", _INLINE_CODE.sub(" ", line))
    return [match.group(0) for match in SLOT.finditer(visible)
            if not _TASK_BOX.match(match.group(1)) and not _ONLY_SEPARATORS.match(match.group(1))]


def has_placeholders(text: str) -> bool:
    """Tell whether a block of an archetype holds anything for the model to fill."""
    if guidance_comments(text):
        return True
    return any(line.zone == "prose" and bracket_slots(line.text) for line in scan(text)) or bool(generic_slots(text))


_SHORTCODE_CALL = re.compile(r"\{\{[<%].*?[>%]\}\}")


def generic_slots(text: str) -> list[str]:
    """Placeholders any archetype may use beyond [bracket] slots and comments, in prose outside comments and
    shortcodes (kept as they are): `<angle slots>`, TODO/FIXME/TBD lines, lorem ipsum."""
    visible = _SHORTCODE_CALL.sub(lambda m: " " * len(m.group(0)), blank_comments(text))
    found = [tag.text for tag in angle_tags(visible) if is_slot(tag)]
    for line in scan_masked(text, visible):
        if line.zone == "prose" and (TODO.search(line.text) or LOREM.search(line.text)):
            found.append(line.text.strip())
    return found


def is_slot(tag: Tag) -> bool:
    """A `<slot>` for a writer: words in angle brackets, including `<one-line summary of X>` (whose
    hyphenated first word would otherwise pass for a custom element) but no tag with attributes."""
    if tag.glued:
        return False  # `p<q and q>r`: a comparison that CommonMark reads as a tag (render's stray-html)
    if not tag.is_html:
        return True
    words = tag.text.strip("<>").split()
    return (len(words) >= 2 and "=" not in tag.text and not tag.text.startswith("</")
            and tag.name not in HTML_ELEMENTS and tag.name not in DANGEROUS)


def placeholders(text: str) -> list[str]:
    """Everything in an archetype block that asks for content: guidance comments, [bracket] slots,
    generic slots (see generic_slots), sample lines and sample identifiers in code."""
    found = [" ".join(comment.split()) for comment in guidance_comments(text)]
    without_comments = strip_comments(text)
    for line in scan(without_comments):
        if line.zone == "prose":
            found += bracket_slots(line.text)
    found += generic_slots(without_comments)
    found += sorted(sample_lines(without_comments) - set(found))
    found += sorted(sample_identifiers(without_comments))
    return list(dict.fromkeys(found))


def classify(block: "Block") -> Status:
    """Decide whether a block of the archetype is filled by the model, stripped of comments, or kept."""
    comments = guidance_comments(block.text)
    without_comments = strip_comments(block.text)
    slots = any(line.zone == "prose" and bracket_slots(line.text) for line in scan(without_comments))
    if slots or sample_lines(without_comments) or sample_identifiers(without_comments) or generic_slots(without_comments):
        return Status.FILL
    if not comments:
        return Status.KEEP
    # Comments beside real content (a widget's <div>) are notes to the writer, not a request for prose.
    rest = "\n".join(line for line in without_comments.splitlines()[1:] if line.strip())
    has_subheadings = len(block.headings) > 1
    return Status.STRIP if rest and not has_subheadings else Status.FILL


def sample_lines(text: str) -> frozenset[str]:
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


def sample_identifiers(text: str) -> frozenset[str]:
    """Identifiers in an archetype's code that only stand for something (`ModelName`, `param1`)."""
    found = set()
    for line in scan(text):
        if line.zone == "code":
            found.update(match.group(1) for match in SAMPLE_IDENTIFIER.finditer(line.text))
    return frozenset(found)


TODO = re.compile(r"\b(TODO|FIXME|TBD)\b")
LOREM = re.compile(r"lorem\s+ipsum", re.IGNORECASE)
LABELLED = re.compile(r"^\s*(?:[-*+]\s+)?\*\*([^*\n]+?):?\*\*\s*:?\s*(.*?)\s*$")


def labelled_samples(skeleton: str) -> dict[str, str]:
    """Sample values of `- **Label**: value` lines in a skeleton (`**Time Complexity**: $O(n)$`)."""
    samples = {}
    for line in scan(strip_comments(skeleton)):
        match = LABELLED.match(line.text) if line.zone == "prose" else None
        if match and match.group(2) and not bracket_slots(match.group(2)):
            samples[match.group(1).strip().casefold()] = normal_value(match.group(2))
    return samples


def normal_value(value: str) -> str:
    """A sample value as compared: whitespace collapsed, trailing punctuation dropped."""
    return " ".join(value.split()).rstrip(".;,").strip()

