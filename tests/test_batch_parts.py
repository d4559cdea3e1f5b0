"""The pure parts of `drafter batch`: custom_ids, splitting rounds into jobs, reading results, the state file."""

from __future__ import annotations

import json

import pytest

from drafter.batch import jsonl, plan, state
from drafter.errors import BatchNotFound, BatchStateDamaged
from drafter.errors import RequestChanged, RequestFailed
from drafter.batch.run import Deferred, StateAnswers, body_sha
from drafter.chat.base import ChatRequest, Message, Usage
from drafter.chat.cost import LIST_PRICES, parse_prices
from drafter.errors import ConfigError


@pytest.mark.parametrize(("paper", "label", "position", "attempt", "expected"), [
    ("1706.03762", "facts", -1, 1, "1706.03762:facts:1"),
    ("1706.03762", "Introduction", 3, 2, "1706.03762:03-Introduction:2"),
    ("astro-ph/0601001", "Model Architecture", 12, 1, "astro-ph%2F0601001:12-Model%20Architecture:1"),
    ("1706.03762", "Q: what? 50% off", 4, 3, "1706.03762:04-Q%3A%20what%3F%2050%25%20off:3"),
    ("1706.03762", "facts", 5, 1, "1706.03762:05-facts:1"),  # a section titled "facts" is not the facts request
])
def test_custom_ids_name_paper_section_and_attempt_and_read_back(paper, label, position, attempt, expected):
    made = plan.request_id(paper, label, position, attempt)
    assert str(made) == expected
    assert plan.parse_request_id(expected) == made


def test_a_long_title_is_cut_but_stays_unique_by_position():
    ids = {str(plan.request_id("1706.03762", "x" * 300, position, 1)) for position in (3, 4)}
    assert len(ids) == 2 and all(len(i) < 100 for i in ids)


@pytest.mark.parametrize("text", ["1706.03762:facts", "1706.03762:facts:0", "a:b:c:1", "1706.03762:intro:1", ""])
def test_foreign_custom_ids_are_refused(text):
    with pytest.raises(ValueError):
        plan.parse_request_id(text)


def _lines(count: int, size: int) -> list[str]:
    return [plan.input_line(f"p:facts:{i}", {"x": "a" * size}) for i in range(count)]


@pytest.mark.parametrize(("count", "size", "max_requests", "max_bytes", "expected_sizes"), [
    (5, 10, 50_000, 10**9, [5]),
    (5, 10, 2, 10**9, [2, 2, 1]),  # the request limit
    (4, 100, 50_000, 400, [2, 2]),  # the byte limit (each line ~170 bytes)
    (0, 10, 2, 10**9, []),
])
def test_rounds_split_into_jobs_within_the_limits(count, size, max_requests, max_bytes, expected_sizes):
    jobs = plan.split_jobs(_lines(count, size), max_requests, max_bytes)
    assert [len(job) for job in jobs] == expected_sizes
    assert sum(jobs, []) == _lines(count, size)  # order kept, nothing lost
    assert all(sum(len(line.encode()) for line in job) <= max_bytes for job in jobs)


def test_a_single_request_over_the_byte_limit_is_refused():
    with pytest.raises(ValueError, match="over the 100-byte limit"):
        plan.split_jobs(_lines(1, 200), 10, 100)


def test_the_limits_are_the_batch_apis():
    assert (plan.MAX_REQUESTS_PER_JOB, plan.MAX_BYTES_PER_JOB) == (50_000, 200 * 1024 * 1024)


def test_an_input_line_is_the_batch_input_format():
    line = plan.input_line("p:facts:1", {"model": "m", "messages": []})
    assert line.endswith("\n")
    assert json.loads(line) == {"custom_id": "p:facts:1", "method": "POST", "url": "/v1/chat/completions",
                                "body": {"model": "m", "messages": []}}


def _answer(custom_id: str, content: str = "hi", finish: str = "stop") -> str:
    return json.dumps({"id": "r1", "custom_id": custom_id, "error": None, "response": {
        "status_code": 200, "request_id": "q", "body": {"choices": [{"message": {"content": content}, "finish_reason": finish}],
                                                        "usage": {"prompt_tokens": 10, "completion_tokens": 3,
                                                                  "prompt_tokens_details": {"cached_tokens": 2}}}}})


@pytest.mark.parametrize(("line", "expected"), [
    (_answer("a"), jsonl.LineResult("a", "hi", Usage(10, 3, 2))),
    (_answer("a", finish="length"), jsonl.LineResult("a", None, error="the answer was cut off at max_tokens")),
    (json.dumps({"custom_id": "a", "response": None, "error": {"code": "batch_expired", "message": "not done in 24h"}}),
     jsonl.LineResult("a", None, error="batch_expired: not done in 24h")),
    (json.dumps({"custom_id": "a", "error": None, "response": {"status_code": 500, "body": {"error": {"message": "boom", "type": "server_error"}}}}),
     jsonl.LineResult("a", None, error="HTTP 500: server_error: boom")),
])
def test_result_lines_are_read_into_answers_or_failures(line, expected):
    assert jsonl.parse_results(line + "\n", {"a"}) == [expected]


@pytest.mark.parametrize(("text", "message"), [
    (_answer("a") + "\n" + _answer("zzz") + "\n", "line 2 answers 'zzz', which the batch never asked"),
    (_answer("a") + "\n" + _answer("a")[:40], "its last line is cut short"),
    ("{not json\n" + _answer("a") + "\n", "line 1 is not JSON"),
    ('{"id": 1}\n', "line 1 has no custom_id"),
])
def test_foreign_or_truncated_results_are_refused(text, message):
    with pytest.raises(jsonl.ResultsFormatError, match=message):
        jsonl.parse_results(text, {"a"})


def _state() -> state.BatchState:
    return state.BatchState(name="batch-1", created="2026-01-01T00:00:00+00:00", now="2026-01-01T00:00:00+00:00",
                            cwd="/tmp", flags={"model": "m"}, papers=[state.PaperEntry("1706.03762")],
                            requests={"1706.03762:facts:1": state.RequestEntry(1, state.ANSWERED, "s", content="{}", usage=[5, 2, 0])},
                            rounds=[state.RoundEntry(1, [state.JobEntry(["1706.03762:facts:1"], "file-1", "batch_1", "completed", True)])])


def test_the_state_file_round_trips_and_is_written_atomically(tmp_path):
    folder = tmp_path / ".drafter" / "batches"
    written = state.save(folder, _state())
    assert written == folder / "batch-1.json"
    assert [p.name for p in folder.iterdir()] == ["batch-1.json"]  # no temporary file left beside it
    assert state.load(folder, "batch-1") == _state()
    assert state.load(folder, "batch-1").usage() == Usage(5, 2, 0)


@pytest.mark.parametrize(("name", "error", "says"), [
    ("nope", BatchNotFound, "nope"),
    ("../x", BatchNotFound, "../x"),
    ("damaged", BatchStateDamaged, "damaged.json cannot be read"),
    ("latin1", BatchStateDamaged, "it is not UTF-8 text (byte 0xe9 at offset 1); save it as UTF-8 and run again"),
])
def test_a_missing_or_damaged_state_is_a_one_line_error(tmp_path, name, error, says):
    folder = tmp_path / "batches"
    folder.mkdir()
    (folder / "damaged.json").write_text('{"format": 1, "name": 3}', encoding="utf-8")
    (folder / "latin1.json").write_bytes(b'{\xe9}')  # regression: the codec's own message, not what to do
    with pytest.raises(error) as raised:
        state.load(folder, name)
    assert "\n" not in str(raised.value)
    assert says in str(raised.value)


@pytest.mark.parametrize(("site", "expected"), [(True, "site/.drafter/batches"), (False, "work/.drafter/batches")])
def test_state_lives_in_the_site_or_the_current_folder(tmp_path, site, expected):
    assert state.folder(tmp_path / "site" if site else None, tmp_path / "work") == tmp_path / expected


@pytest.mark.parametrize(("entry", "expected"), [
    ({"input": 1.0, "output": 2.0}, 1.0),  # a price of one's own: no discount unless it says so
    ({"input": 1.0, "output": 2.0, "batch_discount": 0.5}, 0.5),
])
def test_prices_take_a_batch_discount(entry, expected):
    price = parse_prices({"m": entry}, "drafter.toml")["m"]
    assert price.batch_discount == expected
    usage = Usage(1_000_000, 1_000_000, 0)
    assert price.batch_cost(usage) == pytest.approx(price.cost(usage) * expected)


@pytest.mark.parametrize("discount", [0, 1.5, "half", True])
def test_a_batch_discount_outside_0_to_1_is_refused(discount):
    with pytest.raises(ConfigError, match="batch_discount must be a share of the price above 0 and at most 1"):
        parse_prices({"m": {"input": 1.0, "output": 2.0, "batch_discount": discount}}, "drafter.toml")


def test_openais_models_are_half_price_in_a_batch():
    assert {price.batch_discount for price in LIST_PRICES.values()} == {0.5}


def _facts_request(cache_key: str | None = "drafter-1706.03762") -> ChatRequest:
    return ChatRequest(model="m", messages=(Message("user", "hi"),), label="facts", position=-1, cache_key=cache_key)


@pytest.mark.parametrize(("send", "expected"), [(True, "drafter-1706.03762"), (False, None)])
def test_the_prompt_cache_key_goes_into_batch_bodies_only_for_openai(send, expected):
    with pytest.raises(Deferred) as deferred:
        StateAnswers(_state(), "2101.00001", send).complete(_facts_request())
    assert deferred.value.custom_id == "2101.00001:facts:1"
    assert deferred.value.body.get("prompt_cache_key") == expected


@pytest.mark.parametrize(("entry", "outcome"), [
    (None, Deferred),  # never asked: goes into the next round
    (state.RequestEntry(1, state.SUBMITTED, "SHA"), Deferred),  # in a job still out: waits (not sent again)
    (state.RequestEntry(1, state.FAILED, "SHA", failures=1, error="boom"), Deferred),  # failed once: sent again
    (state.RequestEntry(1, state.FAILED, "SHA", failures=2, error="boom"), RequestFailed),  # twice: the paper fails
    (state.RequestEntry(1, state.ANSWERED, "other", content="x"), RequestChanged),  # not what was submitted
    (state.RequestEntry(1, state.ANSWERED, "SHA", content='{"name": "X"}', usage=[7, 3, 1]), '{"name": "X"}'),
])
def test_the_state_answers_defers_or_refuses(entry, outcome):
    batch = _state()
    sha = body_sha(_facts_request().payload())
    if entry is not None:
        entry.sha = sha if entry.sha == "SHA" else entry.sha
        batch.requests["2101.00001:facts:1"] = entry
    answers = StateAnswers(batch, "2101.00001")
    if isinstance(outcome, str):
        response = answers.complete(_facts_request())
        assert (response.content, response.usage) == (outcome, Usage(7, 3, 1))
    else:
        with pytest.raises(outcome):
            answers.complete(_facts_request())
