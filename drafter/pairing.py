"""Pair an archetype's blocks with a draft's, and splice new text into a draft without touching a byte elsewhere.

The one owner of block pairing (regen, check's grounding and `drafter sections` use it), of splicing,
and of the outline (the section headings a prompt lists).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Finding
from .post.document import Block, Document
from .post.placeholders import classify
from .status import Status
from .validate.section import find_block, validate_section


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


@dataclass
class SectionState:
    """One part of a draft, the archetype part it fills, and whether it passes validation now."""

    number: int  # 1-based, as `drafter sections` lists it
    index: int  # position in the draft's blocks
    block: Block
    expected: Block | None
    action: Status | None  # what the archetype block needs (FILL, STRIP, KEEP); None when unpaired
    findings: list[Finding] = field(default_factory=list)

    @property
    def state(self) -> str:
        """A word or two for the listing."""
        if self.expected is None:
            return "not in the archetype"
        if self.action is not Status.FILL:
            return "kept (nothing to fill)"
        if self.findings:
            return "fails: " + ", ".join(sorted({finding.rule for finding in self.findings}))
        return "ok"


def states(archetype: Document, draft: Document) -> list[SectionState]:
    """Pair each draft block with its archetype block and validate the ones the model fills."""
    paired = {actual: archetype.blocks[index] for index, actual in pair(archetype, draft) if actual is not None}
    result = []
    for index, block in enumerate(draft.blocks):
        expected = paired.get(index)
        action = classify(expected) if expected is not None else None
        findings = validate_section(expected.text, block.text) if action is Status.FILL else []
        result.append(SectionState(index + 1, index, block, expected, action, findings))
    return result


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
