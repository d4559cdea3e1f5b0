"""The re-ask: ask, judge the answer, ask again with the findings, at most `max_attempts` requests in all.

A plain bounded loop. Transport faults (429, 5xx, timeouts) are retried below it, in chat.openai; a
budget that refuses a request ends the loop with the part not done, and the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from dataclasses import dataclass

from ..chat.base import ChatClient, ChatRequest, Message, Usage
from ..chat.budget import BUDGET
from ..chat.cache import ResponseCache
from ..errors import BudgetExceeded
from ..findings import Finding
from ..prompts import PromptBook
from ..status import Status
from .events import Emit, Event
from .messages import reask_messages

Judge = Callable[[str], list[Finding]]


class Aborted(Exception):
    """A request was not sent because the run is already failing; the real error is raised elsewhere."""


@dataclass
class Attempt:
    """An answer and what the validator found in it; `refusal` when the budget stopped the asking."""

    answer: str
    findings: list[Finding]
    refusal: BudgetExceeded | None = None


class Conversation:
    """The messages of one part's exchange; a rejected answer and its findings are appended before the next attempt."""

    def __init__(self, label: str, position: int, messages: list[Message], cache_key: str | None = None,
                 json_schema: Mapping[str, Any] | None = None) -> None:
        self.label = label
        self.json_schema = json_schema
        self.position = position
        self.messages = messages
        self.cache_key = cache_key
        self.attempts = 0
        self.usage = Usage()
        self.last: Attempt | None = None

    def request(self, model: str) -> ChatRequest:
        """The request for the next attempt."""
        return ChatRequest(model=model, messages=tuple(self.messages), label=self.label, attempt=self.attempts + 1,
                           position=self.position, cache_key=self.cache_key,
                           json_schema=self.json_schema)


def ask_until_valid(conversation: Conversation, judge: Judge, *, client: ChatClient, prompts: PromptBook, model: str,
                    max_attempts: int, cache: ResponseCache | None = None, emit: Emit = lambda event: None,
                    stopped: Callable[[], bool] = lambda: False) -> Attempt:
    """Ask, validate, and re-ask with the findings, at most `max_attempts` times; return the last attempt.

    A cached answer to the first request is used when it still passes validation: the first request
    names the answer in the cache, whichever attempt finally passed.
    """
    first_request = conversation.request(model).payload()
    if cache is not None and (cached := cache.get(first_request)) is not None:
        result = Attempt(cached, judge(cached))
        if not result.findings:
            conversation.last = result
            return result
    try:
        while True:
            request = conversation.request(model)
            emit(Event(conversation.label, Status.ASKING, request.attempt))
            if stopped():
                raise Aborted(conversation.label)
            response = client.complete(request)
            conversation.attempts += 1
            conversation.usage = conversation.usage + response.usage
            answer = normalise(response.content)
            result = Attempt(answer, judge(answer))
            conversation.last = result
            if not result.findings or conversation.attempts >= max_attempts:
                break
            emit(Event(conversation.label, Status.REJECTED, conversation.attempts, tuple(result.findings), response.usage))
            conversation.messages = conversation.messages + reask_messages(prompts, conversation.label, answer,
                                                                           result.findings)
    except BudgetExceeded as error:
        # Not asked (or not asked again): this part is not done, the rest of the run goes on.
        earlier = conversation.last
        result = Attempt(earlier.answer if earlier else "",
                         [*(earlier.findings if earlier else []), Finding(0, BUDGET, str(error))], error)
        conversation.last = result
    if not result.findings and cache is not None and not stopped():  # after Ctrl-C nothing more is stored
        cache.put(first_request, result.answer)
    return result


def normalise(answer: str) -> str:
    """An answer with Unix line endings, no blank lines around it, and one final newline."""
    return answer.replace("\r\n", "\n").strip("\n").rstrip() + "\n"
