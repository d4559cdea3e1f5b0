"""`drafter regen`: re-fill chosen sections of an existing draft and splice them in, every other byte as it was."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Interrupted, SectionNotFound
from ..facts import facts_from_draft
from ..post.pairing import outline, splice
from ..status import Status
from ..grounding_mode import Grounding
from .check import expected_document, grounding_by_block, grounding_paper
from .draft import DraftFile
from .sections import SectionState, states
from .session import Session, Sources, absolute, write_new_file

if TYPE_CHECKING:
    from ..pipeline.events import Emit
    from ..pipeline.fill import Outcome


@dataclass(frozen=True)
class RegenOptions:
    """What `drafter regen` was asked to do, beyond the settings."""

    draft: Path
    cwd: Path
    names: tuple[str, ...] = ()
    failed: bool = False
    arxiv: str | None = None
    hint: str | None = None
    diff: bool = False
    sources: Sources = Sources()


@dataclass
class RegenResult:
    """What `drafter regen` did."""

    path: Path
    outcomes: list[Outcome]
    diff: str
    backup: Path | None
    written: bool

    @property
    def failed(self) -> list[Outcome]:
        """The sections that still failed validation (then nothing was written)."""
        return [outcome for outcome in self.outcomes if outcome.status is Status.FAILED]


def choose(all_states: list[SectionState], names: list[str], path: str) -> list[SectionState]:
    """Resolve section names (heading text, any case) or numbers to sections the model can fill."""
    chosen: list[SectionState] = []
    fillable = [s for s in all_states if s.action is Status.FILL]
    valid = [f"{s.number} {s.block.title}" for s in fillable]
    for name in names:
        wanted = name.strip()
        if wanted.isdigit():
            match = next((s for s in all_states if s.number == int(wanted)), None)
        else:
            match = next((s for s in all_states if s.block.title.casefold() == wanted.casefold()), None)
        if match is None or match.action is not Status.FILL:
            why = "missing" if match is None else "unpaired" if match.action is None else "kept"
            raise SectionNotFound(path, name, valid, why)
        if match not in chosen:
            chosen.append(match)
    return chosen


class RegenRun:
    """One `drafter regen`: re-fill the chosen sections and splice them in, or change nothing."""

    def __init__(self, options: RegenOptions, flags: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> None:
        self.options = options
        path = absolute(options.draft, options.cwd)
        self.session = Session(options.cwd, path.parent, flags, options.sources, environ)
        self.draft = DraftFile(path, options.draft)
        self.arxiv_id = self.draft.arxiv_id(options.arxiv)
        self.archetype_doc = expected_document(self.draft, self.session.site, options.cwd, options.sources.archetype,
                                               self.session.settings.kind, self.session.settings.section)
        self.states = states(self.archetype_doc, self.draft.document)
        self.targets = choose(self.states, list(options.names), str(options.draft))
        self._grounded = not options.failed or Grounding(self.session.settings.grounding) is not Grounding.ERROR
        if options.failed:  # and the named ones, and those `check` fails on grounding: from the kept paper now,
            self._add_failing()  # else once the run has fetched it
            kept = None if self._grounded else grounding_paper(self.draft, self.session.settings, self.session.environ,
                                                               kept_only=True)
            if kept is not None:
                self._ground(*kept)

    def _add_failing(self) -> None:
        """Add the sections that fail now to the targets, keeping the draft's order."""
        wanted = {s.index for s in self.states if s.action is Status.FILL and s.findings} | {s.index for s in self.targets}
        self.targets = [s for s in self.states if s.index in wanted]

    def _ground(self, paper, text: str | None) -> None:
        """Add the sections whose numbers `paper` (and `text`, what the model saw) does not state, as check finds them."""
        for index, findings in grounding_by_block(self.archetype_doc, self.draft, paper, text).items():
            self.states[index].findings += findings  # a state's index is its position in the draft's blocks
        self._add_failing()
        self._grounded = True

    def execute(self, on_event: Emit | None = None) -> RegenResult:
        """Ask for each chosen section; write only if every one passes validation."""
        from ..pipeline.fill import prefill

        if not self.targets and self._grounded:
            return RegenResult(self.draft.path, [], "", None, False)
        self.session.on_event = on_event
        client = self.session.open("regen")
        pipeline = self.session.pipeline(client, hint=self.options.hint)
        outcomes = []
        try:
            paper = self.session.paper(self.arxiv_id)
            if not self._grounded:  # --failed, and the paper was not kept: ground in what was just fetched
                self._ground(paper, self.session.paper_text.markdown() if self.session.paper_text is not None else None)
            if not self.targets:
                return RegenResult(self.draft.path, [], "", None, False)
            pipeline.paper_text = self.session.paper_text
            facts = facts_from_draft(self.archetype_doc, self.draft.document, paper, self.draft.slug)
            skeletons = prefill(self.archetype_doc, paper, facts)
            headings = outline(self.draft.document)
            chosen = [skeletons.blocks[self.archetype_doc.blocks.index(state.expected)] for state in self.targets]
            pipeline.announce([skeleton.title for skeleton in chosen])
            for state, skeleton in zip(self.targets, chosen):
                outcomes.append(pipeline.fill_block(paper, facts, headings, state.index, skeleton))
        except KeyboardInterrupt:
            raise Interrupted(f"{self.options.draft} is unchanged; {self.session.kept(pipeline.answered)}") from None
        finally:
            self.session.close()
        if any(outcome.status is Status.FAILED for outcome in outcomes):
            return RegenResult(self.draft.path, outcomes, "", None, False)
        new_text = splice(self.draft.document, {s.index: o.text for s, o in zip(self.targets, outcomes)})
        diff = "".join(difflib.unified_diff(self.draft.text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                            str(self.options.draft), str(self.options.draft)))
        if self.options.diff or new_text == self.draft.text:
            return RegenResult(self.draft.path, outcomes, diff, None, False)
        backup = self._backup()
        write_new_file(self.draft.path, self.draft.bom + new_text, overwrite=True)
        return RegenResult(self.draft.path, outcomes, diff, backup, True)

    def _backup(self) -> Path:
        """Keep the draft as it was: in the site's .drafter/history/, else beside it as DRAFT.bak."""
        site = self.session.site
        if site is not None:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            try:
                relative = self.draft.path.resolve().relative_to(site.resolve())
            except ValueError:
                relative = Path(self.draft.path.name)
            backup = site / ".drafter" / "history" / f"{str(relative).replace(os.sep, '__')}.{stamp}"
        else:
            backup = self.draft.path.with_name(self.draft.path.name + ".bak")
        write_new_file(backup, self.draft.bom + self.draft.text, overwrite=True)
        return backup
