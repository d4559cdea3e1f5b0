"""What a run's tokens cost: a built-in table of list prices, overridable per model in drafter.toml."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError
from .base import Usage


@dataclass(frozen=True)
class Price:
    """USD per 1M tokens: fresh input, input served from the provider's prefix cache, and output."""

    input: float
    cached_input: float
    output: float
    batch_discount: float = 1.0  # the share of the price a batch job pays (OpenAI's Batch API: half)

    def cost(self, usage: Usage) -> float:
        """The USD cost of `usage` at this price (cached tokens are part of the prompt tokens)."""
        cached = min(usage.cached_tokens, usage.prompt_tokens)
        fresh = usage.prompt_tokens - cached
        return (fresh * self.input + cached * self.cached_input + usage.completion_tokens * self.output) / 1_000_000

    def batch_cost(self, usage: Usage) -> float:
        """The USD cost of `usage` sent through a provider's batch interface."""
        return self.cost(usage) * self.batch_discount


# OpenAI's list prices in USD per 1M tokens (standard tier) as drafter's authors last read them.
# They change: check them against your provider's price page, and override any of them, or add
# your own model, in drafter.toml:  [prices."gpt-4.1-mini"]  input = 0.4  cached_input = 0.1  output = 1.6
LIST_PRICES: dict[str, Price] = {
    "gpt-4.1": Price(input=2.00, cached_input=0.50, output=8.00, batch_discount=0.5),
    "gpt-4.1-mini": Price(input=0.40, cached_input=0.10, output=1.60, batch_discount=0.5),
    "gpt-4.1-nano": Price(input=0.10, cached_input=0.025, output=0.40, batch_discount=0.5),
    "gpt-4o": Price(input=2.50, cached_input=1.25, output=10.00, batch_discount=0.5),
    "gpt-4o-mini": Price(input=0.15, cached_input=0.075, output=0.60, batch_discount=0.5),
    "gpt-5": Price(input=1.25, cached_input=0.125, output=10.00, batch_discount=0.5),
    "gpt-5-mini": Price(input=0.25, cached_input=0.025, output=2.00, batch_discount=0.5),
}

_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")  # gpt-4.1-mini-2025-04-14 is priced as gpt-4.1-mini


def price_for(model: str, overrides: Mapping[str, Price] | None = None) -> Price | None:
    """The price of `model`: drafter.toml's first, then the built-in table; None when unknown."""
    for table in (overrides or {}, LIST_PRICES):
        for name in (model, _SNAPSHOT.sub("", model)):
            if name in table:
                return table[name]
    return None


def format_cost(value: float | None) -> str:
    """`$0.0123`, with enough digits for runs that cost a fraction of a cent; `unknown` without a price."""
    if value is None:
        return "unknown"
    return f"${value:.4f}" if value < 1 else f"${value:.2f}"


def parse_prices(table: Any, where: str) -> dict[str, Price]:
    """Read drafter.toml's `[prices."model"]` tables: input and output required, cached_input defaulting to input."""
    if not isinstance(table, dict):
        raise ConfigError(where, 'prices must be tables like [prices."gpt-4.1-mini"] with input, cached_input and output')
    prices = {}
    for model, entry in table.items():
        if not isinstance(entry, dict):
            raise ConfigError(where, f'[prices."{model}"] must be a table with input, cached_input and output (USD per 1M tokens)')
        unknown = sorted(set(entry) - {"input", "cached_input", "output", "batch_discount"})
        if unknown:
            raise ConfigError(where, f'[prices."{model}"] has unknown key {unknown[0]!r}; use input, cached_input, output '
                                     'and batch_discount')
        missing = [key for key in ("input", "output") if key not in entry]
        if missing:
            raise ConfigError(where, f'[prices."{model}"] needs {missing[0]} (USD per 1M tokens)')
        values = {key: entry.get(key, entry["input"]) for key in ("input", "cached_input", "output")}
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(where, f'[prices."{model}"] {key} must be a number of USD per 1M tokens, got {value!r}')
        discount = entry.get("batch_discount", 1.0)
        if isinstance(discount, bool) or not isinstance(discount, (int, float)) or not 0 < discount <= 1:
            raise ConfigError(where, f'[prices."{model}"] batch_discount must be a share of the price above 0 and at most 1, '
                                     f'got {discount!r}')
        prices[str(model)] = Price(float(values["input"]), float(values["cached_input"]), float(values["output"]),
                                   float(discount))
    return prices
