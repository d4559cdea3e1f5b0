"""Cassettes (drafter/chat/cassette.py) as units: what a file round-trips, each way a file is refused, and
how a replay miss is described.

Written against the mutants that survived the suite (tools/mutation.py): the messages are asserted whole."""

from __future__ import annotations

import pytest

from drafter.arxiv import FeedResponse
from drafter.arxiv.ids import parse_id
from drafter.chat.base import ChatRequest, ChatResponse, Message, Usage
from drafter.chat.cassette import Exchange, Player, describe_difference, dump, load, recorded_model
from drafter.errors import CassetteError, ReplayMiss

FEED = FeedResponse(url="http://127.0.0.1:9/api/query?id_list=1706.03762&max_results=1", status=200, body="<feed/>\n")


def request(text: str = "Write it.\nIn two lines.", label: str = "## Intro", model: str = "m") -> ChatRequest:
    return ChatRequest(model=model, messages=(Message("system", "You write."), Message("user", text)), label=label)


def exchange(req: ChatRequest, content: str, attempt: int = 1, position: int = 0, **response) -> Exchange:
    return Exchange(req.label, attempt, position, req.payload(), ChatResponse(content, model=req.model, **response))


def test_a_cassette_round_trips_in_post_order(tmp_path):
    late = exchange(request(label="## End"), "end\n", position=2)
    retry = exchange(request(), "second\n", attempt=2, position=1, finish_reason="stop", usage=Usage(10, 5, 3))
    first = exchange(request(), "first", attempt=1, position=1, finish_reason="stop", usage=Usage(7, 2, 0))
    path = tmp_path / "run.yaml"
    path.write_text(dump(FEED, [late, retry, first]), encoding="utf-8")
    feed, exchanges = load(path)
    assert feed == FeedResponse(url="cassette:?id_list=1706.03762", status=200, body="<feed/>\n")
    assert exchanges == [first, retry, late]
    assert recorded_model(path) == "m"
    assert "content: |" in path.read_text(encoding="utf-8")  # multi-line text as block scalars


@pytest.mark.parametrize("text, problem", [
    (None, "no such file; record one with --record"),
    ("drafter_cassette: [1\n", "is not YAML ("),
    ("- a list\n", "is not a drafter cassette (no drafter_cassette: version)"),
    ("drafter_cassette: 2\n", "is of format 2; this drafter reads format 1: record it again"),
    ("exchanges: []\n", "is not a drafter cassette (no drafter_cassette: version)"),
    ("drafter_cassette: 1\n", "has no list of exchanges"),
    ("drafter_cassette: 1\nexchanges:\n- request: {model: m}\n", "exchange 1 has no request with a model and messages"),
    # Regression (issue 10): missing fields used to take defaults, so a cut answer replayed as a short one.
    ("drafter_cassette: 1\nexchanges:\n- request: {model: m2, messages: []}\n  response: {content: hi}\n",
     "exchange 1 has no finish_reason; the file is cut short"),
    ("drafter_cassette: 1\nexchanges:\n- {label: x, request: {model: m, messages: []}, response: {content: null}}\n",
     "exchange 1 (x) has no answer text (content is None)"),
    ("drafter_cassette: 1\nexchanges:\n- {request: {model: m, messages: []}, attempt: two, response: {content: x, "
     "finish_reason: stop, usage: {prompt_tokens: 1, completion_tokens: 1, cached_tokens: 0}}}\n",
     "exchange 1 has no attempt (a whole number)"),
    ("drafter_cassette: 1\nexchange_count: 2\nexchanges: []\n", "holds 0 of its 2 exchanges: the file is cut short"),
])
def test_a_file_that_is_no_cassette_is_refused(tmp_path, text, problem):
    path = tmp_path / "run.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(CassetteError) as error:
        load(path)
    assert str(error.value).startswith(f"cassette {path}: {problem}")
    assert recorded_model(path) is None


def test_the_player_checks_the_paper_and_answers_repeats_in_order(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(dump(FEED, [exchange(request(), "one", 1), exchange(request(), "two", 2)]), encoding="utf-8")
    player = Player(path)
    assert player.feed_for(parse_id("1706.03762v7")).body == "<feed/>\n"
    assert player.feed_for(parse_id("1706.03762")).status == 200
    with pytest.raises(CassetteError) as error:
        player.feed_for(parse_id("2106.09685"))
    assert str(error.value) == (f"cassette {path}: was recorded for 1706.03762, not 2106.09685; it was recorded by "
                                f"drafter regen: replay it with drafter regen DRAFT SECTION --replay {path}")  # no facts asked
    assert [player.complete(request()).content for _ in range(2)] == ["one", "two"]
    with pytest.raises(ReplayMiss) as miss:
        player.complete(request())
    assert str(miss.value) == (f"cassette {path}: no recorded answer for ## Intro (the request matches, but its recorded "
                               "answers were already used); re-record with --record, or replay with the same options "
                               "the cassette was recorded with")


def test_a_cassette_without_the_paper_or_exchanges(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(dump(None, []), encoding="utf-8")
    player = Player(path)
    with pytest.raises(CassetteError) as error:
        player.feed_for(parse_id("1706.03762"))
    assert str(error.value) == f"cassette {path}: holds no arXiv response; record it with drafter new --record"
    assert player.describe_miss(request()) == "the cassette holds no exchanges"
    assert recorded_model(path) is None


def test_a_miss_names_the_closest_recorded_request(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(dump(FEED, [exchange(request(label="## Intro"), "a"), exchange(request("Other.", label="## Method"), "b")]),
                    encoding="utf-8")
    player = Player(path)
    assert player.describe_miss(request(label="## Results")) == "the cassette has no exchange for '## Results'; closest is '## Intro'"
    assert player.describe_miss(request("Write it.\nIn three lines.")) == (
        "message 2 (user) line 2 is 'In three lines.', recorded 'In two lines.'")


def body(*messages, **fields):
    return {"model": "m", "temperature": 0.2, "max_tokens": 10, **fields,
            "messages": [{"role": role, "content": content} for role, content in messages]}


@pytest.mark.parametrize("recorded, sent, difference", [
    (body(), body(model="n"), "model is 'n', recorded 'm'"),
    (body(), body(temperature=0.5), "temperature is 0.5, recorded 0.2"),
    (body(), body(max_tokens=20), "max_tokens is 20, recorded 10"),
    (body(("user", "a")), body(("user", "a"), ("user", "b")), "2 messages sent, 1 recorded"),
    ({"model": "m", "temperature": 0.2, "max_tokens": 10}, body(("user", "a")), "1 messages sent, 0 recorded"),
    (body(("system", "a")), body(("user", "a")), "message 1 has role 'user', recorded 'system'"),
    (body(("user", "x"), ("user", "a\nb")), body(("user", "x"), ("user", "a\nc")), "message 2 (user) line 2 is 'c', recorded 'b'"),
    (body(("user", "a\nb")), body(("user", "a")), "message 1 (user) has 1 lines, recorded 2"),
    (body(("user", "a")), body(("user", "a")), "the request matches, but its recorded answers were already used"),
])
def test_describe_difference(recorded, sent, difference):
    assert describe_difference(recorded, sent) == difference


class Echo:
    """A ChatClient answering every request with its last message."""

    closed = False

    def complete(self, request):
        return ChatResponse(request.messages[-1].content, usage=Usage(1, 1))

    def close(self):
        self.closed = True


def test_the_recorder_writes_what_it_saw_on_close(tmp_path):
    from drafter.chat.cassette import Recorder

    inner = Echo()
    recorder = Recorder(inner, tmp_path / "new" / "run.yaml")
    recorder.feed = FEED
    assert recorder.complete(request()).content == "Write it.\nIn two lines."
    recorder.close()
    assert inner.closed
    feed, exchanges = load(tmp_path / "new" / "run.yaml")
    assert feed.status == 200 and [e.response.content for e in exchanges] == ["Write it.\nIn two lines."]


def test_a_cassette_that_cannot_be_written_is_named_and_the_client_still_closed(tmp_path):
    from drafter.chat.cassette import Recorder

    (tmp_path / "file").write_text("", encoding="utf-8")
    inner = Echo()
    recorder = Recorder(inner, tmp_path / "file" / "run.yaml")
    with pytest.raises(CassetteError) as error:
        recorder.close()
    assert str(error.value) == f"cassette {tmp_path / 'file' / 'run.yaml'}: cannot be written (File exists)"  # its folder is a file
    assert inner.closed
