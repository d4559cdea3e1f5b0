"""Cassettes: a run's arXiv response and model exchanges in readable YAML, recorded at drafter's client seam and replayed offline."""

from __future__ import annotations

import difflib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..arxiv import ArxivId, FeedResponse
from ..errors import CassetteError, ReplayMiss
from ..files import unreadable, write_atomic
from .base import ChatClient, ChatRequest, ChatResponse, Usage, Wrapper

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Exchange:
    """One request and the answer it got."""

    label: str
    attempt: int
    position: int
    request: dict[str, Any]
    response: ChatResponse


def _id_list(url: str) -> str:
    from urllib.parse import parse_qs, urlparse

    return parse_qs(urlparse(url).query).get("id_list", [""])[0]


def _key(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False)


# -- YAML with block scalars -----------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(feed: FeedResponse | None, exchanges: list[Exchange], paper_text: dict[str, Any] | None = None) -> str:
    """Return the cassette text for a run, in the order of the post's parts, so re-recording is stable.

    `paper_text` is the paper's full text as drafter extracted it (`Fetched.to_record()`: source, URL, the
    sha256 of the raw download and the sections as block scalars), so a replay never fetches it.
    """
    ordered = sorted(exchanges, key=lambda e: (e.position, e.attempt))
    document: dict[str, Any] = {"drafter_cassette": FORMAT_VERSION}
    if feed is not None:
        # The ID, not the URL: a mirror or a test server's port must not change the recording.
        document["arxiv"] = {"id": _id_list(feed.url), "status": feed.status, "body": feed.body}
    if paper_text is not None:
        document["paper_text"] = paper_text
    # A message every request repeats (the system message, the paper's text) is written once, as a YAML anchor
    # (&id001) that later requests refer to (*id001): the full text would otherwise be copied into each exchange.
    shared: dict[str, dict[str, Any]] = {}

    def once(request: dict[str, Any]) -> dict[str, Any]:
        messages = [shared.setdefault(_key(m), m) if isinstance(m, dict) else m for m in request.get("messages", [])]
        return {**request, "messages": messages} if "messages" in request else request

    document["exchange_count"] = len(ordered)  # a file cut between two exchanges is refused when loaded
    document["exchanges"] = [
        {
            "label": e.label,
            "attempt": e.attempt,
            "position": e.position,
            "request": once(e.request),
            "response": {
                "content": e.response.content,
                "finish_reason": e.response.finish_reason,
                "usage": {
                    "prompt_tokens": e.response.usage.prompt_tokens,
                    "completion_tokens": e.response.usage.completion_tokens,
                    "cached_tokens": e.response.usage.cached_tokens,
                },
            },
        }
        for e in ordered
    ]
    header = (
        "# drafter cassette: the arXiv response and every model exchange of one run, in post order.\n"
        "# Replay it with `drafter new <id> --replay <this file>`. It never holds an API key.\n"
    )
    return header + yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def load(path: Path) -> tuple[FeedResponse | None, list[Exchange]]:
    """Read a cassette file."""
    return _parse(_read(path), path)


def _read(path: Path) -> dict[str, Any]:
    """The cassette's YAML document, checked to be a drafter cassette of this format."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CassetteError(str(path), "no such file; record one with --record") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CassetteError(str(path), f"cannot be read: {unreadable(error)}") from None
    except yaml.YAMLError as error:
        raise CassetteError(str(path), f"is not YAML ({' '.join(str(error).split())[:120]}); record it again with --record") from None
    if not isinstance(data, dict) or "drafter_cassette" not in data:
        raise CassetteError(str(path), "is not a drafter cassette (no drafter_cassette: version); record one with --record")
    if data["drafter_cassette"] != FORMAT_VERSION:
        raise CassetteError(str(path), f"is of format {data['drafter_cassette']!r}; this drafter reads format "
                                       f"{FORMAT_VERSION}: record it again")
    return data


def _parse(data: dict[str, Any], path: Path) -> tuple[FeedResponse | None, list[Exchange]]:
    """The arXiv response and the exchanges of a cassette's document, each checked."""
    where = str(path)
    feed = _feed(data.get("arxiv"), where) if "arxiv" in data else None
    items = data.get("exchanges")
    if not isinstance(items, list):
        raise CassetteError(where, "has no list of exchanges; the file is cut short or not a cassette: record it again")
    exchanges = [_exchange(item, number, where) for number, item in enumerate(items, start=1)]
    expected = data.get("exchange_count")
    if expected is not None and expected != len(exchanges):
        raise CassetteError(where, f"holds {len(exchanges)} of its {expected} exchanges: the file is cut short; "
                                   "record it again with --record")
    return feed, exchanges


def _feed(arxiv: Any, where: str) -> FeedResponse:
    """The recorded arXiv response, checked: an ID, an HTTP status and the body."""
    if not isinstance(arxiv, dict) or not isinstance(arxiv.get("id"), str) or not isinstance(arxiv.get("body"), str) \
            or not isinstance(arxiv.get("status"), int) or isinstance(arxiv.get("status"), bool):
        raise CassetteError(where, "its arxiv: response needs an id, a status and a body; record it again")
    return FeedResponse(url=f"cassette:?id_list={arxiv['id']}", status=arxiv["status"], body=arxiv["body"])


def _exchange(item: Any, number: int, where: str) -> Exchange:
    """One recorded exchange, every field checked, so a cut or edited cassette is refused before the run."""
    label = item.get("label") if isinstance(item, dict) else None
    name = f"exchange {number}" + (f" ({label})" if isinstance(label, str) and label else "")

    def broken(problem: str) -> CassetteError:
        return CassetteError(where, f"{name} {problem}; the file is cut short or was edited: record it again")

    if not isinstance(item, dict):
        raise broken("is not a mapping")
    request, answer = item.get("request"), item.get("response")
    if not isinstance(request, dict) or not isinstance(request.get("messages"), list) or not isinstance(request.get("model"), str):
        raise broken("has no request with a model and messages")
    if not isinstance(answer, dict):
        raise broken("has no response")
    content = answer.get("content")
    if not isinstance(content, str):
        raise broken(f"has no answer text (content is {content!r})")
    finish = answer.get("finish_reason")
    if finish != "stop":
        raise broken("has no finish_reason" if finish is None else
                     f"has finish_reason {finish!r}: the answer is not complete")
    usage = answer.get("usage")
    counts = {}
    for key in ("prompt_tokens", "completion_tokens", "cached_tokens"):
        value = usage.get(key) if isinstance(usage, dict) else None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise broken(f"has no usage {key} (a whole number)")
        counts[key] = value
    for key in ("attempt", "position"):
        if not isinstance(item.get(key), int) or isinstance(item.get(key), bool):
            raise broken(f"has no {key} (a whole number)")
    return Exchange(
        label=label if isinstance(label, str) else "",
        attempt=item["attempt"],
        position=item["position"],
        request=request,
        response=ChatResponse(content=content, finish_reason=finish,
                              usage=Usage(counts["prompt_tokens"], counts["completion_tokens"], counts["cached_tokens"]),
                              model=request["model"]),
    )


def recorded_model(path: Path) -> str | None:
    """The model a cassette was recorded with (None if it holds no exchange or cannot be read)."""
    return recorded_settings(path).get("model")


def recorded_settings(path: Path) -> dict[str, str]:
    """The settings a replay must take from the cassette to send what was recorded: its model and `source`
    (a cassette holds the paper's text when the run showed it to the model). Empty if it cannot be read."""
    try:
        data = _read(path)
        _, exchanges = _parse(data, path)
    except CassetteError:
        return {}
    found = {"source": "full" if data.get("paper_text") is not None else "abstract"}
    if exchanges and exchanges[0].request.get("model"):
        found["model"] = exchanges[0].request["model"]
    return found


def made_by(exchanges: list[Exchange]) -> str:
    """The command that recorded these exchanges: `new` asks for the facts first; `regen` never does."""
    return "new" if any(exchange.label == "facts" for exchange in exchanges) or not exchanges else "regen"


# -- the two clients -------------------------------------------------------------------------

class Recorder(Wrapper):
    """A ChatClient that passes requests to another and keeps every exchange; `close()` writes the cassette."""

    def __init__(self, inner: ChatClient, path: Path) -> None:
        super().__init__(inner)
        self.path = path
        self.feed: FeedResponse | None = None
        self.paper_text: dict[str, Any] | None = None  # the full text's record, when the run had one
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()

    def complete(self, request: ChatRequest) -> ChatResponse:
        """Answer through the inner client and record the exchange."""
        response = self.inner.complete(request)
        with self._lock:
            self.exchanges.append(Exchange(request.label, request.attempt, request.position, request.payload(), response))
        return response

    def close(self) -> None:
        """Write what was recorded (a failed run's exchanges too), then close the wrapped client."""
        try:
            write_atomic(self.path, dump(self.feed, self.exchanges, self.paper_text))
        except OSError as error:
            raise CassetteError(str(self.path), f"cannot be written ({error.strerror})") from None
        finally:
            self.inner.close()


class Player:
    """A ChatClient that answers from a cassette and never touches the network."""

    def __init__(self, path: Path) -> None:
        self.path = path
        data = _read(path)
        self.feed, self.exchanges = _parse(data, path)
        self.paper_text: dict[str, Any] | None = data.get("paper_text")  # None: recorded before full text
        self._queues: dict[str, list[Exchange]] = {}
        for exchange in self.exchanges:
            self._queues.setdefault(_key(exchange.request), []).append(exchange)
        self._lock = threading.Lock()

    def feed_for(self, arxiv_id: ArxivId) -> FeedResponse:
        """Return the recorded arXiv response, checking it is for the paper asked for."""
        if self.feed is None:
            raise CassetteError(str(self.path), "holds no arXiv response; record it with drafter new --record")
        recorded = _id_list(self.feed.url)
        if recorded not in (str(arxiv_id), arxiv_id.base):
            hint = (f"; it was recorded by drafter regen: replay it with drafter regen DRAFT SECTION --replay {self.path}"
                    if made_by(self.exchanges) == "regen" else f"; replay it with the ID {recorded}")
            raise CassetteError(str(self.path), f"was recorded for {recorded}, not {arxiv_id}{hint}")
        return self.feed

    def check_made_by(self, command: str) -> None:
        """Refuse, before any request, a cassette another command recorded (its requests would never match)."""
        if made_by(self.exchanges) != command:
            raise CassetteError(str(self.path), f"was recorded by drafter {made_by(self.exchanges)}, not drafter "
                                                f"{command}; replay it with drafter {made_by(self.exchanges)}")

    def complete(self, request: ChatRequest) -> ChatResponse:
        """Return the recorded answer to this exact request, in recorded order for repeats."""
        payload = request.payload()
        with self._lock:
            queue = self._queues.get(_key(payload))
            if queue:
                return queue.pop(0).response
        raise ReplayMiss(str(self.path), request.label or "a request", self.describe_miss(request))

    def close(self) -> None:
        """Nothing to release: the cassette was read whole when the player was made."""

    def describe_miss(self, request: ChatRequest) -> str:
        """Say how a request differs from the closest recorded one."""
        if not self.exchanges:
            return "the cassette holds no exchanges"
        payload = request.payload()
        same_label = [e for e in self.exchanges if e.label == request.label]
        candidates = same_label or self.exchanges
        sent = _key(payload)
        closest = max(candidates, key=lambda e: difflib.SequenceMatcher(None, _key(e.request), sent, autojunk=False).quick_ratio())
        if not same_label:
            return f"the cassette has no exchange for {request.label!r}; closest is {closest.label!r}"
        return describe_difference(closest.request, payload)


def describe_difference(recorded: dict[str, Any], sent: dict[str, Any]) -> str:
    """Say in one line where a sent request first differs from a recorded one."""
    for field_name in ("model", "temperature", "max_tokens"):
        if recorded.get(field_name) != sent.get(field_name):
            return f"{field_name} is {sent.get(field_name)!r}, recorded {recorded.get(field_name)!r}"
    old, new = recorded.get("messages", []), sent.get("messages", [])
    if len(old) != len(new):
        return f"{len(new)} messages sent, {len(old)} recorded"
    for number, (a, b) in enumerate(zip(old, new), start=1):
        if a == b:
            continue
        if a.get("role") != b.get("role"):
            return f"message {number} has role {b.get('role')!r}, recorded {a.get('role')!r}"
        old_lines, new_lines = a.get("content", "").splitlines(), b.get("content", "").splitlines()
        for line_number, (x, y) in enumerate(zip(old_lines, new_lines), start=1):
            if x != y:
                return f"message {number} ({b.get('role')}) line {line_number} is {y[:60]!r}, recorded {x[:60]!r}"
        return f"message {number} ({b.get('role')}) has {len(new_lines)} lines, recorded {len(old_lines)}"
    return "the request matches, but its recorded answers were already used"
