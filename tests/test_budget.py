"""Budgets, costs, the request log, the prompt cache key, and a server that limits concurrent requests."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from answers import skeleton
from drafter.cli import app
from drafter.chat.cost import LIST_PRICES, Price, format_cost, parse_prices, price_for
from drafter.errors import ConfigError
from drafter.facts import FACTS_SCHEMA
from drafter.chat.base import ChatRequest, Message, Usage
from drafter.chat.openai import OpenAIChat

runner = CliRunner()

ARCHETYPE_CONCLUSION = "## Conclusion\n\n<!-- Summary of key points -->"


def drafter(*args: str):
    return runner.invoke(app, list(args))


def section_order(server) -> list[str]:
    return [skeleton(r.body).splitlines()[0] for r in server.completions if skeleton(r.body)]


def tokens_used(log: Path) -> int:
    """Tokens in and out of the answered requests, as the server reported them (from the --log file)."""
    total = 0
    for line in log.read_text(encoding="utf-8").splitlines():
        usage = json.loads(line)["usage"]
        if usage is not None:
            total += usage["prompt_tokens"] + usage["completion_tokens"]
    return total


# -- --max-tokens and --max-cost -------------------------------------------------------------------

def test_max_tokens_stops_before_the_budget_and_keeps_what_finished(env, tmp_path, model_server):
    out, log = tmp_path / "t.md", tmp_path / "run.jsonl"
    result = drafter("new", "1706.03762", "-o", str(out), "--max-tokens", "16000", "--concurrency", "1", "--log", str(log),
                     "--source", "abstract")  # ~1k-token requests: the budget's arithmetic, not the full text
    assert result.exit_code == 1, result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Error: wrote {out}, but the --max-tokens budget of 16000 tokens ran out")
    assert "raise --max-tokens" in last
    text = out.read_text(encoding="utf-8")  # the draft is written
    asked = section_order(model_server)
    assert 2 <= len(asked) < 14  # some sections ran, not all
    assert "## Introduction\n\n<!--" not in text  # an early section was filled
    assert ARCHETYPE_CONCLUSION in text  # a late one keeps the archetype's text
    assert "Conclusion: not asked, the budget ran out" in result.stderr
    # Nothing beyond the budget was sent: every prompt and answer together fit in it.
    assert len(model_server.completions) == len(model_server.received) == 1 + len(asked)
    assert 0 < tokens_used(log) <= 16000


def test_max_tokens_budget_is_never_exceeded_at_full_concurrency(env, tmp_path, model_server):
    out, log = tmp_path / "t.md", tmp_path / "run.jsonl"
    result = drafter("new", "1706.03762", "-o", str(out), "--max-tokens", "20000", "--log", str(log))
    assert result.exit_code == 1, result.output
    assert "--max-tokens budget of 20000 tokens ran out" in result.stderr
    assert 0 < tokens_used(log) <= 20000  # requests in flight at once never add up past the budget
    assert out.is_file()


def test_max_cost_stops_the_run_with_prices_from_drafter_toml(env, tmp_path, model_server, monkeypatch):
    site = tmp_path / "blog"
    site.mkdir()
    (site / "hugo.toml").write_text('title = "Blog"\n', encoding="utf-8")
    # 1,000 USD per 1M tokens: a cent is 10 tokens, so $0.12 buys 12,000 tokens.
    (site / "drafter.toml").write_text('[prices."test-model"]\ninput = 1000\ncached_input = 100\noutput = 1000\n',
                                       encoding="utf-8")
    monkeypatch.chdir(site)
    result = drafter("new", "1706.03762", "--max-cost", "12", "--concurrency", "1", "--source", "abstract")
    assert result.exit_code == 1, result.output
    assert "Error: wrote " in result.stderr and "--max-cost budget of $12.00 ran out" in result.stderr
    assert (site / "content/posts/transformer.md").is_file()
    assert 1 <= len(section_order(model_server)) < 14
    assert "cost $" in result.stderr and "at test-model prices" in result.stderr


def test_max_cost_without_a_price_is_refused_before_any_request(env, tmp_path, model_server):
    result = drafter("new", "1706.03762", "-o", str(tmp_path / "t.md"), "--max-cost", "1")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --max-cost: drafter knows no price for the model 'test-model'")
    assert len(result.stderr.strip().splitlines()) == 1
    assert model_server.received == []


def test_a_generous_budget_changes_nothing(env, tmp_path, model_server):
    result = drafter("new", "1706.03762", "-o", str(tmp_path / "t.md"), "--max-tokens", "1000000")
    assert result.exit_code == 0, result.output
    assert len(model_server.completions) == 15


# -- costs in the summary ------------------------------------------------------------------------

def test_summary_names_tokens_and_cost(env, tmp_path, model_server):
    result = drafter("new", "1706.03762", "-o", str(tmp_path / "t.md"))
    assert result.exit_code == 0, result.output
    summary = result.stderr.strip().splitlines()[-1]
    assert "15 request(s)" in summary and "tokens in (" in summary and " out, cost unknown (no price for test-model" in summary
    priced = drafter("new", "1706.03762", "-o", str(tmp_path / "u.md"), "--model", "gpt-4.1-mini", "--no-cache")
    assert priced.exit_code == 0, priced.output
    assert "at gpt-4.1-mini prices" in priced.stderr.strip().splitlines()[-1]
    assert "Introduction: filled after 1 attempt(s)," in priced.stderr and ", $0.0" in priced.stderr


def test_prices():
    assert price_for("gpt-4.1-mini") == LIST_PRICES["gpt-4.1-mini"]
    assert price_for("gpt-4.1-mini-2025-04-14") == LIST_PRICES["gpt-4.1-mini"]
    assert price_for("llama3.1") is None
    own = {"llama3.1": Price(0, 0, 0), "gpt-4o": Price(1, 1, 1)}
    assert price_for("llama3.1", own) == Price(0, 0, 0) and price_for("gpt-4o", own) == Price(1, 1, 1)
    price = Price(input=2.0, cached_input=0.5, output=8.0)
    assert price.cost(Usage(prompt_tokens=1_000_000, completion_tokens=0, cached_tokens=0)) == 2.0
    assert price.cost(Usage(prompt_tokens=1_000_000, completion_tokens=1_000_000, cached_tokens=1_000_000)) == 8.5
    assert format_cost(None) == "unknown" and format_cost(0.01234) == "$0.0123" and format_cost(3.456) == "$3.46"
    assert parse_prices({"m": {"input": 1, "output": 2}}, "x") == {"m": Price(1.0, 1.0, 2.0)}
    for bad in ({"m": {"input": 1}}, {"m": {"input": 1, "output": "2"}}, {"m": {"input": 1, "output": 2, "cache": 1}}, {"m": 3}):
        with pytest.raises(ConfigError):
            parse_prices(bad, "drafter.toml")


def test_a_bad_price_table_is_one_line(env, tmp_path, model_server, monkeypatch):
    site = tmp_path / "blog"
    site.mkdir()
    (site / "hugo.toml").write_text('title = "Blog"\n', encoding="utf-8")
    (site / "drafter.toml").write_text('[prices."test-model"]\ninput = 1\n', encoding="utf-8")
    monkeypatch.chdir(site)
    result = drafter("new", "1706.03762")
    assert result.exit_code == 2
    assert 'drafter.toml: [prices."test-model"] needs output' in result.stderr
    assert model_server.received == []


# -- a server that takes only N requests at once ---------------------------------------------------

def test_a_concurrency_limit_is_learnt_and_no_request_is_refused_twice(env, tmp_path, model_server):
    model_server.max_concurrent = 2
    model_server.retry_after_when_busy = "0.05"
    model_server.latency = 0.2  # long enough that the sections overlap
    result = drafter("new", "1706.03762", "-o", str(tmp_path / "t.md"))
    assert result.exit_code == 0, result.output
    assert len(model_server.completions) == 15
    assert model_server.rejected_busy >= 1  # the limit was hit
    refusals = Counter(json.dumps(r.body, sort_keys=True) for r in model_server.received if r.status == 429)
    assert max(refusals.values()) == 1  # each refused request was retried once, then accepted


# -- the request log ------------------------------------------------------------------------------

def test_log_writes_one_json_line_per_request(env, tmp_path, model_server):
    log = tmp_path / "logs" / "run.jsonl"
    result = drafter("new", "1706.03762", "-o", str(tmp_path / "t.md"), "--log", str(log))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(model_server.received) == 15
    assert lines[0]["label"] == "facts"
    for line in lines:
        assert set(line) == {"label", "attempt", "started", "finished", "duration", "status", "usage"}
        assert 0 <= line["started"] <= line["finished"] and line["duration"] >= 0
        assert line["status"] == "stop" and line["attempt"] == 1
        assert line["usage"]["prompt_tokens"] > 0 and line["usage"]["completion_tokens"] > 0
    assert max(line["started"] for line in lines[1:]) >= min(line["finished"] for line in lines[:1])  # facts first


def test_log_records_requests_the_budget_refused(env, tmp_path, model_server):
    log = tmp_path / "run.jsonl"
    result = drafter("new", "1706.03762", "-o", str(tmp_path / "t.md"), "--log", str(log), "--max-tokens", "12000",
                     "--concurrency", "1")
    assert result.exit_code == 1
    statuses = Counter(json.loads(line)["status"] for line in log.read_text(encoding="utf-8").splitlines())
    assert statuses["stop"] == len(model_server.received) and statuses["not sent: budget"] >= 1


# -- the prompt cache key and connection reuse -----------------------------------------------------

def test_every_request_of_a_run_carries_one_cache_key_that_cassettes_do_not_record(env, tmp_path, model_server):
    tape = tmp_path / "run.yaml"
    assert drafter("new", "1706.03762", "-o", str(tmp_path / "t.md"), "--record", str(tape)).exit_code == 0
    assert "prompt_cache_key" not in tape.read_text(encoding="utf-8") and "drafter-1706" not in tape.read_text(encoding="utf-8")
    assert all("prompt_cache_key" not in r.body for r in model_server.received)  # not sent to a non-OpenAI server
    request = ChatRequest(model="m", messages=(Message("user", "x"),), cache_key="drafter-1706.03762")
    assert "cache_key" not in json.dumps(request.payload()) and "drafter-" not in json.dumps(request.payload())


def test_the_cache_key_is_sent_where_supported(model_server):
    client = OpenAIChat(base_url=model_server.base_url, send_cache_key=True)
    try:
        client.complete(ChatRequest(model="test-model", messages=(Message("user", "hello"),), cache_key="drafter-1706.03762"))
    finally:
        client.close()
    assert model_server.received[0].body["prompt_cache_key"] == "drafter-1706.03762"


@pytest.mark.parametrize(("openai_endpoint", "expected"), [
    (True, {"type": "json_schema", "json_schema": FACTS_SCHEMA}),
    (False, None),  # a local server may refuse an unknown field: the prompt asks for the JSON in words
])
def test_the_facts_schema_is_sent_as_response_format_only_to_openai(model_server, openai_endpoint, expected):
    """Issue 11: the facts request carries a JSON-schema response_format where the endpoint takes it."""
    client = OpenAIChat(base_url=model_server.base_url, send_cache_key=openai_endpoint)
    try:
        client.complete(ChatRequest(model="test-model", messages=(Message("user", "facts?"),), json_schema=FACTS_SCHEMA))
    finally:
        client.close()
    assert model_server.received[0].body.get("response_format") == expected
    assert "response_format" not in ChatRequest(model="m", messages=(), json_schema=FACTS_SCHEMA).payload()


def requests_at_the_seam() -> list:
    """Every request a whole pipeline run (facts, then the sections) makes, seen at the client seam, nothing patched."""
    from answers import Author
    from drafter.arxiv import parse_feed, parse_id
    from drafter.chat.base import ChatResponse
    from drafter.pipeline.fill import Pipeline
    from drafter.prompts import PromptBook

    seen = []
    author = Author()

    class Seam:
        def complete(self, request):
            seen.append(request)
            return ChatResponse(author(request.payload()))

    source = Path(__file__).resolve().parent / "data" / "arxiv" / "1706.03762.xml"
    paper = parse_feed(source.read_text(encoding="utf-8"), parse_id("1706.03762"))
    pipeline = Pipeline(Seam(), PromptBook(), model="test-model")
    facts, _ = pipeline.establish_facts(paper)
    archetype = (Path(__file__).resolve().parents[1] / "drafter" / "archetypes" / "model.md").read_text(encoding="utf-8")
    pipeline.fill(paper, facts, archetype.replace("{{ .File.ContentBaseName }}", "transformer"))
    return seen


def test_only_the_facts_request_asks_for_the_facts_schema():
    """The schema shapes the facts answer; a section's answer is Markdown and must carry none."""
    seen = {request.label: request.json_schema for request in requests_at_the_seam()}
    schemas = [label for label, schema in seen.items() if schema is not None]
    assert len(seen) == 15 and schemas == ["facts"] and seen["facts"] == FACTS_SCHEMA


def test_pipeline_sets_one_cache_key_per_paper():
    """Every request of a run carries the same prompt_cache_key (seen at the client seam, nothing patched)."""
    seen = [request.cache_key for request in requests_at_the_seam()]
    assert len(seen) == 15 and set(seen) == {"drafter-1706.03762"}


def test_one_run_reuses_its_connections(env, tmp_path, model_server):
    assert drafter("new", "1706.03762", "-o", str(tmp_path / "t.md"), "--concurrency", "1").exit_code == 0
    assert len(model_server.received) == 15
    assert len({r.peer for r in model_server.received}) == 1  # one keep-alive connection for the whole run


# -- the two wrappers, without a server -------------------------------------------------------------

class Slow:
    """A ChatClient whose answers wait for a signal and report a fixed usage."""

    def __init__(self, usage: Usage) -> None:
        import threading

        self.usage = usage
        self.go = threading.Event()
        self.sent: list[str] = []

    def complete(self, request):
        from drafter.chat.base import ChatResponse

        self.sent.append(request.label)
        self.go.wait(5)
        return ChatResponse("answer", usage=self.usage)


def test_a_request_that_fits_only_after_others_finish_waits_instead_of_failing():
    import threading

    from drafter.chat.budget import Budgeted
    from drafter.errors import BudgetExceeded

    inner = Slow(Usage(prompt_tokens=10, completion_tokens=10))
    budget = Budgeted(inner, max_tokens=2 * (4096 + 9) + 100)  # worst case 9 in + 4096 out: room for two, not three
    request = lambda label: ChatRequest(model="m", messages=(Message("user", "x" * 20),), label=label)  # noqa: E731
    threads = [threading.Thread(target=budget.complete, args=(request(label),)) for label in "abc"]
    for thread in threads:
        thread.start()
    import time

    deadline = time.monotonic() + 5
    while len(inner.sent) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert len(inner.sent) == 2  # the third waits for the reserve of the first two
    inner.go.set()
    for thread in threads:
        thread.join(5)
    assert len(inner.sent) == 3 and budget.spent_tokens == 60
    tight = Budgeted(Slow(Usage(1, 1)), max_tokens=100)
    with pytest.raises(BudgetExceeded, match="--max-tokens budget of 100 tokens"):
        tight.complete(request("d"))  # nothing in flight to wait for: refused, not sent
    assert tight.inner.sent == []


def test_the_adaptive_limit_drops_to_what_the_server_accepted():
    from drafter.chat.openai import AdaptiveLimit

    limit = AdaptiveLimit()
    for _ in range(5):
        limit.acquire()
    limit.release(refused=True)  # refused while 4 others are in flight
    limit.release(refused=True)
    assert limit.limit == 3 and limit.active == 3
    limit.release()
    limit.release()
    limit.release()
    limit.acquire()
    limit.release(refused=True)  # alone in flight: a rate limit, not a concurrency limit
    assert limit.limit == 3
