"""Archetypes rendered for existing drafts, kept on disk (drafter.hugo.kept): what `check` reads instead of running the
template engine, when it may, and when it must render again."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli import app
from drafter.hugo import kept
from drafter.hugo.page import recorded_date

runner = CliRunner()
TAPE = Path(__file__).resolve().parents[1] / "cassettes" / "1706.03762.yaml"
INPUTS = ("archetypes/model.md", "# {{ .Name }}\n", "outline", "PageContext(name='lora')")


def never() -> str:
    raise AssertionError("rendered although an unchanged render was kept")


def test_an_unchanged_render_is_read_back_without_rendering():
    assert kept.kept_render(INPUTS, lambda: "# lora\n", os.environ) == "# lora\n"
    assert kept.kept_render(INPUTS, never, os.environ) == "# lora\n"


@pytest.mark.parametrize("changed", range(len(INPUTS)))
def test_any_changed_input_renders_again(changed: int):
    kept.kept_render(INPUTS, lambda: "old\n", os.environ)
    inputs = tuple(value + " " if index == changed else value for index, value in enumerate(INPUTS))
    assert kept.kept_render(inputs, lambda: "new\n", os.environ) == "new\n"
    assert kept.kept_render(INPUTS, never, os.environ) == "old\n"  # the first input's render is still kept


def test_an_edited_engine_renders_again(tmp_path, monkeypatch):
    """Regression guard: a render kept by an older engine (an editable install, edited) must not be served."""
    engine = tmp_path / "engine"
    engine.mkdir()
    (engine / "exec.py").write_text("x = 1\n")
    monkeypatch.setattr(kept, "ENGINE_FOLDERS", (engine,))
    kept.kept_render(INPUTS, lambda: "by the old engine\n", os.environ)
    (engine / "exec.py").write_text("x = 22\n")
    assert kept.kept_render(INPUTS, lambda: "by the new engine\n", os.environ) == "by the new engine\n"


@pytest.mark.parametrize("entry", [
    "not json",
    '{"key": "another key", "text": "another render"}',  # two keys with one checksum: the full key decides
    '{"key": null}',
    '["a list"]',
])
def test_a_damaged_or_foreign_entry_renders_again_and_is_replaced(entry: str):
    key = "\0".join((kept.engine_stamp(), *INPUTS))
    path = kept.entry_path(key, os.environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(entry, encoding="utf-8")
    assert kept.kept_render(INPUTS, lambda: "fresh\n", os.environ) == "fresh\n"
    assert kept.kept_render(INPUTS, never, os.environ) == "fresh\n"


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    environ = {"DRAFTER_CACHE_DIR": str(blocked)}
    assert kept.kept_render(INPUTS, lambda: "rendered\n", environ) == "rendered\n"


@pytest.mark.parametrize("front_matter, moment", [
    ("---\ndate: 2026-12-01T11:14:58Z\n---\n", datetime(2026, 12, 1, 11, 14, 58, tzinfo=timezone.utc)),
    ("---\ndate: '2025-01-02T03:04:05+05:30'\n---\n",
     datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=5, minutes=30)))),
    ("+++\ndate = 2025-01-02T03:04:05-03:30\n+++\n",
     datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone(-timedelta(hours=3, minutes=30)))),
    ("---\ndate: 2025-01-02\n---\n", None),  # no offset: not the moment Hugo rendered for
    ("---\ndate: 2025-13-45T00:00:00Z\n---\n", None),
    ("---\ntitle: x\n  date: 2025-01-02T03:04:05Z\n---\n", None),  # nested, not the page's date
    ("---\ntitle: x\n---\n", None),
    ("", None),
])
def test_the_recorded_date(front_matter: str, moment: datetime | None):
    assert recorded_date(front_matter) == moment


def replayed(tmp_path: Path) -> Path:
    out = tmp_path / "transformer.md"
    result = runner.invoke(app, ["new", "1706.03762", "--replay", str(TAPE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def engine_imported(*arguments: str, cwd: Path) -> bool:
    """Run `python -X importtime -m drafter ARGUMENTS` (it must succeed); tell whether it imported the template engine."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "drafter", *arguments], cwd=cwd,
                          capture_output=True, text=True, env=dict(os.environ), stdin=subprocess.DEVNULL, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return any(line.rstrip().endswith("drafter.gotemplate") for line in done.stderr.splitlines())


def test_the_second_check_of_a_draft_runs_no_template_engine(env, tmp_path):
    draft = replayed(tmp_path)
    assert engine_imported("check", "--offline", str(draft), cwd=tmp_path)
    assert not engine_imported("check", "--offline", str(draft), cwd=tmp_path)
    assert len(list(kept.directory(os.environ).glob("*.json"))) == 2  # the name probe and the page


def test_an_edited_archetype_is_judged_at_once(env, tmp_path):
    """A kept render must never hide a change to the archetype: the section added to it is missing from the draft."""
    draft = replayed(tmp_path)
    archetype = tmp_path / "model.md"
    archetype.write_text((Path(__file__).resolve().parents[1] / "drafter" / "archetypes" / "model.md")
                         .read_text(encoding="utf-8"), encoding="utf-8")
    assert runner.invoke(app, ["check", "--offline", "--archetype", str(archetype), str(draft)]).exit_code == 0
    with archetype.open("a", encoding="utf-8") as stream:
        stream.write("\n## Limitations\n\n[What the model cannot do]\n")
    result = runner.invoke(app, ["check", "--offline", "--archetype", str(archetype), str(draft)])
    assert result.exit_code == 1
    assert "Limitations" in result.stdout


def test_a_draft_is_judged_for_the_day_it_records(env, tmp_path):
    """An archetype that prints the day in a kept section: a draft checked on a later day is judged against the day
    it was made for, so the check's result does not depend on when it runs."""
    archetype = tmp_path / "dated.md"
    archetype.write_text('---\ntitle: "{{ .Name }}"\ndate: {{ .Date }}\ndraft: true\n---\n\n'
                         '## Written\n\nOn {{ now.Format "2006-01-02" }}.\n', encoding="utf-8")
    draft = tmp_path / "old.md"
    draft.write_text('---\ntitle: "old"\ndate: 2020-02-03T04:05:06Z\ndraft: true\n---\n\n'
                     '## Written\n\nOn 2020-02-03.\n', encoding="utf-8")
    from drafter.commands.check import expected_document
    from drafter.commands.draft import DraftFile

    expected = expected_document(DraftFile(draft, draft), None, tmp_path, archetype, "model")
    assert expected.blocks[-1].text == "## Written\n\nOn 2020-02-03.\n"
