"""Pick sections of an existing draft, and splice new text into it without touching a byte elsewhere."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .arxiv import Paper
from .errors import SectionNotFound
from .facts import Facts, fallback_facts
from .post.document import Block, Document
from .post.placeholders import Action, classify
from .validate.headings import heading_pattern
from .validate.section import find_block, validate_section
from .findings import Finding


@dataclass
class SectionState:
    """One part of a draft, the archetype part it fills, and whether it passes validation now."""

    number: int  # 1-based, as `drafter sections` lists it
    index: int  # position in the draft's blocks
    block: Block
    expected: Block | None
    action: Action | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def state(self) -> str:
        """A word or two for the listing."""
        if self.expected is None:
            return "not in the archetype"
        if self.action is not Action.FILL:
            return "kept (nothing to fill)"
        if self.findings:
            return "fails: " + ", ".join(sorted({finding.rule for finding in self.findings}))
        return "ok"


def states(archetype: Document, draft: Document) -> list[SectionState]:
    """Pair each draft block with its archetype block and validate the ones the model fills."""
    paired: dict[int, Block] = {}
    cursor = 0
    for expected in archetype.blocks:
        match = find_block(expected, draft.blocks, cursor)
        if match is not None:
            paired[match] = expected
            cursor = match + 1
    result = []
    for index, block in enumerate(draft.blocks):
        expected = paired.get(index)
        action = classify(expected) if expected is not None else None
        findings = validate_section(expected.text, block.text) if action is Action.FILL else []
        result.append(SectionState(index + 1, index, block, expected, action, findings))
    return result


def choose(all_states: list[SectionState], names: list[str], path: str) -> list[SectionState]:
    """Resolve section names (heading text, any case) or numbers to sections the model can fill."""
    chosen: list[SectionState] = []
    fillable = [s for s in all_states if s.action is Action.FILL]
    valid = [f"{s.number} {s.block.title}" for s in fillable]
    for name in names:
        wanted = name.strip()
        match = None
        if wanted.isdigit():
            match = next((s for s in all_states if s.number == int(wanted)), None)
        else:
            match = next((s for s in all_states if s.block.title.casefold() == wanted.casefold()), None)
        if match is None or match.action is not Action.FILL:
            raise SectionNotFound(path, name, valid)
        if match not in chosen:
            chosen.append(match)
    return chosen


def facts_from_draft(archetype: Document, draft: Document, paper: Paper, slug: str) -> Facts:
    """The facts as the draft now states them: name and tagline from its lead heading, the slug from its file."""
    fallback = fallback_facts(paper)
    name, tagline = fallback.name, fallback.tagline
    lead = next((b for b in archetype.blocks if b.heading and b.heading.level == 1), None)
    actual = next((b for b in draft.blocks if b.heading and b.heading.level == 1), None)
    if lead is not None and actual is not None:
        slots = [part.strip("[]").casefold() for part in _slots(lead.heading.title)]
        match = heading_pattern(lead.heading.title).match(actual.heading.title)
        if match:
            values = dict(zip(slots, match.groups()))
            name = values.get("model name", values.get("model", name))
            tagline = values.get("brief tagline", values.get("tagline", tagline))
    return Facts(name=name, tagline=tagline, kind="", slug=slug)


def _slots(title: str) -> list[str]:
    return re.findall(r"\[[^\[\]]+\]", title)


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


def outline(draft: Document) -> list[str]:
    """The draft's current section headings, for the prompt."""
    return [block.title for block in draft.blocks if block.level == draft.section_level]

