"""The messages drafter sends, built from the paper, the facts and the templates: pure, no client, no I/O.

Every request starts with the same system message and shared context, byte for byte, and ends with
what is particular to it (the facts question, a section's skeleton, a re-ask), so providers' prefix
caches apply. `--dry-run` prints exactly these.
"""

from __future__ import annotations

from ..arxiv import Paper
from ..chat.base import Message
from ..facts import Facts, citation
from ..findings import Finding
from ..prompts import CONTEXT, FACTS, REASK, SYSTEM, PromptBook, SectionView

FACTS_LABEL = "facts"


def shared_messages(prompts: PromptBook, paper: Paper, facts: Facts | None, outline: list[str]) -> list[Message]:
    """The leading messages every request shares byte for byte (what prefix caches reuse)."""
    return [
        Message("system", prompts.render(SYSTEM, paper=paper)),
        Message("user", prompts.render(CONTEXT, paper=paper, facts=facts, outline=outline, citation=citation(paper))),
    ]


def facts_messages(prompts: PromptBook, paper: Paper) -> list[Message]:
    """The messages of the facts request."""
    return shared_messages(prompts, paper, None, []) + [Message("user", prompts.render(FACTS, paper=paper))]


def section_messages(prompts: PromptBook, paper: Paper, facts: Facts, outline: list[str], title: str, skeleton: str,
                     hint: str | None = None) -> list[Message]:
    """The messages asking for one section: shared context first, the skeleton last."""
    view = SectionView(title=title, skeleton=skeleton.strip("\n"))
    ask = prompts.render(prompts.section_template(title), paper=paper, facts=facts, section=view, hint=hint)
    return shared_messages(prompts, paper, facts, outline) + [Message("user", ask)]


def reask_messages(prompts: PromptBook, label: str, answer: str, findings: list[Finding]) -> list[Message]:
    """What follows a rejected answer: the answer itself, then the validator's findings as the next question."""
    return [
        Message("assistant", answer),
        Message("user", prompts.render(REASK, section=SectionView(label, ""), findings=findings)),
    ]


def prompt_cache_key(paper: Paper) -> str:
    """One key for every request of a run, so a provider routes them to the same prefix cache (not recorded)."""
    return f"drafter-{paper.base_id}"
