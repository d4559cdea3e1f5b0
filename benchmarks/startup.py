"""Start-up time of the command line against the floor set by its framework.

    python benchmarks/startup.py [--runs 9]

Times `drafter --help` and `drafter check <a draft>` as fresh processes against
`python -c "import typer"` (median of several runs each), prints the ratios (goal: under 2x), and
lists which heavy libraries each command imports (`drafter check` must never import the openai SDK).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import PAPER, REPO, machine

HEAVY = ("openai", "httpx", "pydantic", "tenacity", "jinja2", "rich", "yaml", "frontmatter")


def drafter_command() -> list[str]:
    """The installed console script next to this Python, else `python -m drafter`."""
    script = Path(sys.executable).with_name("drafter")
    return [str(script)] if script.exists() else [sys.executable, "-m", "drafter"]


def median_time(command: list[str], runs: int, cwd: Path, environment: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=environment)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def imported(arguments: list[str], cwd: Path, environment: dict[str, str]) -> list[str]:
    """The heavy top-level packages a `drafter` command imports (python -X importtime)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "drafter", *arguments], cwd=cwd,
                          capture_output=True, text=True, check=False, env=environment)
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
        draft = folder / "transformer.md"
        made = subprocess.run([*drafter, "new", PAPER, "--replay", str(REPO / "cassettes" / f"{PAPER}.yaml"),
                               "--output", str(draft)], cwd=folder, capture_output=True, text=True, env=environment)
        assert made.returncode == 0, made.stderr
        for command in (drafter + ["--help"], drafter + ["check", str(draft)], [sys.executable, "-c", "import typer"]):
            subprocess.run(command, cwd=folder, capture_output=True, check=False, env=environment)  # warm caches, write .pyc
        floor = median_time([sys.executable, "-c", "import typer"], args.runs, folder, environment)
        helping = median_time(drafter + ["--help"], args.runs, folder, environment)
        checking = median_time(drafter + ["check", str(draft)], args.runs, folder, environment)
        print(f"python -c 'import typer'   {floor * 1000:7.1f} ms (median of {args.runs})")
        print(f"drafter --help             {helping * 1000:7.1f} ms  {helping / floor:.2f}x  (goal < 2x)")
        print(f"drafter check <draft>      {checking * 1000:7.1f} ms  {checking / floor:.2f}x  (goal < 2x)")
        print(f"drafter --help imports     {', '.join(imported(['--help'], folder, environment)) or 'none of ' + '/'.join(HEAVY)}")
        print(f"drafter check imports      {', '.join(imported(['check', str(draft)], folder, environment)) or 'none of ' + '/'.join(HEAVY)}")


if __name__ == "__main__":
    main()
