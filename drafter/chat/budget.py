"""Budgets: a ChatClient wrapper that refuses a request that could take the run past --max-tokens or --max-cost.

A request is counted before it is sent at its input (`estimate_tokens`, the estimate `--dry-run`
prints) plus its whole `max_tokens` for the answer: the worst case, so a run never
passes its budget on answers it did not expect. When the answer arrives, the usage the server
reports replaces the estimate. A request that does not fit while others are in flight waits for
them (their unused reservations come back); one that does not fit even then is refused with
BudgetExceeded, which the pipeline records as that part "not done" and the run goes on.
"""

from __future__ import annotations

import threading

from ..errors import BudgetExceeded
from .base import DEFAULT_ANSWER_TOKENS, ChatClient, ChatRequest, ChatResponse, Usage, Wrapper, estimate_tokens, text_tokens
from .cost import Price, format_cost

BUDGET = "budget"  # the finding rule of a part that was not asked because the budget ran out


class Budgeted(Wrapper):
    """A ChatClient that stops a run before a request could exceed `max_tokens` (in + out) or `max_cost` (USD)."""

    def __init__(self, inner: ChatClient, *, max_tokens: int | None = None, max_cost: float | None = None,
                 price: Price | None = None) -> None:
        if max_cost is not None and price is None:
            raise ValueError("a cost budget needs a price")
        super().__init__(inner)
        self.max_tokens = max_tokens
        self.max_cost = max_cost
        self.price = price
        self.spent = Usage()
        self._reserved_tokens = 0
        self._reserved_cost = 0.0
        self._in_flight = 0
        self._changed = threading.Condition()

    @property
    def spent_cost(self) -> float:
        """USD spent so far (0 without a price)."""
        return self.price.cost(self.spent) if self.price is not None else 0.0

    @property
    def spent_tokens(self) -> int:
        """Tokens in and out so far."""
        return self.spent.prompt_tokens + self.spent.completion_tokens

    def _worst_case(self, request: ChatRequest) -> Usage:
        answer = request.max_tokens if request.max_tokens is not None else DEFAULT_ANSWER_TOKENS
        return Usage(prompt_tokens=estimate_tokens(request.messages), completion_tokens=answer)

    def _refusal(self, need: Usage) -> BudgetExceeded | None:
        """Why `need` cannot be afforded on top of what is spent and reserved, or None."""
        tokens = need.prompt_tokens + need.completion_tokens
        if self.max_tokens is not None and self.spent_tokens + self._reserved_tokens + tokens > self.max_tokens:
            return BudgetExceeded("--max-tokens", f"{self.max_tokens} tokens", f"{self.spent_tokens}", f"{tokens}")
        if self.max_cost is not None and self.price is not None:
            cost = self.price.cost(need)
            if self.spent_cost + self._reserved_cost + cost > self.max_cost:
                return BudgetExceeded("--max-cost", format_cost(self.max_cost), format_cost(self.spent_cost),
                                      format_cost(cost))
        return None

    def complete(self, request: ChatRequest) -> ChatResponse:
        """Send `request` if the budget allows even its worst case; else raise BudgetExceeded."""
        need = self._worst_case(request)
        tokens = need.prompt_tokens + need.completion_tokens
        cost = self.price.cost(need) if self.price is not None else 0.0
        with self._changed:
            while (refusal := self._refusal(need)) is not None:
                if self._in_flight == 0:
                    raise refusal
                self._changed.wait()  # what is in flight may come back cheaper than reserved
            self._reserved_tokens += tokens
            self._reserved_cost += cost
            self._in_flight += 1
        usage = None
        try:
            response = self.inner.complete(request)
            usage = response.usage
            if not usage.prompt_tokens and not usage.completion_tokens:  # a server that reports no usage
                usage = Usage(need.prompt_tokens, max(1, text_tokens(response.content)))
            return response
        finally:
            with self._changed:
                self._reserved_tokens -= tokens
                self._reserved_cost -= cost
                self._in_flight -= 1
                if usage is not None:
                    self.spent = self.spent + usage
                self._changed.notify_all()
