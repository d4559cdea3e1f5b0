"""Run time of `drafter check` on the demo draft, imports already warm (the validator's own cost).

    python benchmarks/check_time.py [--runs 21]

Makes the demo draft from the shipped Transformer cassette (its arXiv response lands in a scratch cache,
so grounding reads it from disk), then runs `drafter check DRAFT` and `drafter check DRAFT --offline`
in this process several times and prints the medians. Start-up (a fresh process) is `startup.py`'s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

from _harness import PAPER, REPO, environment, machine

# Measured with this script on the same machine before the validator moved onto markdown-it-py
# (main at be1862f, the hand-written line scanners): the figures the README compares against.
BEFORE_MS = {"check": 35.5, "check --offline": 24.0}


def run_cli(arguments: list[str]) -> int:
    """Run the drafter command line in this process, output swallowed; return its exit code."""
    from drafter.cli import app

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            result = app(args=arguments, standalone_mode=False)
        except SystemExit as leaving:
            return int(leaving.code or 0)
    return int(result or 0)


def _forget_parses() -> None:
    """Empty the scanner's cache of parsed texts, so every run reads the draft and archetype afresh."""
    try:
        from drafter.post.markdown import forget
    except ImportError:  # the hand-written scanners before markdown-it-py kept no cache
        return
    forget()


def median_ms(arguments: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        _forget_parses()
        start = time.perf_counter()
        code = run_cli(arguments)
        times.append(time.perf_counter() - start)
        assert code == 0, f"drafter {' '.join(arguments)} exited {code}"
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command; the median counts")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        draft = folder / "transformer.md"
        with environment(DRAFTER_CACHE_DIR=str(folder / "cache")):
            previous = Path.cwd()
            os.chdir(folder)
            try:
                made = run_cli(["new", PAPER, "--replay", str(REPO / "cassettes" / f"{PAPER}.yaml"), "--output", str(draft)])
                assert made == 0, "the demo draft was not made"
                for label, arguments in (("check", ["check", str(draft)]), ("check --offline", ["check", str(draft), "--offline"])):
                    run_cli(arguments)  # warm: imports, compiled patterns
                    now = median_ms(arguments, args.runs)
                    before = BEFORE_MS.get(label)
                    versus = f"  before: {before:.1f} ms ({now / before:.2f}x)" if before else ""
                    print(f"drafter {label:<16} {now:7.1f} ms (median of {args.runs}){versus}")
            finally:
                os.chdir(previous)


if __name__ == "__main__":
    main()
