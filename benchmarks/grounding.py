"""Grounding's cost: indexing a whole paper's text once, then judging answers against it.

    python benchmarks/grounding.py

The paper is the real LoRA abstract and metadata (tests/data/real-model/) followed by a synthetic full
text of about 100 KB (sections, figures with units); the answers are the real model's 14 section answers.
Prints the median of 5 runs for the index (once per paper) and per answer against the cached index.
"""

from __future__ import annotations

import json
import statistics
import time

from _harness import REPO, machine

from drafter import arxiv, grounding

REAL = REPO / "tests" / "data" / "real-model" / "2106.09685"


def main() -> None:
    """Print the index time of a ~100 KB source and the judging time per real answer."""
    paper = arxiv.parse_feed((REAL / "arxiv-2106.09685.xml").read_text(encoding="utf-8"), arxiv.parse_id("2106.09685"))
    full_text = "\n".join(f"## {n} Part\n\nWe trained for {n} hours on {n % 9 + 1} GPUs with {n * 1000:,} steps, "
                          f"0.{n} dropout and {n}.5% accuracy (Table {n})." for n in range(1, 1100))
    source = grounding.paper_source(paper, "LoRA", full_text=full_text)
    answers = [path.read_text(encoding="utf-8") for path in sorted(REAL.glob("*.answer.md"))[1:]]
    skeletons = [json.loads(path.read_text(encoding="utf-8"))["messages"][-1]["content"].split("heading line:\n\n", 1)[1]
                 for path in sorted(REAL.glob("*.request.json"))[1:]]
    index_times, answer_times = [], []
    for _ in range(5):
        grounding.source_index.cache_clear()
        started = time.perf_counter()
        grounding.source_index(source)
        index_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        for answer, skeleton in zip(answers, skeletons):
            assert grounding.ungrounded_numbers(answer, source, skeleton) == []
        answer_times.append((time.perf_counter() - started) / len(answers))
    print(machine())
    print(f"source: {len(source) / 1000:.0f} KB; index once per paper: {statistics.median(index_times) * 1000:.1f} ms; "
          f"per answer ({len(answers)} real answers, 0 findings): {statistics.median(answer_times) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
