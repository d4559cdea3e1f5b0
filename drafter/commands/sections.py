"""`drafter sections`: a draft's parts with their numbers and validation state; no prompts, no client."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..pairing import SectionState, states
from .check import expected_document
from .draft import DraftFile
from .session import Session, Sources, absolute


def section_states(draft_path: Path, cwd: Path, flags: Mapping[str, Any], archetype_option: Path | None = None,
                   environ: Mapping[str, str] | None = None) -> list[SectionState]:
    """Every part of a draft with its validation state, against the archetype rendered for it."""
    path = absolute(draft_path, cwd)
    session = Session(cwd, path.parent, flags, Sources(archetype=archetype_option), environ)
    draft = DraftFile(path, draft_path)
    expected = expected_document(draft, session.site, cwd, archetype_option, session.settings.kind,
                                 session.settings.section)
    return states(expected, draft.document)
