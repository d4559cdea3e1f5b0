"""The chat seam's lifecycle: every wrapper closes what it wraps, the recorder writes on close, the stack closes all."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from drafter.arxiv import parse_id
from drafter.chat.base import ChatRequest, ChatResponse, Message, Usage, Wrapper, estimate_tokens
from drafter.chat.budget import Budgeted
from drafter.chat.cassette import Player, Recorder, load
from drafter.chat.requestlog import RequestLog
from drafter.chat.stack import ChatStack
from drafter.errors import ConfigError
from drafter.settings import Settings

REPO = Path(__file__).resolve().parent.parent
CASSETTE = REPO / "cassettes" / "1706.03762.yaml"


class Answering:
    """The innermost client of these tests: answers every request with its label and counts closes."""

    def __init__(self) -> None:
        self.closed = 0

    def complete(self, request: ChatRequest) -> ChatResponse:
        return ChatResponse(content=f"answer to {request.label}", usage=Usage(10, 5))

    def close(self) -> None:
        self.closed += 1


def request(label: str = "Introduction") -> ChatRequest:
    return ChatRequest(model="m", messages=(Message("user", "x" * 40),), label=label)


@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda inner, tmp: Wrapper(inner), id="Wrapper"),
        pytest.param(lambda inner, tmp: Budgeted(inner, max_tokens=10_000), id="Budgeted"),
        pytest.param(lambda inner, tmp: RequestLog(inner, tmp / "run.jsonl"), id="RequestLog"),
        pytest.param(lambda inner, tmp: Recorder(inner, tmp / "run.yaml"), id="Recorder"),
    ],
)
def test_every_wrapper_closes_what_it_wraps(wrap, tmp_path):
    """close() reaches the innermost client exactly once, through any wrapper (no getattr for close)."""
    inner = Answering()
    with wrap(inner, tmp_path) as client:
        assert client.complete(request()).content == "answer to Introduction"
    assert inner.closed == 1


def test_recorder_writes_its_cassette_on_close(tmp_path):
    """Regression: the recording was a separate save() call that a caller could forget; close() writes it now."""
    path = tmp_path / "run.yaml"
    recorder = Recorder(Answering(), path)
    recorder.complete(request("facts"))
    assert not path.exists()  # nothing on disk before the run ends
    recorder.close()
    _, exchanges = load(path)
    assert [(e.label, e.response.content) for e in exchanges] == [("facts", "answer to facts")]


def test_request_log_flushes_each_line_and_closes_its_file(tmp_path):
    """Each request's line is readable while the run goes on; close() releases the file."""
    path = tmp_path / "run.jsonl"
    log = RequestLog(Answering(), path)
    log.complete(request("facts"))
    assert json.loads(path.read_text(encoding="utf-8"))["label"] == "facts"
    log.close()
    assert log._stream.closed


@pytest.mark.parametrize(
    ("messages", "tokens"),
    [
        ((), 0),
        ((Message("user", "abcd"),), 1 + 4),
        ((Message("system", "a" * 400), Message("user", "b" * 41)), 100 + 10 + 8),
    ],
)
def test_estimate_tokens(messages, tokens):
    """The one estimate, which --dry-run prints and the budget reserves."""
    assert estimate_tokens(messages) == tokens


def test_stack_replays_both_halves_of_a_cassette(tmp_path):
    """The arXiv response and the model's answers come through the stack: the caller never asks if it replays."""
    stack = ChatStack(Settings(), replay=CASSETTE)
    feed = stack.feed(parse_id("1706.03762"))
    assert "Attention Is All You Need" in feed.body
    assert stack.cassette == CASSETTE
    stack.close()


def test_stack_records_feed_and_exchanges_and_writes_on_close(tmp_path):
    """A recording stack around a replaying one: what comes through is written when the stack closes."""
    copy = tmp_path / "source.yaml"
    shutil.copy(CASSETTE, copy)
    target = tmp_path / "again.yaml"
    feed_recorded, exchanges = load(copy)
    with ChatStack(Settings(), replay=copy, record=target) as stack:
        stack.feed(parse_id("1706.03762"))
        first = exchanges[0]
        messages = tuple(Message(m["role"], m["content"]) for m in first.request["messages"])
        stack.complete(ChatRequest(model=first.request["model"], messages=messages, label=first.label,
                                   temperature=first.request.get("temperature"),
                                   max_tokens=first.request.get("max_tokens")))
    feed, again = load(target)
    assert feed is not None and feed.body == feed_recorded.body
    assert [e.request for e in again] == [first.request]


def test_stack_that_cannot_start_leaves_the_cassette_alone(tmp_path):
    """A --max-cost without a price fails before the run; it must not overwrite the cassette it was to record."""
    target = tmp_path / "keep.yaml"
    target.write_text("precious", encoding="utf-8")
    settings = Settings(model="unpriced-model", max_cost=1.0)
    with pytest.raises(ConfigError, match="no price for the model 'unpriced-model'"):
        ChatStack(settings, replay=CASSETTE, record=target)
    assert target.read_text(encoding="utf-8") == "precious"
