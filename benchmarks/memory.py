"""Peak resident memory of a full `drafter new` in its own process, against a 150 MB goal.

    python benchmarks/memory.py

Runs the command line twice as a child process and reads the child's peak RSS from
resource.getrusage(RUSAGE_CHILDREN) after each: once replaying cassettes/1706.03762.yaml (no SDK
import), once against the local test server (the openai SDK, httpx and pydantic loaded, 14
sections at once).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import PAPER, REPO, machine, servers

GOAL_MB = 150


def peak_rss_mb(command: list[str], environment: dict[str, str], cwd: Path) -> tuple[float, int]:
    """Run `command` in a fresh process (via a small Python parent, so RUSAGE_CHILDREN holds only it)."""
    probe = (
        "import resource, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, env=environment,
                          cwd=cwd, check=True)
    kilobytes, code = done.stdout.split()
    return int(kilobytes) / 1024, int(code)


def main() -> None:
    print(f"machine: {machine()}")
    drafter = [sys.executable, "-m", "drafter"]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DRAFTER_"))}
        environment["DRAFTER_CACHE_DIR"] = str(folder / "cache")
        replay, code = peak_rss_mb(drafter + ["new", PAPER, "--replay", str(REPO / "cassettes" / f"{PAPER}.yaml"),
                                              "--output", str(folder / "replayed.md")], environment, folder)
        assert code == 0, "the replay failed"
        with servers(latency=0.05):
            live_environment = dict(environment, **{name: os.environ[name] for name in
                                                    ("OPENAI_BASE_URL", "DRAFTER_ARXIV_API", "DRAFTER_ARXIV_HTML", "DRAFTER_ARXIV_EPRINT", "DRAFTER_MODEL")})
            live, code = peak_rss_mb(drafter + ["new", PAPER, "--output", str(folder / "live.md")], live_environment, folder)
            assert code == 0, "the live run failed"
        floor, _ = peak_rss_mb([sys.executable, "-c", "import typer"], environment, folder)
    print(f"python -c 'import typer'             {floor:6.1f} MB peak RSS")
    print(f"drafter new --replay (cassette)      {replay:6.1f} MB  {replay / GOAL_MB:.0%} of the {GOAL_MB} MB goal")
    print(f"drafter new (local server, SDK)      {live:6.1f} MB  {live / GOAL_MB:.0%} of the {GOAL_MB} MB goal")


if __name__ == "__main__":
    main()
