"""Start-up: a run that will call a model imports the SDK in the background from the start; nothing else imports it.

These run drafter as a user does, in fresh processes (`python -X importtime -m drafter ...`), against the
local servers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drafter import preload

REPO = Path(__file__).resolve().parents[1]
TAPE = REPO / "cassettes" / "1706.03762.yaml"


@pytest.mark.parametrize("arguments, calls", [
    (["new", "1706.03762"], True),
    (["new", "1706.03762", "--record", "t.yaml"], True),
    (["regen", "post.md", "conclusion", "--diff"], True),
    (["regen", "post.md", "--failed"], True),
    ([], False),
    (["--help"], False),
    (["new", "--help"], False),
    (["new", "1706.03762", "--dry-run"], False),
    (["new", "1706.03762", "--replay", "t.yaml"], False),
    (["new", "1706.03762", "--replay=t.yaml"], False),
    (["regen", "post.md", "conclusion", "--replay", "t.yaml"], False),
    (["check", "post.md"], False),
    (["sections", "post.md"], False),
    (["archetype", "show", "new"], False),
    (["cache", "clear"], False),
])
def test_which_command_lines_import_the_sdk_at_start(arguments: list[str], calls: bool) -> None:
    assert preload.calls_model(arguments) is calls


def run_drafter(*arguments: str, cwd: Path) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run `python -X importtime -m drafter ARGUMENTS`; return the result and the top-level packages it imported."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "drafter", *arguments], cwd=cwd,
                          capture_output=True, text=True, env=dict(os.environ), stdin=subprocess.DEVNULL, timeout=120)
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in done.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    return done, imported


def messages(done: subprocess.CompletedProcess) -> str:
    return "\n".join(line for line in done.stderr.splitlines() if not line.startswith("import time:"))


def test_help_check_and_replay_never_import_the_sdk(env, tmp_path):
    """`--help`, `check` and a replayed `new` stay lean: the background import starts only for a run that calls a model."""
    draft = tmp_path / "transformer.md"
    done, imported = run_drafter("new", "1706.03762", "--replay", str(TAPE), "--output", str(draft), cwd=tmp_path)
    assert done.returncode == 0, messages(done)
    assert "openai" not in imported
    done, imported = run_drafter("--help", cwd=tmp_path)
    assert done.returncode == 0 and "Usage" in done.stdout
    assert not imported & {"openai", "httpx", "pydantic", "jinja2"}, imported
    done, imported = run_drafter("check", str(draft), cwd=tmp_path)
    assert done.returncode == 0, messages(done)
    assert not imported & {"openai", "httpx"}, imported


def test_a_fresh_new_imports_the_sdk_and_reports_everything_before_it_exits(env, tmp_path, model_server):
    """A real `drafter new` process: the SDK is imported, the draft written, and the summary reaches the pipe
    although the process skips interpreter teardown."""
    done, imported = run_drafter("new", "1706.03762", "--output", str(tmp_path / "t.md"), cwd=tmp_path)
    assert done.returncode == 0, messages(done)
    assert "openai" in imported
    assert (tmp_path / "t.md").read_text(encoding="utf-8").startswith("---\n")
    assert messages(done).splitlines()[-1].startswith("14 section(s) filled, 15 request(s)")
    assert len(model_server.completions) == 15


@pytest.mark.parametrize("arguments, code, message", [
    (["new", "0000.00000", "--output", "t.md"], 2, "Error: "),
    (["new", "1706.03762", "--output", "t.md", "--max-attempts", "0"], 2, "Error: --max-attempts: must be at least 1, got 0"),
])
def test_a_fresh_new_that_fails_keeps_its_exit_code_and_message(env, tmp_path, arguments, code, message):
    """The early exit after a run keeps the command's exit code and its one-line error."""
    done, _ = run_drafter(*arguments, cwd=tmp_path)
    assert done.returncode == code
    assert message in messages(done)
    assert not (tmp_path / "t.md").exists()


COLLECTOR = """
import gc, sys
from drafter import preload
thread = preload.start(sys.argv[1:])
if thread is not None:
    thread.join()
print(gc.isenabled(), gc.get_freeze_count() > 0)
"""


@pytest.mark.parametrize("arguments, enabled, frozen", [
    (["new", "1706.03762"], True, True),  # paused for the SDK's import, then everything made so far frozen
    (["new", "1706.03762", "--replay", "t.yaml"], True, False),  # no SDK to import: the collector as usual
    (["check", "post.md"], False, False),  # a short command runs without it
    (["sections", "post.md"], False, False),
    (["--help"], True, False),
])
def test_the_collector_at_start_up(arguments: list[str], enabled: bool, frozen: bool) -> None:
    """Regression: after the pause for the SDK's import the first collection scanned every object the imports had
    made (~50 ms before the first request); they are frozen out of the collector's generations instead."""
    done = subprocess.run([sys.executable, "-c", COLLECTOR, *arguments], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "OPENAI_API_KEY": ""}, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(enabled), str(frozen)]
