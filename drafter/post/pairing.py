"""Pair an archetype's blocks with a draft's, and splice new text into a draft without touching a byte elsewhere.

The one owner of block pairing (the validator's whole-draft check, check's grounding, regen and `drafter
sections` use it), of heading matching, of splicing, and of the outline (the section headings a prompt lists).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .document import Block, Document
from .markdown import Heading


@lru_cache(maxsize=512)
def heading_pattern(title: str) -> re.Pattern[str]:
    """Return a regex that an archetype heading's filled form must match: fixed parts kept, slots filled."""
    parts = re.split(r"(\[[^\[\]]+\])", title)
    regex = "".join(r"(.+?)" if part.startswith("[") and part.endswith("]") else re.escape(part) for part in parts)
    return re.compile(rf"^{regex}$", re.IGNORECASE if "[" not in title else 0)


def heading_matches(expected: Heading, actual: Heading) -> bool:
    """Tell whether `actual` is the archetype heading `expected` with its slots filled."""
    return bool(heading_pattern(expected.title).match(actual.title))


def find_block(expected: Block, blocks: tuple[Block, ...], start: int = 0) -> int | None:
    """Return the index of the first block from `start` whose heading fills the archetype block's heading."""
    for index in range(start, len(blocks)):
        candidate = blocks[index]
        if expected.heading is None or (
            candidate.heading is not None
            and candidate.heading.level == expected.heading.level
            and heading_matches(expected.heading, candidate.heading)
        ):
            return index
    return None


def pair(archetype: Document, draft: Document) -> list[tuple[int, int | None]]:
    """Each archetype block's index with the index of the draft block that fills it (None when missing), in order.

    A draft block pairs with the first archetype block after the previous pair whose heading it fills,
    so a section moved, renamed or removed leaves its archetype block unpaired.
    """
    pairs: list[tuple[int, int | None]] = []
    cursor = 0
    for index, expected in enumerate(archetype.blocks):
        match = find_block(expected, draft.blocks, cursor)
        if match is not None:
            cursor = match + 1
        pairs.append((index, match))
    return pairs


def splice(draft: Document, replacements: dict[int, str]) -> str:
    """The draft's text with the given blocks replaced; each keeps the old block's line endings and trailing blank lines."""
    parts = [draft.front_matter, draft.preamble]
    for index, block in enumerate(draft.blocks):
        if index not in replacements:
            parts.append(block.text)
            continue
        body = replacements[index].replace("\r\n", "\n").rstrip("\n")
        if "\r\n" in block.text:
            body = body.replace("\n", "\r\n")
        trailing = block.text[len(block.text.rstrip("\r\n")):]
        parts.append(body + trailing)
    return "".join(parts)


def outline(document: Document) -> list[str]:
    """The document's section headings (its blocks at section level), as prompts list them."""
    return [block.title for block in document.blocks if block.level == document.section_level]
