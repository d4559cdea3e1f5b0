"""Wall time of a full `drafter new` against the local test server with a fixed per-request latency.

    python benchmarks/wall_time.py [--latency 0.5] [--fresh 0.5 2] [--runs 5] [--limit 3]

First as a user runs it: `drafter new` as a fresh process, cold (an empty answer cache, the SDK not yet
imported), at each latency of --fresh: the median and range of --runs runs, their ratio to L (facts
first, then every section at once: the goal is at most 2.3 L at L = 2 s), and where the time above 2 L
goes (the process start until the first request reaches the server, the last answer until the process
ends). Then in-process after a warm-up run (the SDK already imported): at --latency, at the default
concurrency and at --concurrency 1, and against a server that accepts only N requests at once and
refuses the rest with 429 + Retry-After.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _harness import PAPER, drafter_command, drafter_new, machine, rejections_per_request, servers


def fresh_run(latency: float, scratch: Path, number: int, environment: dict[str, str]) -> tuple[float, float, float]:
    """One `drafter new` process against servers with `latency`; return wall time, first-request and tail times."""
    with servers(latency) as model:
        run_environment = {**environment, **{name: os.environ[name] for name in
                                             ("OPENAI_BASE_URL", "OPENAI_API_KEY", "DRAFTER_ARXIV_API",
                                              "DRAFTER_ARXIV_HTML", "DRAFTER_ARXIV_EPRINT", "DRAFTER_MODEL")}}
        run_environment["DRAFTER_CACHE_DIR"] = str(scratch / f"cache-{number}")  # empty: every request is sent
        start = time.monotonic()
        done = subprocess.run([*drafter_command(), "new", PAPER, "--output", str(scratch / f"draft-{number}.md")],
                              cwd=scratch, env=run_environment, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        elapsed = time.monotonic() - start
        assert done.returncode == 0, done.stderr
        assert len(model.received) == 15, len(model.received)
        first = min(record.started for record in model.received) - start
        tail = elapsed - (max(record.finished for record in model.received) - start)
    return elapsed, first, tail


def fresh_figures(latencies: list[float], runs: int) -> None:
    """Print the fresh-process wall times, alternating the latencies run by run."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        # As installed: compiled bytecode is cached (in a scratch folder, so the checkout stays clean).
        environment["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
        fresh_run(0.0, scratch, 0, environment)  # writes the .pyc files; not timed
        results: dict[float, list[tuple[float, float, float]]] = {latency: [] for latency in latencies}
        for run in range(runs):
            for latency in latencies:
                results[latency].append(fresh_run(latency, scratch, len(results) * run + latencies.index(latency) + 1, environment))
    print(f"fresh process, cold (drafter new {PAPER}; median of {runs}, range):")
    for latency, measured in results.items():
        walls = [wall for wall, _, _ in measured]
        wall = statistics.median(walls)
        first = statistics.median(f for _, f, _ in measured)
        tail = statistics.median(t for _, _, t in measured)
        print(f"  L = {latency:.1f} s  {wall:.3f} s = {wall / latency:.3f} L  (range {min(walls) / latency:.2f}-{max(walls) / latency:.2f} L;"
              f" first request at {first:.3f} s, exit {tail:.3f} s after the last answer)")


def fulltext_figures(latency: float) -> None:
    """Print the wall time with the paper's full text against the abstract alone, arXiv answering slowly.

    The API answers after `latency`; so does each full-text request, and 1706.03762 needs two (HTML: 404,
    then the e-print). The text is fetched alongside the API call, so a full run should not be slower.
    """
    with servers(0.0):
        drafter_new()  # import the SDK and warm caches outside the timings
    walls = {}
    for source in ("abstract", "full"):
        with servers(0.0, arxiv_latency=latency, fulltext_latency=latency / 2):
            code, err, walls[source] = drafter_new("--source", source)
            assert code == 0, err
    print(f"full text fetched alongside the API (API {latency:.1f} s, HTML 404 + e-print {latency / 2:.1f} s each, model 0 s):")
    print(f"  --source abstract             {walls['abstract']:.3f} s")
    print(f"  --source full                 {walls['full']:.3f} s  ({walls['full'] - walls['abstract']:+.3f} s)")


def in_process_figures(latency: float, limit: int) -> None:
    """Print the in-process wall times (the SDK already imported by a warm-up run)."""
    with servers(0.0):
        drafter_new()  # import the SDK and warm caches outside the timings

    with servers(latency) as model:
        code, err, concurrent = drafter_new()
        assert code == 0, err
        requests = len(model.received)
        peak = model.peak_concurrency
        connections = len({r.peer for r in model.received})
    with servers(latency) as model:
        code, err, sequential = drafter_new("--concurrency", "1")
        assert code == 0, err
        sequential_connections = len({r.peer for r in model.received})
    print(f"in process, after a warm-up run, L = {latency:.3f} s:")
    print(f"  requests                       {requests} (facts, then the sections)")
    print(f"  concurrent (default) wall time {concurrent:.3f} s  peak {peak} at once, {connections} TCP connection(s)")
    print(f"  sequential (--concurrency 1)   {sequential:.3f} s  {sequential_connections} TCP connection(s)")
    print(f"  concurrent / L                 {concurrent / latency:.2f}  (goal <= 2.3)")
    print(f"  speed-up                       {sequential / concurrent:.1f}x")

    with servers(latency, max_concurrent=limit, retry_after="0.05") as model:
        code, err, limited = drafter_new()
        refused = rejections_per_request(model.received)
    worst = max(refused.values(), default=0)
    print(f"  server limit {limit} at once (429, Retry-After 0.05 s):")
    print(f"    exit code                    {code} ({'finished without error' if code == 0 else err.strip().splitlines()[-1]})")
    print(f"    wall time                    {limited:.3f} s  ({limited / latency:.2f} L)")
    print(f"    requests refused             {sum(refused.values())} refusals of {len(refused)} distinct request(s)")
    print(f"    retries per refused request  at most {worst} (goal <= 1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.5, help="seconds the server takes per request (in-process runs)")
    parser.add_argument("--fresh", type=float, nargs="*", default=[0.5, 2.0], help="latencies for the fresh-process runs")
    parser.add_argument("--runs", type=int, default=5, help="fresh-process runs per latency; the median counts")
    parser.add_argument("--limit", type=int, default=3, help="requests the server accepts at once in the last run")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    if args.fresh:
        fresh_figures(args.fresh, args.runs)
    in_process_figures(args.latency, args.limit)
    fulltext_figures(1.0)


if __name__ == "__main__":
    main()
