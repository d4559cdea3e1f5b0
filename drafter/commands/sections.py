"""`drafter sections`: a draft's parts with their numbers and validation state; no prompts, no client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding
from ..post.document import Block, Document
from ..post.pairing import pair
from ..post.placeholders import classify
from ..status import Status
from ..validate.section import validate_section
from ..grounding_mode import Grounding
from .check import expected_document, grounding_by_block, grounding_paper
from .draft import DraftFile
from .session import Session, Sources, absolute


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
        if self.action is Status.STRIP:  # as `drafter new` reports it: the archetype's guidance comments went
            return "guidance comments removed (nothing to fill)"
        if self.action is not Status.FILL:
            return "kept (nothing to fill)"
        if self.findings:
            return "fails: " + ", ".join(sorted({finding.rule for finding in self.findings}))
        return "ok"


def states(archetype: Document, draft: Document, grounded: Mapping[int, list[Finding]] | None = None) -> list[SectionState]:
    """Pair each draft block with its archetype block and validate the ones the model fills.

    `grounded` adds, by draft block index, grounding findings that fail the section (check.grounding_by_block).
    """
    paired = {actual: archetype.blocks[index] for index, actual in pair(archetype, draft) if actual is not None}
    result = []
    for index, block in enumerate(draft.blocks):
        expected = paired.get(index)
        action = classify(expected) if expected is not None else None
        findings = validate_section(expected.text, block.text) if action is Status.FILL else []
        findings += (grounded or {}).get(index, [])
        result.append(SectionState(index + 1, index, block, expected, action, findings))
    return result


@dataclass
class Listing:
    """What `drafter sections` shows: every part of the draft with its state, and a note on what was not checked."""

    states: list[SectionState]
    notes: list[str] = field(default_factory=list)


def section_states(draft_path: Path, cwd: Path, flags: Mapping[str, Any], archetype_option: Path | None = None,
                   environ: Mapping[str, str] | None = None) -> Listing:
    """Every part of a draft with its validation state, against the archetype rendered for it.

    Numbers are grounded as `drafter check` grounds them when the paper is kept on disk (`new` keeps it);
    the listing never goes to the network, and says so when it could not ground.
    """
    path = absolute(draft_path, cwd)
    session = Session(cwd, path.parent, flags, Sources(archetype=archetype_option), environ)
    draft = DraftFile(path, draft_path)
    front_matter = draft.front_matter()  # one that does not parse is an error here too, as in check and regen
    expected = expected_document(draft, session.site, cwd, archetype_option, session.settings.kind,
                                 session.settings.section)
    grounded, notes = {}, []
    if Grounding(session.settings.grounding) is Grounding.ERROR and front_matter.get("arxiv"):
        found = grounding_paper(draft, session.settings, session.environ, kept_only=True)
        if found is None:
            notes.append(f"numbers not grounded: the paper {front_matter['arxiv']} is not kept on disk; "
                         f"drafter check {draft.shown} fetches it")
        else:
            grounded = grounding_by_block(expected, draft, *found)
    return Listing(states(expected, draft.document, grounded), notes)
