"""The chat protocol every client and wrapper speaks: a request, an answer, `complete` and `close`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

DEFAULT_ANSWER_TOKENS = 4096  # the answer tokens of a request that sets no max_tokens


@dataclass(frozen=True)
class Message:
    """One chat message."""

    role: str
    content: str


CHARS_PER_TOKEN = 4  # no tokenizer download: a rough, stable rule for English prose and code
MESSAGE_FRAMING_TOKENS = 4  # a chat message's role and delimiters


def text_tokens(text: str) -> int:
    """The tokens of a text without a tokenizer (4 characters a token)."""
    return len(text) // CHARS_PER_TOKEN


def estimate_tokens(messages: Iterable[Message]) -> int:
    """Input tokens without a tokenizer: 4 characters a token, plus 4 for each message's framing.

    The one estimate: `--dry-run` prints it and the budget reserves it, so the two never drift apart.
    """
    messages = list(messages)
    return text_tokens("".join(m.content for m in messages)) + MESSAGE_FRAMING_TOKENS * len(messages)


@dataclass(frozen=True)
class ChatRequest:
    """What drafter asks the model; `label`, `attempt` and `position` (the part's place in the post) are not sent."""

    model: str
    messages: tuple[Message, ...]
    label: str = ""
    attempt: int = 1
    position: int = 0
    temperature: float | None = 0.2
    max_tokens: int | None = DEFAULT_ANSWER_TOKENS
    cache_key: str | None = None
    json_schema: Mapping[str, Any] | None = None  # {"name", "strict", "schema"}: the answer's JSON shape, where taken

    def openai_extensions(self) -> dict[str, Any]:
        """The fields only OpenAI's API takes (prompt_cache_key, a JSON-schema response_format); not in payload()."""
        extensions: dict[str, Any] = {}
        if self.cache_key:
            extensions["prompt_cache_key"] = self.cache_key
        if self.json_schema:
            extensions["response_format"] = {"type": "json_schema", "json_schema": dict(self.json_schema)}
        return extensions

    def payload(self) -> dict[str, Any]:
        """Return the request as the Chat Completions API takes it (what cassettes match on)."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in self.messages],
        }
        if self.temperature is not None:
            body["temperature"] = self.temperature
        if self.max_tokens is not None:
            body["max_tokens"] = self.max_tokens
        return body


@dataclass(frozen=True)
class Usage:
    """Token counts of one or more exchanges."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.cached_tokens + other.cached_tokens,
        )

    @property
    def total(self) -> int:
        """Tokens in and out."""
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class ChatResponse:
    """The model's answer to one request."""

    content: str
    finish_reason: str = "stop"
    usage: Usage = field(default_factory=Usage)
    model: str = ""


class ChatClient(Protocol):
    """Anything that answers chat requests: the OpenAI client, a cassette player, a wrapper around either."""

    def complete(self, request: ChatRequest) -> ChatResponse:
        """Return the model's answer to `request`, or raise a DrafterError."""
        ...

    def close(self) -> None:
        """Release what the client holds (connections, a recording to save); called once, at the end of a run."""
        ...


class Wrapper:
    """A ChatClient around another: passes requests on, and closes the client it wraps (as httpx's transports)."""

    def __init__(self, inner: ChatClient) -> None:
        self.inner = inner

    def complete(self, request: ChatRequest) -> ChatResponse:
        """Answer through the wrapped client."""
        return self.inner.complete(request)

    def close(self) -> None:
        """Close the wrapped client."""
        self.inner.close()

    def __enter__(self) -> "Wrapper":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
