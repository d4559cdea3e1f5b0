"""`drafter new`: fetch the paper, render the archetype, fill it, validate, write the draft (or plan it: --dry-run)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import arxiv
from ..hugo import new_content
from ..post import document as post
from ..post.placeholders import classify
from ..chat.base import Message, estimate_tokens
from ..errors import BudgetRanOut, Interrupted, OutputExists
from ..facts import Facts, fallback_facts, retitle, title_value
from ..post.pairing import outline
from ..settings import Settings
from ..status import Status
from .session import Session, Sources, absolute, check_writable, write_new_file

if TYPE_CHECKING:
    from ..pipeline.events import Emit
    from ..pipeline.fill import Draft
    from ..runcode import RunResult


@dataclass(frozen=True)
class NewOptions:
    """What `drafter new` was asked to do, beyond the settings."""

    arxiv: str
    cwd: Path
    sources: Sources = Sources()
    slug: str | None = None
    output: Path | None = None
    force: bool = False
    run_code: bool = False  # run the Implementation's code once the draft is written


@dataclass(frozen=True)
class PlannedRequest:
    """A request `--dry-run` would send."""

    label: str
    messages: tuple[Message, ...]

    @property
    def estimated_tokens(self) -> int:
        """The input-token estimate the budget reserves too (no tokenizer download)."""
        return estimate_tokens(self.messages)


@dataclass
class NewResult:
    """A written draft and how it went: the sections, the budget if it ran out, the code run if asked for."""

    path: Path
    draft: Draft
    budget_ran_out: BudgetRanOut | None = None
    code: RunResult | None = None
    retitled: str | None = None  # the title written instead of the title-cased slug, if any
    replaced_title: str | None = None  # that title-cased slug ("Lora", or "Lora X" for lora-x/index.md)


class NewRun:
    """One `drafter new`: fetch, ask, validate, write."""

    def __init__(self, options: NewOptions, flags: Mapping[str, Any] | None = None,
                 environ: Mapping[str, str] | None = None, *, settings: Settings | None = None) -> None:
        self.options = options
        self.session = Session(options.cwd, options.cwd, flags or {}, options.sources, environ, settings=settings)
        self.settings = self.session.settings
        self.arxiv_id = arxiv.parse_id(options.arxiv)
        new_content.choose_renderer(self.settings.renderer, self.session.site, self.session.located)  # bad --renderer: before any request

    def _refuse_overwrite(self, path: Path) -> None:
        """Refuse, before anything is paid for, a path that exists (without --force) or cannot be written."""
        check_writable(path)
        if path.exists() and not self.options.force:
            raise OutputExists(str(path))

    def output_path(self, slug: str) -> Path:
        """Where the draft goes: --output, else the site's content section, else the current folder."""
        name = Path(slug) / "index.md" if self.session.located.bundle is not None else Path(f"{slug}.md")
        if self.options.output is not None:
            return absolute(self.options.output, self.options.cwd)
        if self.session.site is not None:
            return self.session.site / "content" / self.settings.section / name
        return self.options.cwd / name

    def _facts(self, facts: Facts) -> Facts:
        """The facts with --slug applied."""
        return Facts(facts.name, facts.tagline, facts.kind, self.options.slug) if self.options.slug else facts

    def shared_outline(self, paper) -> list[str]:
        """The post's headings before the facts are known, so the facts request shares them with every section's."""
        provisional = self._facts(fallback_facts(paper))
        return outline(post.split(self.session.render(self.output_path(provisional.slug))))

    def plan(self) -> list[PlannedRequest]:
        """The requests a run would send, with provisional facts from the title (--dry-run): no client at all."""
        from ..pipeline.fill import prefill
        from ..pipeline.messages import FACTS_LABEL, facts_messages, section_messages

        prompts = self.session.prompts
        paper = self.session.paper(self.arxiv_id)
        text = self.session.paper_text.markdown() if self.session.paper_text is not None else None
        provisional = self._facts(fallback_facts(paper))
        document = prefill(post.split(self.session.render(self.output_path(provisional.slug))), paper, provisional)
        headings = self.shared_outline(paper)
        planned = [PlannedRequest(FACTS_LABEL, tuple(facts_messages(prompts, paper, headings, text)))]
        for block in document.blocks:
            if classify(block) is Status.FILL:
                messages = section_messages(prompts, paper, provisional, headings, block.title, block.text, None, text)
                planned.append(PlannedRequest(block.title, tuple(messages)))
        return planned

    def _retitle(self, draft: Draft, path: Path) -> str | None:
        """The draft with a title that is only the title-cased slug ("Lora") written as the model's name ("LoRA")."""
        if not self.settings.title_from_name:
            return None
        front_matter, rest = post.split_front_matter(draft.text)
        base_name = path.parent.name if path.stem == "index" else path.stem
        changed = retitle(front_matter, base_name, draft.facts.name) if front_matter else None
        return changed + rest if changed is not None else None

    def execute(self, on_event: Emit | None = None, now: datetime | None = None) -> NewResult:
        """Fetch, ask, validate and write; a recording is saved even when the run fails part-way."""
        if self.options.output is not None:  # before any request (a dry run, which writes nothing, may name one)
            self._refuse_overwrite(absolute(self.options.output, self.options.cwd))
        self.session.on_event = on_event
        client = self.session.open("new")
        pipeline = self.session.pipeline(client)
        try:
            paper = self.session.paper(self.arxiv_id, keep=True)
            pipeline.paper_text, pipeline.outline = self.session.paper_text, self.shared_outline(paper)
            facts, facts_outcome = pipeline.establish_facts(paper)
            facts = self._facts(facts or fallback_facts(paper))
            path = self.output_path(facts.slug)
            self._refuse_overwrite(path)  # before paying for the sections
            made = self.session.build(path, now)
            targets = {path.parent / relative: data for relative, data in made.resources.items()}
            for target in targets:  # a bundle's files: refused before paying for the sections
                self._refuse_overwrite(target)
            draft = pipeline.fill(paper, facts, made.text, [facts_outcome])
            retitled, replaced_title = self._retitle(draft, path), title_value(post.split_front_matter(draft.text)[0])
            if retitled is not None:
                draft = replace(draft, text=retitled)
            for target, data in targets.items():
                write_new_file(target, data, overwrite=self.options.force)
            write_new_file(path, draft.text, overwrite=self.options.force)
            result = NewResult(path, draft, self._budget_ran_out(path, draft),
                               retitled=facts.name if retitled is not None else None,
                               replaced_title=replaced_title if retitled is not None else None)
        except KeyboardInterrupt:
            raise Interrupted(self.session.kept(pipeline.answered)) from None
        finally:
            self.session.close()
        if self.options.run_code:
            from ..runcode import run_code

            result.code = run_code(draft.text, timeout=self.settings.run_code_timeout)
        return result

    def _budget_ran_out(self, path: Path, draft: Draft) -> BudgetRanOut | None:
        """Which budget stopped the run, as the budget itself refused it, and what had been spent by the end."""
        if not draft.unasked:
            return None
        refusal = draft.unasked[0].refusal
        assert refusal is not None and self.session.stack is not None and self.session.stack.budget is not None
        budget = self.session.stack.budget
        if refusal.option == "--max-cost":
            from ..chat.cost import format_cost

            spent = format_cost(budget.spent_cost)
        else:
            spent = str(budget.spent_tokens)
        return BudgetRanOut(str(path), refusal.option, refusal.limit, spent, [o.label for o in draft.unasked])
