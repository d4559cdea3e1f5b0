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


def shared_messages(prompts: PromptBook, paper: Paper, outline: list[str], paper_text: str | None = None) -> list[Message]:
    """The leading messages every request shares byte for byte, the facts request too (what prefix caches reuse).

    System message, then the paper (metadata, abstract, full text as Markdown), then the post's outline:
    nothing that depends on the facts or on the part asked for, which come after (issue 11).
    """
    return [
        Message("system", prompts.render(SYSTEM, paper=paper)),
        Message("user", prompts.render(CONTEXT, paper=paper, paper_text=paper_text, outline=outline,
                                       citation=citation(paper))),
    ]


def facts_messages(prompts: PromptBook, paper: Paper, outline: list[str] | None = None,
                   paper_text: str | None = None) -> list[Message]:
    """The messages of the facts request: the shared part, then the question."""
    return shared_messages(prompts, paper, outline or [], paper_text) + [Message("user", prompts.render(FACTS, paper=paper))]


def section_messages(prompts: PromptBook, paper: Paper, facts: Facts, outline: list[str], title: str, skeleton: str,
                     hint: str | None = None, paper_text: str | None = None) -> list[Message]:
    """The messages asking for one section: the shared part, then the facts and the skeleton."""
    view = SectionView(title=title, skeleton=skeleton.strip("\n"))
    ask = prompts.render(prompts.section_template(title), paper=paper, facts=facts, section=view, hint=hint,
                         outline=outline, citation=citation(paper), full_text=paper_text is not None)
    return shared_messages(prompts, paper, outline, paper_text) + [Message("user", ask)]


def reask_messages(prompts: PromptBook, label: str, answer: str, findings: list[Finding]) -> list[Message]:
    """What follows a rejected answer: the answer itself, then the validator's findings as the next question."""
    return [
        Message("assistant", answer),
        Message("user", prompts.render(REASK, section=SectionView(label, ""), findings=findings)),
    ]


def prompt_cache_key(paper: Paper) -> str:
    """One key for every request of a run, so a provider routes them to the same prefix cache (not recorded)."""
    return f"drafter-{paper.base_id}"
