"""How much of every request is a byte-identical leading part that providers' prefix caches reuse.

    python benchmarks/prefix_cache.py

Records two full runs of the shipped cassette's paper (1706.03762) against the local test servers to
temporary cassettes: one with the paper's full text (`--source full`, the default) and one with the
abstract alone (`--source abstract`, what drafter sent before full text). For each it reads the
recorded requests back and prints the leading part the facts request and every section request share
(characters and estimated tokens, 4 characters a token; no tokenizer is downloaded), and the share of
the section requests' input tokens that the server's simulated prefix cache served (it caches, like
OpenAI's, only prompts of 1,024 tokens or more, in steps of 128, and only what an earlier request sent).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from _harness import drafter_new, machine, servers
from fakeopenai import shared_prefix_length

from drafter.chat.cassette import load

GOAL_TOKENS = 1024
GOAL_SHARE = 0.80


def flatten(messages: list[dict[str, str]]) -> str:
    """The prompt as a provider sees it for caching: the messages in order, roles included."""
    return "".join(f"<|{m['role']}|>{m['content']}" for m in messages)


def measure(source: str) -> dict[str, float]:
    """Record one run with `--source SOURCE` and measure its shared prefix and cache hits."""
    with tempfile.TemporaryDirectory() as scratch, servers():
        cassette = Path(scratch) / "run.yaml"
        code, err, _ = drafter_new("--record", str(cassette), "--source", source)
        assert code == 0, err
        _, exchanges = load(cassette)
    firsts = [e for e in exchanges if e.attempt == 1]
    facts = next(e for e in firsts if e.label == "facts")
    sections = [e for e in firsts if e.label != "facts"]
    prompts = [flatten(e.request["messages"]) for e in [facts, *sections]]
    common = min(shared_prefix_length(prompts[0], prompt) for prompt in prompts)
    leading = [json.dumps(e.request["messages"][:2], sort_keys=True) for e in [facts, *sections]]
    section_input = sum(e.response.usage.prompt_tokens for e in sections)
    section_cached = sum(e.response.usage.cached_tokens for e in sections)
    return {
        "requests": len(prompts),
        "identical": all(item == leading[0] for item in leading),
        "common_chars": common,
        "common_tokens": common // 4,
        "section_input": section_input,
        "section_cached": section_cached,
        "share": section_cached / max(1, section_input),
        "min_request": min(map(len, prompts)) // 4,
        "max_request": max(map(len, prompts)) // 4,
    }


def main() -> None:
    print(f"machine: {machine()}")
    full, abstract = measure("full"), measure("abstract")
    print(f"{'':44} {'full text (now)':>18} {'abstract (before)':>18}")
    rows = [
        ("requests (facts + sections, first attempts)", "requests", "{:.0f}"),
        ("system + paper messages identical in all", "identical", "{}"),
        ("shared prefix, characters", "common_chars", "{:,.0f}"),
        ("shared prefix, ~tokens (goal >= 1,024)", "common_tokens", "{:,.0f}"),
        ("requests' size, ~tokens (min)", "min_request", "{:,.0f}"),
        ("requests' size, ~tokens (max)", "max_request", "{:,.0f}"),
        ("section input tokens", "section_input", "{:,.0f}"),
        ("  of them served by the prefix cache", "section_cached", "{:,.0f}"),
        ("  share served by the cache (goal >= 80%)", "share", "{:.0%}"),
    ]
    for label, key, form in rows:
        print(f"{label:44} {form.format(full[key]):>18} {form.format(abstract[key]):>18}")
    met = full["common_tokens"] >= GOAL_TOKENS and full["share"] >= GOAL_SHARE
    print(f"goals (shared prefix >= {GOAL_TOKENS} tokens, >= {GOAL_SHARE:.0%} of section input cached): "
          f"{'met' if met else 'NOT met'} with the full text")


if __name__ == "__main__":
    main()
