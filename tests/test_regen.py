"""`drafter regen`, `drafter sections` and the answer cache: user text is never touched outside the named sections."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from answers import Author, skeleton
from drafter.post import document as post
from drafter.cli import app
from fakeopenai import FakeOpenAI
from test_new import LeavesPlaceholderFirst

runner = CliRunner()
TAPE = Path(__file__).resolve().parents[1] / "cassettes" / "1706.03762.yaml"


class Rewrites(Author):
    """Answers sections with a recognisable new text (for a regen to be visible), obeying the skeleton."""

    def section(self, body, section):
        answer = super().section(body, section)
        lines = answer.splitlines()
        return "\n".join(lines[:1] + ["", "Regenerated text, naïvely written — with non-ASCII."] + lines[1:]) + "\n"


def make_draft(site: Path) -> Path:
    """A draft written by replaying the shipped cassette into a site."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "hugo.toml").write_text('title = "Blog"\n', encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(site)
    try:
        result = runner.invoke(app, ["new", "1706.03762", "--replay", str(TAPE)])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return site / "content" / "posts" / "transformer.md"


def block_span(text: str, title: str) -> tuple[int, int]:
    """The character span of a block of `text` whose heading is `title`."""
    document = post.split(text)
    offset = len(document.front_matter) + len(document.preamble)
    for block in document.blocks:
        if block.title == title:
            return offset, offset + len(block.text)
        offset += len(block.text)
    raise AssertionError(title)


EDITS = {
    "user edits elsewhere": lambda t: t.replace("## Introduction\n\n", "## Introduction\n\nMy own opening line.\n\n")
    .replace('author: "ArionDas"', 'author: "Me, Myself"'),
    "CRLF line endings": lambda t: t.replace("\n", "\r\n"),
    "non-ASCII text": lambda t: t.replace("## Introduction\n\n", "## Introduction\n\nÜbersetzung — 注意力 ✓\n\n"),
    "no trailing newline": lambda t: t.rstrip("\n"),
    "a UTF-8 byte-order mark": lambda t: "\ufeff" + t,  # regression: the draft's arxiv: key was not found
    "the section itself edited": lambda t: t.replace("## Conclusion\n\n", "## Conclusion\n\nI rewrote this myself.\n\n"),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
@pytest.mark.parametrize("target", ["Conclusion", "Transformer: a sequence transduction model built on attention alone", "Further Reading"])
def test_regen_changes_only_the_named_section(env, tmp_path, model_server, edit, target):
    """Every byte outside the regenerated section stays: edits, CRLF, non-ASCII, a missing final newline."""
    draft = make_draft(tmp_path / "blog")
    before = edit(draft.read_text(encoding="utf-8"))
    draft.write_bytes(before.encode("utf-8"))
    model_server.responder = Rewrites()
    result = runner.invoke(app, ["regen", str(draft), target.lower()])
    assert result.exit_code == 0, result.output
    after = draft.read_bytes().decode("utf-8")
    start, end = block_span(before, target)
    new_start, new_end = block_span(after, target)
    assert after[:new_start] == before[:start]
    assert after[new_end:] == before[end:]
    assert "Regenerated text, naïvely written" in after[new_start:new_end]
    if "\r\n" in before:
        assert "\n" not in after.replace("\r\n", "")
    assert len(model_server.completions) == 1
    history = list((tmp_path / "blog" / ".drafter" / "history").iterdir())
    assert len(history) == 1 and history[0].read_bytes().decode("utf-8") == before
    assert f"the old file is in {history[0]}" in result.stderr


def test_regen_sees_the_drafts_facts_other_headings_and_the_hint(env, tmp_path, model_server):
    draft = make_draft(tmp_path / "blog")
    assert runner.invoke(app, ["regen", str(draft), "Training Details", "--hint", "stress the eight GPUs"]).exit_code == 0
    messages = model_server.completions[0].body["messages"]
    # The facts follow the shared part (issue 11: system, paper, outline, then the facts and the ask).
    assert "Model name: Transformer" in messages[-1]["content"]
    assert "- Limitations and Future Work" in messages[1]["content"]
    assert "The writer asks: stress the eight GPUs" in messages[-1]["content"]
    assert skeleton(model_server.completions[0].body).startswith("## Training Details")


def test_regen_by_number_from_the_sections_listing(env, tmp_path, model_server):
    draft = make_draft(tmp_path / "blog")
    listing = runner.invoke(app, ["sections", str(draft)])
    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert lines[0] == "  1  # Transformer: a sequence transduction model built on attention alone  [ok]"
    assert "  2  ## Table of Contents  [kept (nothing to fill)]" in lines
    number = next(line.split()[0] for line in lines if "## Conclusion" in line)
    assert runner.invoke(app, ["regen", str(draft), number]).exit_code == 0
    assert "## Conclusion" in skeleton(model_server.completions[0].body)


def test_unknown_section_lists_the_valid_ones_and_changes_nothing(env, tmp_path, model_server):
    draft = make_draft(tmp_path / "blog")
    before = draft.read_bytes()
    result = runner.invoke(app, ["regen", str(draft), "Trainig Details"])
    assert result.exit_code == 2
    assert "has no section 'Trainig Details' to regenerate; valid sections are: 1 Transformer" in result.stderr
    assert "9 Training Details" in result.stderr and "Table of Contents" not in result.stderr
    assert draft.read_bytes() == before and model_server.received == []


def test_a_section_still_rejected_leaves_the_draft_untouched(env, tmp_path, model_server):
    draft = make_draft(tmp_path / "blog")
    before = draft.read_bytes()
    model_server.responder = LeavesPlaceholderFirst("## Conclusion", times=99)
    result = runner.invoke(app, ["regen", str(draft), "Conclusion", "--max-attempts", "2"])
    assert result.exit_code == 1
    assert "is unchanged: 1 section(s) still failed validation: Conclusion" in result.stderr
    assert draft.read_bytes() == before
    assert not (tmp_path / "blog" / ".drafter").exists()


def test_diff_shows_the_change_and_writes_nothing(env, tmp_path, model_server):
    draft = make_draft(tmp_path / "blog")
    before = draft.read_bytes()
    model_server.responder = Rewrites()
    result = runner.invoke(app, ["regen", str(draft), "Conclusion", "--diff"])
    assert result.exit_code == 0
    assert "+Regenerated text, naïvely written" in result.stdout and result.stdout.startswith("---")
    assert draft.read_bytes() == before


def test_failed_regenerates_what_a_failed_new_left(env, tmp_path, model_server, monkeypatch):
    site = tmp_path / "blog"
    site.mkdir()
    (site / "hugo.toml").write_text('title = "Blog"\n', encoding="utf-8")
    monkeypatch.chdir(site)
    model_server.responder = LeavesPlaceholderFirst("## Conclusion", times=2)
    assert runner.invoke(app, ["new", "1706.03762", "--max-attempts", "2"]).exit_code == 1
    draft = site / "content/posts/transformer.md"
    listing = runner.invoke(app, ["sections", str(draft)]).stdout
    assert "## Conclusion  [fails: guidance-comment]" in listing
    before = draft.read_text(encoding="utf-8")
    sent = len(model_server.received)
    result = runner.invoke(app, ["regen", str(draft), "--failed"])
    assert result.exit_code == 0, result.output
    assert len(model_server.received) == sent + 1  # only Conclusion was asked again
    after = draft.read_text(encoding="utf-8")
    start, end = block_span(before, "Conclusion")
    assert after.startswith(before[:start]) and after.endswith(before[end:])
    assert "<!--" not in after
    assert runner.invoke(app, ["check", str(draft)]).exit_code == 0


INVENTED = "The model was trained on 777 GPUs for a month."  # 777: a number the paper does not state


def invent_in_conclusion(draft: Path) -> None:
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("## Conclusion\n\n", f"## Conclusion\n\n{INVENTED}\n\n", 1), encoding="utf-8")


@pytest.mark.parametrize(("names", "asked"), [
    ([], ["Conclusion"]),
    (["further reading"], ["Conclusion", "Further Reading"]),
    (["conclusion"], ["Conclusion"]),
], ids=["--failed alone", "a name and --failed", "a failing name and --failed"])
def test_failed_takes_the_sections_check_fails_on_grounding_and_the_named_ones(env, tmp_path, model_server, names, asked):
    """Regression: `regen --failed` looked at the validator only, so a section `check` failed for an invented
    number was "not failing", and `regen NAME --failed` dropped NAME without a word."""
    draft = make_draft(tmp_path / "blog")
    invent_in_conclusion(draft)
    assert runner.invoke(app, ["check", str(draft)]).exit_code == 1
    model_server.responder = Rewrites()
    result = runner.invoke(app, ["regen", str(draft), *names, "--failed"])
    assert result.exit_code == 0, result.output
    assert sorted(label for label in result.stderr.split("Rewrote ", 1)[1].split(" in ", 1)[0].split(", ")) == asked
    assert len(model_server.completions) == len(asked)
    assert INVENTED not in draft.read_text(encoding="utf-8")
    assert runner.invoke(app, ["check", str(draft)]).exit_code == 0


def test_failed_with_grounding_off_in_the_site_leaves_an_ungrounded_number(env, tmp_path, model_server):
    draft = make_draft(tmp_path / "blog")
    (tmp_path / "blog" / "drafter.toml").write_text('grounding = "off"\n', encoding="utf-8")
    invent_in_conclusion(draft)
    result = runner.invoke(app, ["regen", str(draft), "--failed"])
    assert result.exit_code == 0 and "no section fails validation; nothing to regenerate" in result.stderr
    assert model_server.completions == []


@pytest.mark.parametrize(("keep_paper", "listed", "note"), [
    (True, "## Conclusion  [fails: ungrounded-number]", None),
    (False, "## Conclusion  [ok]", "note: numbers not grounded: the paper 1706.03762v7 is not kept on disk; drafter check"),
], ids=["the paper kept", "the paper not kept"])
def test_sections_lists_a_section_check_fails_on_grounding(env, tmp_path, arxiv_server, keep_paper, listed, note):
    """Regression: `sections` showed [ok] for a section `check` failed for an invented number."""
    from drafter.arxiv import store as papercache

    draft = make_draft(tmp_path / "blog")
    invent_in_conclusion(draft)
    if not keep_paper:
        for kept in papercache.directory(os.environ).iterdir():
            kept.unlink()
    result = runner.invoke(app, ["sections", str(draft)])
    assert result.exit_code == 0, result.output
    assert [line.split(None, 1)[1] for line in result.stdout.splitlines() if "## Conclusion" in line] == [listed]
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert [line[:len(note)] for line in notes] == ([] if note is None else [note])
    assert arxiv_server.requests == []  # the listing never goes to the network


def test_sections_of_a_draft_whose_front_matter_does_not_parse_is_exit_2(env, tmp_path):
    """Regression: `sections` listed every section [ok] while check and regen refused the same file (exit 2)."""
    draft = make_draft(tmp_path / "blog")
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("draft: true", 'draft: "true', 1), encoding="utf-8")
    result = runner.invoke(app, ["sections", str(draft)])
    assert result.exit_code == 2 and "the front matter does not parse" in result.stderr


def test_regen_replays_from_a_cassette(env, tmp_path, no_network, request):
    """A regen recorded against the server replays with no network."""
    draft = make_draft(tmp_path / "blog")
    tape = tmp_path / "regen.yaml"
    request.getfixturevalue("monkeypatch").undo()
    with FakeOpenAI(Rewrites()) as server:
        os.environ["OPENAI_BASE_URL"] = server.base_url
        try:
            copy = draft.with_name("copy.md")
            copy.write_bytes(draft.read_bytes())
            from conftest import ArxivServer

            with ArxivServer() as arxiv_api:
                os.environ["DRAFTER_ARXIV_API"] = arxiv_api.url
                os.environ["DRAFTER_CACHE_DIR"] = str(tmp_path / "cache")
                assert runner.invoke(app, ["regen", str(copy), "Conclusion", "--record", str(tape)]).exit_code == 0
        finally:
            for name in ("OPENAI_BASE_URL", "DRAFTER_ARXIV_API", "DRAFTER_CACHE_DIR"):
                os.environ.pop(name, None)
    request.getfixturevalue("no_network")
    result = runner.invoke(app, ["regen", str(draft), "Conclusion", "--replay", str(tape)])
    assert result.exit_code == 0, result.output
    assert "Regenerated text" in draft.read_text(encoding="utf-8")
    assert draft.read_bytes() == copy.read_bytes()  # the replay writes exactly what the recorded run wrote


# -- the answer cache ----------------------------------------------------------------------------

def test_a_failed_run_resumes_without_asking_again_for_finished_sections(env, tmp_path, model_server):
    """A run cut short by a fatal model error pays only for what was missing when it is run again."""
    model_server.fail_next("status", status=400, only_label="## Implementation")
    first = runner.invoke(app, ["new", "1706.03762", "-o", "t.md", "--concurrency", "1"])
    assert first.exit_code == 2 and not Path("t.md").exists()
    asked_before = {skeleton(r.body).splitlines()[0] for r in model_server.completions if skeleton(r.body)}
    sent = len(model_server.received)
    second = runner.invoke(app, ["new", "1706.03762", "-o", "t.md"])
    assert second.exit_code == 0, second.output
    again = [skeleton(r.body).splitlines()[0] for r in model_server.received[sent:] if skeleton(r.body)]
    assert set(again).isdisjoint(asked_before)  # zero repeated requests for finished sections
    assert len(model_server.received) - sent == 14 - len(asked_before)  # and no facts request either
    assert "filled from the cache, no request" in second.stderr
    assert runner.invoke(app, ["new", "1706.03762", "-o", "u.md", "--no-cache"]).exit_code == 0
    assert len(model_server.received) - sent == 14 - len(asked_before) + 15


def test_cache_clear_empties_the_cache(env, tmp_path, model_server):
    assert runner.invoke(app, ["new", "1706.03762", "-o", "t.md"]).exit_code == 0
    result = runner.invoke(app, ["cache", "clear"])
    assert result.exit_code == 0 and "Removed 15 cached answer(s)" in result.stderr
    assert runner.invoke(app, ["new", "1706.03762", "-o", "u.md"]).exit_code == 0
    assert len(model_server.completions) == 30


def test_ctrl_c_exits_130_and_the_rerun_repeats_no_finished_request(env, tmp_path):
    """Ctrl-C mid-run: exit 130 with what was kept; the next run asks only for what was missing."""
    with FakeOpenAI(Author(), latency=0.3) as server:
        environment = {**os.environ, "OPENAI_BASE_URL": server.base_url, "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "drafter", "new", "1706.03762", "-o", "t.md", "--concurrency", "1"]
        process = subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(server.completions) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 130, stderr
        assert "Error: interrupted;" in stderr and "finished answer(s) are kept in the cache" in stderr
        assert not Path("t.md").exists()
        finished = {skeleton(r.body).splitlines()[0] for r in server.completions[:-1] if skeleton(r.body)}
        sent = len(server.received)
        rerun = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, rerun.stderr
        again = {skeleton(r.body).splitlines()[0] for r in server.received[sent:] if skeleton(r.body)}
        assert finished and again.isdisjoint(finished)
