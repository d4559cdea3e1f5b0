"""--run-code: the Implementation's Python runs in a separate interpreter with a time limit and no network.

torch is not needed here: the module check is a parameter, so plain-Python snippets stand in for the model code."""

from __future__ import annotations

import socket
import threading

import pytest

from drafter import runcode
from drafter.runcode import CODE_RUNS, run_code


def draft(*blocks: str) -> str:
    """A small draft whose Implementation section holds `blocks` as ```python blocks."""
    code = "".join(f"```python\n{block.rstrip()}\n```\n\n" for block in blocks)
    return ("---\ntitle: \"x\"\ndraft: true\n---\n\n# X\n\nIntro.\n\n## Introduction\n\nText.\n\n"
            f"## Implementation\n\nSome words.\n\n### PyTorch Implementation\n\n{code}## Conclusion\n\nDone.\n")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_clean_code_runs_without_findings() -> None:
    text = draft("total = sum(range(10))\nassert total == 45", "print(total)")
    assert run_code(text, requires=()) == runcode.RunResult()


def test_an_exception_is_a_finding_at_its_line() -> None:
    text = draft("x = 1", "values = [1, 2]\nvalues[5]")
    result = run_code(text, requires=())
    assert [f.rule for f in result.findings] == [CODE_RUNS]
    finding = result.findings[0]
    assert finding.line == line_of(text, "values[5]")
    assert finding.message.endswith("IndexError: list index out of range")


def test_a_later_block_sees_the_earlier_ones() -> None:
    """The blocks run as one script, as a reader copying them in order would run them."""
    assert run_code(draft("def double(x):\n    return 2 * x", "assert double(2) == 4"), requires=()).findings == []


def test_an_endless_loop_times_out() -> None:
    text = draft("while True:\n    pass")
    result = run_code(text, requires=(), timeout=1.5)
    assert [f.rule for f in result.findings] == [CODE_RUNS]
    assert "did not finish within 1.5 s" in result.findings[0].message
    assert result.findings[0].line == line_of(text, "while True")


def test_a_socket_connection_is_refused() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    accepted: list[object] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
    thread.start()
    try:
        text = draft(f"import socket\ns = socket.socket()\ns.connect(('127.0.0.1', {port}))")
        result = run_code(text, requires=())
        assert [f.rule for f in result.findings] == [CODE_RUNS]
        assert "OSError: network access is disabled" in result.findings[0].message
        assert result.findings[0].line == line_of(text, "s.connect")
        for how in ("socket.create_connection(('127.0.0.1', %d))" % port, "socket.getaddrinfo('example.org', 80)",
                    "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:%d/')" % port):
            assert run_code(draft("import socket\n" + how), requires=()).findings, how
        assert accepted == []
    finally:
        listener.close()


def test_missing_module_is_a_note_not_a_finding() -> None:
    result = run_code(draft("raise SystemExit(3)"), requires=("drafter_no_such_module_for_tests",))
    assert result.findings == []
    assert len(result.notes) == 1 and "does not import" in result.notes[0]


def test_no_python_block_is_a_note() -> None:
    text = draft().replace("### PyTorch Implementation\n\n", "### PyTorch Implementation\n\nNo code.\n\n")
    result = run_code(text, requires=())
    assert result.findings == [] and "no Python code block" in result.notes[0]


def test_other_sections_code_is_not_run() -> None:
    text = draft("x = 1").replace("## Conclusion\n\nDone.\n", "## Conclusion\n\n```python\nraise RuntimeError('no')\n```\n")
    assert run_code(text, requires=()).findings == []


@pytest.mark.parametrize("language", ["bash", "text"])
def test_non_python_blocks_are_not_run(language: str) -> None:
    text = draft("x = 1").replace("```python\nx = 1\n```", f"```{language}\nexit 1\n```\n\n```python\nx = 1\n```")
    assert run_code(text, requires=()).findings == []
