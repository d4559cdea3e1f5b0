"""Wall time of a full `drafter new` against the local test server with a fixed per-request latency.

    python benchmarks/wall_time.py [--latency 0.5] [--limit 3]

Prints the latency L, the wall time at the default concurrency and at --concurrency 1, their ratio
to L (facts first, then every section at once: the goal is at most 2.3 L), the speed-up, and a run
against a server that accepts only N requests at once and refuses the rest with 429 + Retry-After.
"""

from __future__ import annotations

import argparse

from _harness import drafter_new, machine, rejections_per_request, servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.5, help="seconds the server takes per request")
    parser.add_argument("--limit", type=int, default=3, help="requests the server accepts at once in the last run")
    args = parser.parse_args()
    latency = args.latency
    print(f"machine: {machine()}")
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
    print(f"latency L                      {latency:.3f} s")
    print(f"requests                       {requests} (facts, then the sections)")
    print(f"concurrent (default) wall time {concurrent:.3f} s  peak {peak} at once, {connections} TCP connection(s)")
    print(f"sequential (--concurrency 1)   {sequential:.3f} s  {sequential_connections} TCP connection(s)")
    print(f"concurrent / L                 {concurrent / latency:.2f}  (goal <= 2.3)")
    print(f"speed-up                       {sequential / concurrent:.1f}x")

    with servers(latency, max_concurrent=args.limit, retry_after="0.05") as model:
        code, err, limited = drafter_new()
        refused = rejections_per_request(model.received)
    worst = max(refused.values(), default=0)
    print(f"server limit {args.limit} at once (429, Retry-After 0.05 s):")
    print(f"  exit code                    {code} ({'finished without error' if code == 0 else err.strip().splitlines()[-1]})")
    print(f"  wall time                    {limited:.3f} s  ({limited / latency:.2f} L)")
    print(f"  requests refused             {sum(refused.values())} refusals of {len(refused)} distinct request(s)")
    print(f"  retries per refused request  at most {worst} (goal <= 1)")


if __name__ == "__main__":
    main()
