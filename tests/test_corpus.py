"""The corpus of good drafts: each passes `drafter check`, grounding included, with no false positive.

tests/corpus/good/ holds the shipped demo's draft (cassettes/1706.03762.yaml replayed) and a draft of 1605.08386
written by the local test server's mechanical author (tests/answers.py), a paper with no hand-written answers and
an archetype filled from its abstract alone. The papers come from the local arXiv API (tests/data/arxiv).

tests/data/real-model/2106.09685/ holds what a real language model answered to drafter's requests: replayed end to
end through the local server, every answer must pass at the first attempt, and realistic defects of them must
be re-asked with their rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from answers import Recorded, is_reask
from conftest import ARXIV_FILES
from drafter import arxiv
from drafter import findings as rule_ids
from drafter.commands.draft import DraftFile
from drafter.post import document as post
from drafter.validate.document import check_document
from drafter.cli import app

runner = CliRunner()
GOOD = Path(__file__).parent / "corpus" / "good"
DRAFTS = sorted(GOOD.glob("*.md"))


def test_the_corpus_has_the_two_drafts():
    assert [path.name for path in DRAFTS] == ["heat-bath-random-walks-with-markov-bases.md", "transformer.md"]


@pytest.mark.parametrize("path", DRAFTS, ids=[path.stem for path in DRAFTS])
def test_good_draft_is_clean_under_check_with_grounding(env, arxiv_server, path):
    draft = DraftFile(path)
    arxiv_id = draft.arxiv_id(None)
    assert (ARXIV_FILES / f"{arxiv_id.base.replace('/', '_')}.xml").is_file()  # the source is available
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert arxiv_server.requests == [str(arxiv_id)]


@pytest.mark.parametrize("path", DRAFTS, ids=[path.stem for path in DRAFTS])
def test_good_draft_is_clean_in_json_and_offline(path):
    result = runner.invoke(app, ["check", str(path), "--offline", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("path", DRAFTS, ids=[path.stem for path in DRAFTS])
def test_every_filled_section_of_a_good_draft_is_grounded(path):
    """The same judgement as the check, section by section, against the recorded feed."""
    from drafter.hugo.site import find_site
    from drafter.commands.check import expected_document, ground_draft

    draft = DraftFile(path)
    arxiv_id = draft.arxiv_id(None)
    paper = arxiv.parse_feed((ARXIV_FILES / f"{arxiv_id.base}.xml").read_text(encoding="utf-8"), arxiv_id)
    expected = expected_document(draft, find_site(path.parent), path.parent, None, "model")
    assert ground_draft(expected, draft, paper) == []
    assert check_document(expected, post.split(draft.text)) == []


@pytest.mark.parametrize("path", DRAFTS, ids=[path.stem for path in DRAFTS])
def test_an_invented_number_in_a_good_draft_is_caught(env, tmp_path, path):
    """An invented figure is caught (3333, not 4096: the Transformer's full text states d_ff = 4096)."""
    copy = tmp_path / path.name
    text = path.read_text(encoding="utf-8")
    assert "## Conclusion\n\n" in text
    copy.write_text(text.replace("## Conclusion\n\n", "## Conclusion\n\nIt was trained on 3333 accelerators.\n\n", 1), encoding="utf-8")
    result = runner.invoke(app, ["check", str(copy)])
    assert result.exit_code == 1
    assert [line.split(":")[2].strip() for line in result.stdout.splitlines()] == ["ungrounded-number"]


# -- the real-model corpus, replayed end to end -------------------------------------------------------

REAL = Path(__file__).parent / "data" / "real-model" / "2106.09685"
REAL_ANSWERS = sorted(REAL.glob("*.answer.md"))


def run_real(tmp_path, model_server, responder) -> tuple[object, Path]:
    """`drafter new 2106.09685` against the local server answering with the real model's answers."""
    model_server.responder = responder
    out = tmp_path / "lora.md"
    return runner.invoke(app, ["new", "2106.09685", "-o", str(out)]), out


def section_requests(model_server, heading: str) -> list[dict]:
    return [r.body for r in model_server.completions if Recorded.part(r.body) == heading]


def test_the_real_model_corpus_is_fifteen_answers():
    assert [path.name[:3] for path in REAL_ANSWERS] == [f"{n:03d}" for n in range(1, 16)]
    assert len(Recorded(REAL).by_part) == 15  # the facts and 14 sections, each named by its own request


def test_every_real_answer_is_accepted_at_the_first_attempt_and_the_draft_is_clean(env, tmp_path, model_server):
    """The real model's 15 answers replayed through the local server: no re-ask, `drafter check` clean (0 of 15
    false positives), the draft as the real run wrote it below its front matter."""
    result, out = run_real(tmp_path, model_server, Recorded(REAL))
    assert result.exit_code == 0, result.output
    assert len(model_server.completions) == 15, [Recorded.part(r.body) for r in model_server.completions]
    assert not any(is_reask(r.body) for r in model_server.completions)
    assert "rejected" not in result.stderr
    check = runner.invoke(app, ["check", str(out)])
    assert check.exit_code == 0, check.output
    assert check.stdout == ""
    written = post.split(out.read_text(encoding="utf-8"))
    recorded = post.split((REAL / "draft.md").read_text(encoding="utf-8"))
    assert [block.text for block in written.blocks] == [block.text for block in recorded.blocks]


def chatter_after_heading(text: str) -> str:
    heading, _, rest = text.partition("\n")
    return f"{heading}\n\nSure! Here is the completed section:\n{rest}"


def rename_first_subheading(text: str) -> str:
    match = re.search(r"^### (.+)$", text, re.MULTILINE)
    assert match, text[:80]
    return text.replace(match.group(0), f"### {match.group(1)} Explained", 1)


def leave_a_placeholder(text: str) -> str:
    return text.rstrip("\n") + "\n\n[Add a diagram of the low-rank update here]\n"


def setext_from_paragraph(text: str) -> str:
    paragraphs = text.split("\n\n")
    index = next(i for i, p in enumerate(paragraphs) if i > 0 and p and p[0].isalpha())
    paragraphs[index] = paragraphs[index] + "\n---"
    return "\n\n".join(paragraphs)


# (rule, section, defect): realistic defects of the real answers, each re-asked end to end with its rule.
REAL_DEFECTS = [
    (rule_ids.CHATTER, "## Introduction", chatter_after_heading),
    (rule_ids.CHATTER, "## Conclusion", lambda text: text.rstrip("\n") + "\n\nLet me know if you'd like a shorter version!\n"),
    (rule_ids.CHATTER, "## Applications", lambda text: text.rstrip("\n") + "\n\nNote: I have replaced the placeholders with content from the abstract.\n"),
    (rule_ids.HEADING, "## Architecture Overview", rename_first_subheading),
    (rule_ids.PLACEHOLDER, "## Background and Motivation", leave_a_placeholder),
    (rule_ids.SETEXT_HEADING, "## Conclusion", setext_from_paragraph),
]


class BreaksOneRealAnswer(Recorded):
    """The real answers, one section's first answer broken; its re-ask gets the real answer."""

    def __init__(self, folder: Path, heading: str, defect) -> None:
        super().__init__(folder)
        self.heading, self.defect = heading, defect

    def answer(self, body, part, recorded):
        if part == self.heading and not is_reask(body):
            broken = self.defect(recorded)
            assert broken != recorded
            return broken
        return recorded


@pytest.mark.parametrize(("rule", "heading", "defect"), REAL_DEFECTS,
                         ids=[f"{rule}-{heading[3:].lower().replace(' ', '-')}" for rule, heading, _ in REAL_DEFECTS])
def test_a_defective_real_answer_is_re_asked_with_its_rule(env, tmp_path, model_server, rule, heading, defect):
    result, out = run_real(tmp_path, model_server, BreaksOneRealAnswer(REAL, heading, defect))
    assert result.exit_code == 0, result.output
    asked = section_requests(model_server, heading)
    assert len(asked) == 2, result.stderr
    assert f": {rule}: " in asked[1]["messages"][-1]["content"], asked[1]["messages"][-1]["content"]
    assert len(model_server.completions) == 16  # every other part asked once
    check = runner.invoke(app, ["check", str(out)])
    assert check.exit_code == 0, check.output
