"""How much of every section request is a byte-identical leading part that providers' prefix caches reuse.

    python benchmarks/prefix_cache.py

Records one full run against the local test server to a temporary cassette, then reads the
recorded requests back: the leading part every section request shares (system message + shared
context), its length in characters and estimated tokens (4 characters a token; no tokenizer is
downloaded), its share of each request, and the cached-token counts the server's simulated prefix
cache reported (it, like OpenAI's, caches only prompts of 1,024 tokens or more, in steps of 128).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from _harness import drafter_new, machine, servers
from fakeopenai import shared_prefix_length

from drafter.chat.cassette import load


def flatten(messages: list[dict[str, str]]) -> str:
    """The prompt as a provider sees it for caching: the messages in order, roles included."""
    return "".join(f"<|{m['role']}|>{m['content']}" for m in messages)


def shared_prefix(texts: list[str]) -> int:
    """The length of the leading part every text shares."""
    return min(shared_prefix_length(texts[0], text) for text in texts)


def main() -> None:
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as scratch, servers():
        cassette = Path(scratch) / "run.yaml"
        code, err, _ = drafter_new("--record", str(cassette), "--concurrency", "1")
        assert code == 0, err
        _, exchanges = load(cassette)
    sections = [e for e in exchanges if e.label != "facts" and e.attempt == 1]
    requests = [e.request["messages"] for e in sections]
    leading = [m[:2] for m in requests]
    identical = all(json.dumps(m, sort_keys=True) == json.dumps(leading[0], sort_keys=True) for m in leading)
    prompts = [flatten(m) for m in requests]
    common = shared_prefix(prompts)
    shared_messages = len(flatten(leading[0]))
    print(f"section requests                  {len(sections)} (first attempts; {len(exchanges)} exchanges in all)")
    print(f"system + context byte-identical   {'yes' if identical else 'NO'} in every section request")
    print(f"shared leading part               {shared_messages} characters in the two shared messages, "
          f"~{shared_messages // 4} tokens; common prefix of the whole prompts {common} characters")
    shares = [common / len(prompt) for prompt in prompts]
    print(f"share of each request             min {min(shares):.0%}, median {sorted(shares)[len(shares) // 2]:.0%}, "
          f"max {max(shares):.0%} (requests of {min(map(len, prompts))}-{max(map(len, prompts))} characters)")
    prompt_tokens = sum(e.response.usage.prompt_tokens for e in exchanges)
    cached = sum(e.response.usage.cached_tokens for e in exchanges)
    print(f"server-reported cached tokens     {cached} of {prompt_tokens} input tokens ({cached / max(1, prompt_tokens):.0%});"
          f" 0 means the shared part is under the 1,024-token caching threshold")
    for exchange, share, prompt in zip(sections, shares, prompts):
        print(f"  {exchange.label[:40]:40} {len(prompt):6} chars  shared {share:4.0%}")


if __name__ == "__main__":
    main()
