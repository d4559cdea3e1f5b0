"""`--run-code`: run the Python of a draft's Implementation section and report a failure as a finding.

The code blocks of the section are joined in order and run in a separate interpreter (`sys.executable -I`:
no user site, no PYTHON* variables, no current folder on the path) from an empty temporary folder, with a
time limit and no network: a prelude replaces the socket functions that connect or resolve names with
functions that raise OSError. The code is only run when the modules it needs (torch) import in that
interpreter; otherwise the result is a note, not a finding.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding
from .post import document as post
from .post.markdown import code_blocks

CODE_RUNS = "code-runs"
SECTION = "implementation"
DEFAULT_TIMEOUT = 60.0
_PYTHON = frozenset({"python", "py", "python3", "py3"})

PRELUDE = '''\
import socket as _drafter_socket


def _drafter_no_network(*args, **kwargs):
    raise OSError("network access is disabled while drafter runs the draft's code")


_drafter_socket.socket.connect = _drafter_no_network
_drafter_socket.socket.connect_ex = _drafter_no_network
_drafter_socket.socket.sendto = _drafter_no_network
_drafter_socket.create_connection = _drafter_no_network
_drafter_socket.getaddrinfo = _drafter_no_network
_drafter_socket.gethostbyname = _drafter_no_network
_drafter_socket.gethostbyname_ex = _drafter_no_network
_drafter_socket.gethostbyaddr = _drafter_no_network
_drafter_socket.getnameinfo = _drafter_no_network
del _drafter_socket, _drafter_no_network
'''
_PRELUDE_LINES = PRELUDE.count("\n")
_SCRIPT = "draft_code.py"


@dataclass
class RunResult:
    """What running the code gave: findings (rule code-runs) and notes (why nothing ran)."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Piece:
    first_line: int  # line of the joined script (1-based) where this block's code starts
    draft_line: int  # line of the draft where this block's code starts
    lines: int


def modules_available(modules: Sequence[str], python: str = sys.executable, timeout: float = 60.0) -> bool:
    """Tell whether every one of `modules` imports in the interpreter `python`."""
    if not modules:
        return True
    statement = "; ".join(f"import {name}" for name in modules)
    try:
        done = subprocess.run([python, "-I", "-c", statement], capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def implementation_code(text: str, section: str = SECTION) -> tuple[str, list[_Piece]]:
    """The Python blocks of the draft's section titled like `section` (any case), joined; with where each came from."""
    document = post.split(text)
    block = next((b for b in document.blocks if b.heading is not None and b.title.strip().casefold() == section), None)
    if block is None:
        return "", []
    parts: list[str] = []
    pieces: list[_Piece] = []
    line = 1
    for code in code_blocks(block.text):
        if code.close_line is None or code.language not in _PYTHON:
            continue
        lines = code.code.count("\n") + 1
        pieces.append(_Piece(line, block.start_line + code.open_line, lines))
        parts.append(code.code)
        line += lines
    return "\n".join(parts), pieces


def run_code(text: str, *, timeout: float = DEFAULT_TIMEOUT, requires: Sequence[str] = ("torch",),
             python: str = sys.executable, section: str = SECTION) -> RunResult:
    """Run the draft's Implementation code; a failure, a timeout or a blocked connection is a `code-runs` finding."""
    code, pieces = implementation_code(text, section)
    if not pieces:
        return RunResult(notes=[f"--run-code: the draft's {section.title()} section has no Python code block; nothing run"])
    if not modules_available(requires, python):
        return RunResult(notes=[f"--run-code: {', '.join(requires)} does not import in {python}; the code was not run"])
    with tempfile.TemporaryDirectory(prefix="drafter-run-") as folder:
        script = Path(folder) / _SCRIPT
        script.write_text(PRELUDE + code + "\n", encoding="utf-8")
        try:
            done = subprocess.run([python, "-I", _SCRIPT], cwd=folder, capture_output=True, text=True,
                                  timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return RunResult([Finding(pieces[0].draft_line, CODE_RUNS,
                                      f"the code did not finish within {timeout:g} s; make the example small and quick")])
    if done.returncode == 0:
        return RunResult()
    stderr = done.stderr.strip().splitlines()
    last = next((line.strip() for line in reversed(stderr) if line.strip()), f"exit status {done.returncode}")
    return RunResult([Finding(_draft_line(stderr, pieces), CODE_RUNS, f"the code fails when run: {last}")])


def _draft_line(stderr: list[str], pieces: list[_Piece]) -> int:
    """The draft line of the innermost frame of the script in a traceback, else the first block's first line."""
    frames = [int(m.group(1)) for line in stderr for m in [re.search(rf'File ".*{re.escape(_SCRIPT)}", line (\d+)', line)] if m]
    for frame in reversed(frames):  # the prelude's own frames (a blocked connect) are not the draft's
        line = frame - _PRELUDE_LINES
        for piece in pieces:
            if piece.first_line <= line < piece.first_line + piece.lines:
                return piece.draft_line + line - piece.first_line
    return pieces[0].draft_line
