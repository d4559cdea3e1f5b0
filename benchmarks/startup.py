"""Start-up time of the command line against the floor set by its framework.

    python benchmarks/startup.py [--runs 9]

Times `drafter --help` and `drafter check <a draft>` as fresh processes against
`python -c "import typer"` (median of several runs each, the three commands taking turns so that a change
in the machine's load hits all three alike), prints the ratios (goal: under 2x), and lists which heavy
libraries each command imports (`drafter check` must never import the openai SDK). Every run's exit code
is checked, and drafter's cache is a scratch folder: the user's is never read or written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _harness import PAPER, REPO, drafter_command, machine

HEAVY = ("openai", "httpx", "pydantic", "tenacity", "jinja2", "rich", "yaml", "frontmatter")


def timed(command: list[str], cwd: Path, environment: dict[str, str]) -> float:
    """Seconds one run of `command` takes; it must succeed."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=environment,
                          stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
    return elapsed


def median_times(commands: dict[str, list[str]], runs: int, cwd: Path, environment: dict[str, str],
                 before: dict[str, Callable[[], None]] | None = None) -> dict[str, float]:
    """The median time of each command, the commands taking turns run by run (`before[name]()` runs untimed first)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            if before and name in before:
                before[name]()
            times[name].append(timed(command, cwd, environment))
    return {name: statistics.median(values) for name, values in times.items()}


def imported(arguments: list[str], cwd: Path, environment: dict[str, str]) -> list[str]:
    """The heavy top-level packages a `drafter` command imports (python -X importtime)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "drafter", *arguments], cwd=cwd,
                          capture_output=True, text=True, check=False, env=environment)
    if done.returncode != 0:
        raise SystemExit(f"drafter {' '.join(arguments)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return [name for name in HEAVY if name in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per command; the median counts")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    drafter = drafter_command()
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("OPENAI_", "DRAFTER_")) and k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        # As installed: compiled bytecode is cached (in a scratch folder, so the checkout stays clean).
        environment["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        environment["DRAFTER_CACHE_DIR"] = str(folder / "cache")  # never the user's cache
        draft = folder / "transformer.md"
        made = subprocess.run([*drafter, "new", PAPER, "--replay", str(REPO / "cassettes" / f"{PAPER}.yaml"),
                               "--output", str(draft)], cwd=folder, capture_output=True, text=True, env=environment)
        assert made.returncode == 0, made.stderr
        # typer's own floor for a command that takes an argument (typer 0.29, which drafter does not use, coerced every
        # argument through a pydantic TypeAdapter: 2.4x `import typer` before any of the command's code ran).
        one_argument = folder / "one_argument.py"
        one_argument.write_text("import typer\napp = typer.Typer()\n\n@app.command()\ndef main(path: str) -> None:\n"
                                "    print(path)\n\napp()\n", encoding="utf-8")
        commands = {"floor": [sys.executable, "-c", "import typer"], "argument": [sys.executable, str(one_argument), "x"],
                    "help": drafter + ["--help"],
                    "check": drafter + ["check", str(draft)], "first check": drafter + ["check", str(draft)]}
        # The first check of a draft renders its archetype; later ones read the render kept in drafter's cache.
        before = {"first check": lambda: shutil.rmtree(folder / "cache" / "archetypes", ignore_errors=True)}
        median_times(commands, 1, folder, environment, before)  # warm caches, write .pyc
        medians = median_times(commands, args.runs, folder, environment, before)
        floor, helping, checking = medians["floor"], medians["help"], medians["check"]
        argument = medians["argument"]
        print(f"python -c 'import typer'   {floor * 1000:7.1f} ms (median of {args.runs})")
        print(f"typer script, one argument {argument * 1000:7.1f} ms  {argument / floor:.2f}x  (typer's floor for any command with an argument)")
        print(f"drafter --help             {helping * 1000:7.1f} ms  {helping / floor:.2f}x  (goal < 2x)")
        print(f"drafter check <draft>      {checking * 1000:7.1f} ms  {checking / floor:.2f}x  (goal < 3x); {checking / argument:.2f}x the one-argument script")
        first = medians["first check"]
        print(f"  its first check          {first * 1000:7.1f} ms  {first / floor:.2f}x  (the archetype rendered, not yet kept)")
        print(f"drafter --help imports     {', '.join(imported(['--help'], folder, environment)) or 'none of ' + '/'.join(HEAVY)}")
        print(f"drafter check imports      {', '.join(imported(['check', str(draft)], folder, environment)) or 'none of ' + '/'.join(HEAVY)}")


if __name__ == "__main__":
    main()
