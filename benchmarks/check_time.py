"""Run time of `drafter check` on the demo draft, imports already warm (the validator's own cost).

    python benchmarks/check_time.py [--runs 21] [--before DIR] [--rounds 5]

Makes the demo draft from the shipped Transformer cassette (its arXiv response lands in a scratch cache,
so grounding reads it from disk), then runs `drafter check DRAFT` and `drafter check DRAFT --offline`
in this process several times and prints the medians of the CPU time each run took (the machine is shared, so
wall time would measure the neighbours too). Every run reads the draft and the archetype afresh
(the scanner's cache of parsed texts is emptied). Start-up (a fresh process) is `startup.py`'s.

`--before DIR` times an older checkout too (`git archive be1862f | tar -x -C DIR`, the last commit with the
hand-written line scanners), in alternating rounds of fresh processes, so both figures see the same load.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Not from _harness: a worker timing an older checkout must not import this checkout's test helpers.
REPO = Path(__file__).resolve().parents[1]
PAPER = "1706.03762"
COMMANDS = (("check", []), ("check --offline", ["--offline"]))


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
    """The median CPU milliseconds of `runs` runs of one command line, each reading its texts afresh."""
    times = []
    for _ in range(runs):
        _forget_parses()
        start = time.process_time()  # CPU time of this process: what the check costs, whatever else the machine runs
        code = run_cli(arguments)
        times.append(time.process_time() - start)
        assert code == 0, f"drafter {' '.join(arguments)} exited {code}"
    return statistics.median(times) * 1000


def measure(runs: int) -> dict[str, float]:
    """Median milliseconds of each check command on a fresh demo draft, in this process (its cwd and cache moved)."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        draft = folder / "transformer.md"
        os.environ["DRAFTER_CACHE_DIR"] = str(folder / "cache")  # a worker process: nothing to restore
        os.chdir(folder)
        made = run_cli(["new", PAPER, "--replay", str(REPO / "cassettes" / f"{PAPER}.yaml"), "--output", str(draft)])
        assert made == 0, "the demo draft was not made"
        figures = {}
        for label, extra in COMMANDS:
            run_cli(["check", str(draft), *extra])  # warm: imports, compiled patterns
            figures[label] = median_ms(["check", str(draft), *extra], runs)
        os.chdir(REPO)
        return figures


def in_process(runs: int, source: Path | None) -> dict[str, float]:
    """`measure` in a fresh process, importing drafter from `source` (a checkout) or from here."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    done = subprocess.run([sys.executable, __file__, "--worker", "--runs", str(runs)], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    """Print the check's run times (and an older checkout's, with --before)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command; the median counts")
    parser.add_argument("--before", type=Path, help="an older checkout to time in alternating rounds")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds with --before")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.runs)))
        return
    from _harness import machine

    print(f"machine: {machine()}")
    if args.before is None:
        for label, ms in in_process(args.runs, None).items():
            print(f"drafter {label:<16} {ms:7.1f} ms (median of {args.runs})")
        return
    rounds: dict[str, dict[str, list[float]]] = {"before": {}, "now": {}}
    for _ in range(args.rounds):
        for name, source in (("before", args.before.resolve()), ("now", None)):
            for label, ms in in_process(args.runs, source).items():
                rounds[name].setdefault(label, []).append(ms)
    for label, _ in COMMANDS:
        before, now = (statistics.median(rounds[name][label]) for name in ("before", "now"))
        print(f"drafter {label:<16} before {before:6.1f} ms  now {now:6.1f} ms  ({now / before:.2f}x; "
              f"medians of {args.rounds} alternating rounds of {args.runs} runs)")


if __name__ == "__main__":
    main()
