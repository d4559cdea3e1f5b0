"""The corpus of good drafts: each passes `drafter check`, grounding included, with no false positive.

tests/corpus/good/ holds the shipped demo's draft (cassettes/1706.03762.yaml replayed) and a draft of 1605.08386
written by the local test server's mechanical author (tests/answers.py), a paper with no hand-written answers and
an archetype filled from its abstract alone. The papers come from the local arXiv API (tests/data/arxiv)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ARXIV_FILES
from drafter import arxiv, workflow
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
    draft = workflow.DraftFile(path)
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
    from drafter.checking import ground_draft

    draft = workflow.DraftFile(path)
    arxiv_id = draft.arxiv_id(None)
    paper = arxiv.parse_feed((ARXIV_FILES / f"{arxiv_id.base}.xml").read_text(encoding="utf-8"), arxiv_id)
    expected = workflow.expected_document(draft, path.parent, None)
    assert ground_draft(expected, draft, paper) == []
    assert check_document(expected, post.split(draft.text)) == []


@pytest.mark.parametrize("path", DRAFTS, ids=[path.stem for path in DRAFTS])
def test_an_invented_number_in_a_good_draft_is_caught(env, tmp_path, path):
    copy = tmp_path / path.name
    text = path.read_text(encoding="utf-8")
    assert "## Conclusion\n\n" in text
    copy.write_text(text.replace("## Conclusion\n\n", "## Conclusion\n\nIt was trained on 4096 accelerators.\n\n", 1), encoding="utf-8")
    result = runner.invoke(app, ["check", str(copy)])
    assert result.exit_code == 1
    assert [line.split(":")[2].strip() for line in result.stdout.splitlines()] == ["ungrounded-number"]
