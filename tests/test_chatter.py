"""Chatter wherever chat models put it: the phrasings of several model families, in their own styles, around a
real answer (tests/data/real-model/2106.09685/013, the Conclusion), and prose about the paper that only looks
like it. Each phrasing was written the way that family's chat models wrap an answer (opening, note, closing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter import findings as rule_ids
from drafter.validate.chatter import check_chatter
from drafter.validate.section import validate_section

REAL = (Path(__file__).parent / "data" / "real-model" / "2106.09685" / "013.answer.md").read_text(encoding="utf-8")
SKELETON = "## Conclusion\n\n<!-- Summarize the key points and significance of the model -->\n\n[Conclusion text]\n"
HEADING, _, BODY = REAL.partition("\n")

# (family style, where it goes, the remark)
CHATTER = [
    ("GPT", "before", "Sure! Here's the completed section:"),
    ("GPT", "after", "Certainly! Below is the filled-in **Conclusion** section:"),
    ("GPT", "after", "Here is the completed Markdown for the section:"),
    ("GPT", "end", "I hope this helps! Let me know if you'd like any adjustments."),
    ("GPT", "end", "Let me know if you want me to expand any part."),
    ("Claude", "after", "Here's the completed section:"),
    ("Claude", "after", "I'll fill in the Conclusion section based on the abstract."),
    ("Claude", "note", "Note: I've kept every figure to those stated in the abstract."),
    ("Claude", "after", "I've replaced the placeholders with content drawn from the abstract."),
    ("Claude", "end", "Is there anything you'd like me to adjust?"),
    ("Llama", "after", "Here is the rewritten section:"),
    ("Llama", "after", "Here is the completed section in Markdown format:"),
    ("Llama", "end", "Please let me know if this meets your requirements."),
    ("Llama", "note", "Note: I have replaced the placeholders with the information from the abstract."),
    ("Qwen", "after", "Certainly! Here is the completed section:"),
    ("Qwen", "after", "Below is the completed section following your skeleton:"),
    ("Qwen", "after", "As requested, here is the section with every placeholder filled:"),
    ("Qwen", "end", "If you need any further modifications, feel free to ask!"),
    ("Mistral", "after", "Of course! Here's the section:"),
    ("Mistral", "after", "Sure, here is the completed **Conclusion** section."),
    ("Mistral", "note", "**Note:** The abstract does not report the hyperparameters, so I wrote that they are not reported."),
    ("Mistral", "end", "I hope this is helpful!"),
    ("Gemini", "after", "Okay, here's the completed section based on the abstract:"),
    ("Gemini", "after", "Absolutely! Here is the filled-in section."),
    ("Gemini", "after", "Here's a draft of the **Conclusion** section:"),
    ("Gemini", "end", "This completes the section."),
    ("Gemini", "note", "(Note: all placeholders from the template have been replaced.)"),
    ("any", "after", "SURE! HERE IS THE COMPLETED SECTION"),
    ("any", "after", "sure thing \u2014 here's the section"),
]

# Prose about the paper that starts like chatter, at the same places: never a finding.
NOT_CHATTER = [
    ("after", "Here the encoder maps each token to a vector, and LoRA adapts only its projections."),
    ("after", "Here, $r$ is the rank of the update and $d$ the width of the layer."),
    ("after", "Here is where LoRA departs from adapters: nothing is added at inference."),
    ("after", "Here is the updated weight matrix after merging: $W = W_0 + BA$."),
    ("after", "Below is a minimal PyTorch implementation of the idea."),
    ("after", "Certainly the most striking result is the memory saving."),
    ("after", "Of course, the rank $r$ still has to be chosen per task."),
    ("after", "As requested by practitioners, the method adds no inference latency."),
    ("note", "Note that $B$ starts at zero, so the update is zero at the start of training."),
    ("note", "Note: the abstract does not report the learning rate."),
    ("end", "Great care is still needed when choosing which matrices to adapt."),
]


def place(where: str, remark: str) -> str:
    if where == "before":
        return f"{remark}\n\n{REAL}"
    if where == "after":
        return f"{HEADING}\n\n{remark}\n{BODY}"
    if where == "note":
        paragraphs = REAL.rstrip("\n").split("\n\n")
        return "\n\n".join(paragraphs[:2] + [remark] + paragraphs[2:]) + "\n"
    return REAL.rstrip("\n") + f"\n\n{remark}\n"


def test_the_real_answer_itself_has_no_chatter():
    assert check_chatter(SKELETON, REAL) == []


@pytest.mark.parametrize(("family", "where", "remark"), CHATTER, ids=[f"{f}-{w}-{i}" for i, (f, w, _) in enumerate(CHATTER)])
def test_chatter_is_found_where_models_put_it(family, where, remark):
    answer = place(where, remark)
    line = answer.splitlines().index(remark) + 1
    found = [(f.line, f.rule) for f in validate_section(SKELETON, answer) if f.rule == rule_ids.CHATTER]
    assert found == [(line, rule_ids.CHATTER)], validate_section(SKELETON, answer)


@pytest.mark.parametrize(("where", "prose"), NOT_CHATTER, ids=[f"{w}-{i}" for i, (w, _) in enumerate(NOT_CHATTER)])
def test_prose_about_the_paper_is_not_chatter(where, prose):
    assert check_chatter(SKELETON, place(where, prose)) == []


def test_every_family_and_place_is_in_the_table():
    assert {family for family, _, _ in CHATTER} >= {"GPT", "Claude", "Llama", "Qwen", "Mistral", "Gemini"}
    assert {where for _, where, _ in CHATTER} == {"before", "after", "note", "end"}
