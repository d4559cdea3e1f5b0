"""Choosing sections of a draft and splicing new text in (commands/sections, commands/regen, post/pairing), as pure functions.

Written against the mutants that survived the suite (tools/mutation.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.commands.regen import choose
from drafter.commands.sections import states
from drafter.facts import facts_from_draft
from drafter.post.pairing import outline, splice
from drafter.arxiv.feed import parse_feed
from drafter.arxiv.ids import parse_id
from drafter.errors import SectionNotFound
from drafter.post.document import split
from drafter.status import Status

ARCHETYPE = ("---\ntitle: x\n---\n\n# [Model Name]: [Brief Tagline]\n\n[One line about the model]\n\n"
             "## Overview\n\nThis post is kept as written.\n\n"
             "## Method\n\n[Describe the method]\n\n## Results\n\n[Describe the results]\n\n"
             "## Notes\n\n<!-- for the writer -->\nKept.\n")
DRAFT = ("---\ntitle: LoRA\n---\n\n# LoRA: low-rank adaptation of large language models\n\nA small change.\n\n"
         "## Overview\n\nThis post is kept as written.\n\n"
         "## Method\n\nLow-rank matrices are added to each layer.\n\n## My notes\n\nMine.\n\n## Results\n\n[Describe the results]\n\n"
         "## Notes\n\nKept.\n")


def draft_states():
    return states(split(ARCHETYPE), split(DRAFT))


def test_each_part_of_the_draft_gets_its_archetype_part_and_its_state():
    listing = [(s.number, s.index, s.block.title, s.action, s.state) for s in draft_states()]
    assert listing == [
        (1, 0, "LoRA: low-rank adaptation of large language models", Status.FILL, "ok"),
        (2, 1, "Overview", Status.KEEP, "kept (nothing to fill)"),
        (3, 2, "Method", Status.FILL, "ok"),
        (4, 3, "My notes", None, "not in the archetype"),
        (5, 4, "Results", Status.FILL, "fails: placeholder"),
        (6, 5, "Notes", Status.STRIP, "guidance comments removed (nothing to fill)"),
    ]


@pytest.mark.parametrize("names, chosen", [
    (["method"], [3]),
    (["METHOD", " Results "], [3, 5]),
    (["3", "5"], [3, 5]),
    (["5", "results", "5"], [5]),  # the same section named twice is asked once
    (["LoRA: low-rank adaptation of large language models"], [1]),
])
def test_sections_are_chosen_by_heading_text_or_number(names, chosen):
    assert [s.number for s in choose(draft_states(), names, "post.md")] == chosen


@pytest.mark.parametrize(("name", "reason"), [
    ("2", "has a section '2', but it is kept as the archetype has it: the model writes nothing there"),
    ("Overview", "has a section 'Overview', but it is kept as the archetype has it: the model writes nothing there"),
    ("notes", "has a section 'notes', but it is kept as the archetype has it: the model writes nothing there"),
    ("4", "has a section '4', but it is not in the archetype, so there is no skeleton to fill"),
    ("my notes", "has a section 'my notes', but it is not in the archetype, so there is no skeleton to fill"),
    ("9", "has no section '9' to regenerate"),
    ("0", "has no section '0' to regenerate"),
    ("Conclusion", "has no section 'Conclusion' to regenerate"),
])
def test_a_section_that_cannot_be_filled_is_refused_with_the_valid_ones(name, reason):
    """Regression: a section the model does not fill (the Table of Contents) was reported as not there at all."""
    with pytest.raises(SectionNotFound) as error:
        choose(draft_states(), ["method", name], "post.md")
    assert str(error.value) == (f"post.md {reason}; valid sections are: "
                                "1 LoRA: low-rank adaptation of large language models; 3 Method; 5 Results")


def test_the_facts_come_from_the_drafts_lead_heading():
    paper = parse_feed((Path(__file__).parent / "data" / "arxiv" / "1706.03762.xml").read_text(encoding="utf-8"),
                       parse_id("1706.03762"))
    facts = facts_from_draft(split(ARCHETYPE), split(DRAFT), paper, "lora")
    assert (facts.name, facts.tagline, facts.kind, facts.slug) == ("LoRA", "low-rank adaptation of large language models", "", "lora")
    # A lead heading that no longer matches the archetype's: the paper's title gives them.
    edited = split(DRAFT.replace("# LoRA: low-rank", "# LoRA, low-rank"))
    facts = facts_from_draft(split(ARCHETYPE), edited, paper, "lora")
    assert (facts.name, facts.tagline) == (paper.title, paper.title)


def test_the_outline_is_the_drafts_section_headings():
    assert outline(split(DRAFT)) == ["Overview", "Method", "My notes", "Results", "Notes"]


@pytest.mark.parametrize("text, index, answer, expected", [
    ("# T\n\n## A\n\nold\n\n## B\n\nb\n", 1, "## A\n\nnew\n", "# T\n\n## A\n\nnew\n\n## B\n\nb\n"),
    ("# T\n\n## A\n\nold\n\n\n## B\n\nb\n", 1, "## A\n\nnew\n\n\n\n", "# T\n\n## A\n\nnew\n\n\n## B\n\nb\n"),
    ("# T\n\n## A\n\nold", 1, "## A\n\nnew\n", "# T\n\n## A\n\nnew"),
    ("# T\n\n## A\n\nold\n\n## B\n", 1, "## A\n\nnew  \n", "# T\n\n## A\n\nnew  \n\n## B\n"),  # a Markdown hard break kept
    ("# T\n\n## A\n\nold\n", 1, "## A\r\n\r\nnew\r\n", "# T\n\n## A\n\nnew\n"),
    ("# T\r\n\r\n## A\r\n\r\nold\r\n\r\n## B\r\n", 1, "## A\n\nnew\n", "# T\r\n\r\n## A\r\n\r\nnew\r\n\r\n## B\r\n"),
    ("---\nk: v\n---\nintro\n# T\n\n## A\n\nold\n", 1, "## A\n\nnew", "---\nk: v\n---\nintro\n# T\n\n## A\n\nnew\n"),
])
def test_splice_replaces_one_block_and_keeps_its_line_breaks(text, index, answer, expected):
    assert splice(split(text), {index: answer}) == expected
    assert splice(split(text), {}) == text


def test_a_repeated_heading_pairs_each_copy_with_its_own_archetype_part():
    archetype = split("# T\n\n## Notes\n\n[first notes]\n\n## Notes\n\n[second notes]\n")
    draft = split("# T\n\n## Notes\n\nOne.\n\n## Notes\n\nTwo.\n")
    paired = [(s.block.text.split("\n")[2], s.expected.text.split("\n")[2]) for s in states(archetype, draft)[1:]]
    assert paired == [("One.", "[first notes]"), ("Two.", "[second notes]")]


@pytest.mark.parametrize("lead, heading, facts", [
    ("# [Model]: [Tagline]", "# LoRA: adapters", ("LoRA", "adapters")),
    ("# [Model Name] - [Brief Tagline]", "# LoRA - adapters", ("LoRA", "adapters")),
    ("# About [Model Name]", "# About LoRA", ("LoRA", "Attention Is All You Need")),
    ("# Notes", "# Notes", ("Attention Is All You Need", "Attention Is All You Need")),
])
def test_the_lead_headings_slots_give_name_and_tagline(lead, heading, facts):
    paper = parse_feed((Path(__file__).parent / "data" / "arxiv" / "1706.03762.xml").read_text(encoding="utf-8"),
                       parse_id("1706.03762"))
    found = facts_from_draft(split(f"{lead}\n\n[text]\n"), split(f"{heading}\n\nText.\n"), paper, "s")
    assert (found.name, found.tagline) == facts


def test_no_lead_heading_leaves_the_papers_facts():
    paper = parse_feed((Path(__file__).parent / "data" / "arxiv" / "1706.03762.xml").read_text(encoding="utf-8"),
                       parse_id("1706.03762"))
    found = facts_from_draft(split("## A\n\n[text]\n"), split("## A\n\nText.\n"), paper, "s")
    assert (found.name, found.tagline, found.slug) == (paper.title, paper.title, "s")
