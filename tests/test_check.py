"""`drafter check`: output formats, grounding against the paper (cached on disk), --offline, exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter import findings as rules
from drafter.arxiv import store as papercache
from drafter.front_matter import check_front_matter
from drafter.cli import app

runner = CliRunner()
TAPE = Path(__file__).resolve().parents[1] / "cassettes" / "1706.03762.yaml"
# Not 512: the paper's full text (which grounding now reads, issue 11) states 512 (d_model).
INVENTED = "The model was trained on 777 GPUs for a month."


def replayed(tmp_path: Path, forget_paper: bool = True) -> Path:
    """The shipped demo's draft, replayed from the cassette; by default without the arXiv copy `new` keeps."""
    out = tmp_path / "transformer.md"
    result = runner.invoke(app, ["new", "1706.03762", "--replay", str(TAPE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    if forget_paper:
        for kept in papercache.directory(os.environ).glob("*.xml"):
            kept.unlink()
    return out


def invent(draft: Path) -> int:
    """Put an invented figure into the Conclusion; return its line."""
    text = draft.read_text(encoding="utf-8")
    assert "## Conclusion\n\n" in text
    draft.write_text(text.replace("## Conclusion\n\n", f"## Conclusion\n\n{INVENTED}\n\n", 1), encoding="utf-8")
    return next(n for n, line in enumerate(draft.read_text(encoding="utf-8").splitlines(), start=1) if line == INVENTED)


def test_the_shipped_draft_is_clean_with_grounding(env, tmp_path, arxiv_server):
    draft = replayed(tmp_path)
    result = runner.invoke(app, ["check", str(draft)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert arxiv_server.requests == ["1706.03762v7"]  # the exact version the draft's arxiv: key names


def test_the_second_check_makes_no_arxiv_request(env, tmp_path, arxiv_server):
    draft = replayed(tmp_path)
    assert runner.invoke(app, ["check", str(draft)]).exit_code == 0
    assert runner.invoke(app, ["check", str(draft)]).exit_code == 0
    assert arxiv_server.requests == ["1706.03762v7"]
    assert papercache.path_for("1706.03762v7", os.environ).is_file()


def test_new_keeps_the_paper_so_check_asks_arxiv_nothing(env, tmp_path, arxiv_server):
    out = tmp_path / "t.md"
    assert runner.invoke(app, ["new", "1706.03762", "-o", str(out)]).exit_code == 0
    assert arxiv_server.requests == ["1706.03762"]
    result = runner.invoke(app, ["check", str(out)])
    assert result.exit_code == 0, result.output
    assert arxiv_server.requests == ["1706.03762"]


def test_an_invented_number_fails_the_check(env, tmp_path):
    draft = replayed(tmp_path)
    line = invent(draft)
    result = runner.invoke(app, ["check", str(draft)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{draft}:{line}: ungrounded-number: the number '777 GPUs' does not appear in the "
                                          "paper; remove it, or use only figures the paper states (write that it is not "
                                          "reported otherwise)"]


def test_grounding_warn_prints_but_passes(env, tmp_path):
    draft = replayed(tmp_path)
    line = invent(draft)
    result = runner.invoke(app, ["check", str(draft), "--grounding", "warn"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{draft}:{line}: ungrounded-number (warning): the number '777 GPUs'")
    assert len(result.stdout.splitlines()) == 1


def test_grounding_warn_still_fails_on_other_findings(env, tmp_path):
    draft = replayed(tmp_path)
    invent(draft)
    draft.write_text(draft.read_text(encoding="utf-8").replace("## Introduction\n\n", "## Introduction\n\n[Write it]\n\n", 1),
                     encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--grounding", "warn"])
    assert result.exit_code == 1
    assert {"placeholder", "ungrounded-number (warning)"} == {line.split(":")[2].strip() for line in result.stdout.splitlines()}


@pytest.mark.parametrize("flags", [["--offline"], ["--grounding", "off"]])
def test_offline_and_off_skip_grounding_and_the_network(env, tmp_path, arxiv_server, flags):
    draft = replayed(tmp_path)
    invent(draft)
    result = runner.invoke(app, ["check", str(draft), *flags])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert arxiv_server.requests == []


def test_json_output(env, tmp_path):
    draft = replayed(tmp_path)
    line = invent(draft)
    draft.write_text(draft.read_text(encoding="utf-8").replace("draft: true", "draft: false", 1), encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--format", "json"])
    assert result.exit_code == 1
    listed = json.loads(result.stdout)
    assert [(item["line"], item["rule"]) for item in listed] == [(1, "front-matter"), (line, "ungrounded-number")]
    for item in listed:
        assert set(item) >= {"path", "line", "rule", "message"}
        assert item["path"] == str(draft) and item["message"]


def test_json_output_of_a_clean_draft_is_an_empty_list(env, tmp_path):
    result = runner.invoke(app, ["check", str(replayed(tmp_path)), "--format", "json", "--offline"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_unreachable_arxiv_without_a_copy_suggests_offline(env, tmp_path, monkeypatch):
    draft = replayed(tmp_path)
    monkeypatch.setenv("DRAFTER_ARXIV_API", "http://127.0.0.1:9/api/query")
    result = runner.invoke(app, ["check", str(draft)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: cannot check the draft's numbers against arXiv 1706.03762v7")
    assert "--offline" in result.stderr
    assert runner.invoke(app, ["check", str(draft), "--offline"]).exit_code == 0


def test_a_draft_without_an_arxiv_key_needs_offline(env, tmp_path):
    draft = replayed(tmp_path)
    text = draft.read_text(encoding="utf-8")
    draft.write_text("".join(line for line in text.splitlines(keepends=True) if not line.startswith("arxiv:")), encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft)])
    assert result.exit_code == 2 and "has no arxiv: key" in result.stderr


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d.write_bytes("caf\u00e9\n".encode("latin-1")) and d,
     "cannot be read: it is not UTF-8 text (byte 0xe9 at offset 3); save it as UTF-8 and run again"),
    (lambda d: d.mkdir() or d, "is a folder; name the draft's .md file"),
    (lambda d: d, "no such file"),
], ids=["latin-1", "a folder", "missing"])
def test_a_draft_that_cannot_be_read_is_one_line_saying_what_to_do(env, tmp_path, make, message):
    draft = tmp_path / "post.md"
    make(draft)
    result = runner.invoke(app, ["check", str(draft)])
    assert (result.exit_code, result.stderr.splitlines()) == (2, [f"Error: {draft}: {message}"])


def in_site(draft: Path, config: str) -> Path:
    """Move `draft` into a Hugo site (content/posts/) whose drafter.toml is `config`; return its new path."""
    site = draft.parent / "site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "hugo.toml").write_text('title = "Blog"\n', encoding="utf-8")
    (site / "drafter.toml").write_text(config, encoding="utf-8")
    return draft.rename(site / "content" / "posts" / draft.name)


@pytest.mark.parametrize(("config", "flags", "exit_code", "rule"), [
    ('grounding = "warn"\n', [], 0, "ungrounded-number (warning)"),
    ('grounding = "off"\n', [], 0, None),
    ('grounding = "warn"\n', ["--grounding", "error"], 1, "ungrounded-number"),
    ("", [], 1, "ungrounded-number"),
], ids=["the site says warn", "the site says off", "the flag wins over the site", "the default is error"])
def test_check_takes_grounding_from_the_sites_drafter_toml(env, tmp_path, config, flags, exit_code, rule):
    """Regression: check ignored `grounding` in drafter.toml (its flag defaulted to "error"), so a blog's CI
    failed drafts that `drafter new` in the same site had accepted with a warning."""
    draft = in_site(replayed(tmp_path), config)
    invent(draft)
    result = runner.invoke(app, ["check", str(draft), *flags])
    assert result.exit_code == exit_code, result.output
    assert [line.split(":")[2].strip() for line in result.stdout.splitlines()] == ([rule] if rule else [])


def test_explain_with_grounding_off_in_drafter_toml_is_refused(env, tmp_path):
    draft = in_site(replayed(tmp_path), 'grounding = "off"\n')
    result = runner.invoke(app, ["check", str(draft), "--explain"])
    assert result.exit_code == 2 and "--explain: needs the paper" in result.stderr


@pytest.mark.parametrize(("flags", "message"), [(["--format", "xml"], "--format: must be text or json"),
                                                (["--grounding", "loud"], "--grounding: must be one of error, warn, off"),
                                                (["--kind", "../x"], "--kind: must be a single path segment")])
def test_bad_options_are_exit_2(env, tmp_path, flags, message):
    result = runner.invoke(app, ["check", str(replayed(tmp_path)), *flags])
    assert result.exit_code == 2 and message in result.stderr


def test_run_code_without_torch_is_a_note(env, tmp_path):
    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("torch is installed: the code would run")
    result = runner.invoke(app, ["check", str(replayed(tmp_path)), "--offline", "--run-code"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "torch does not import" in result.stderr


# -- front matter ----------------------------------------------------------------------------

def test_front_matter_slots_are_reported_once_each():
    findings = check_front_matter("---\ntitle: x\n---\n", '---\ntitle: "<title>"\ndescription: "[Model Name] and [Model Name]"\n'
                                           'cover:\n    alt: "<alt text>"\ndraft: true\n---\n')
    assert [(f.line, f.rule) for f in findings] == [(2, rules.PLACEHOLDER), (3, rules.PLACEHOLDER), (5, rules.PLACEHOLDER)]
    assert "[Model Name]" in findings[1].message and "<alt text>" in findings[2].message


def test_front_matter_bracket_slot_fails_check(env, tmp_path):
    draft = replayed(tmp_path)
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace('description: "', 'description: "[Model Name] ', 1), encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--offline"])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1 and ": placeholder: " in result.stdout and "[Model Name]" in result.stdout
