"""Show a run's progress: a live per-section table on a terminal, plain lines otherwise."""

from __future__ import annotations

from typing import TextIO

from .chat.cost import Price, format_cost
from .pipeline.events import Event
from .status import Status

_SYMBOLS = {Status.ASKING: "…", Status.REJECTED: "↻", Status.FILLED: "✓", Status.FAILED: "✗", Status.KEEP: "=", Status.STRIP: "="}


def describe(event: Event, price: Price | None = None) -> str:
    """One plain line for an event; with a price, finished parts show what they cost."""
    if event.status is Status.ASKING:
        return f"{event.label}: asking (attempt {event.attempt})"
    if event.status in (Status.RETRYING, Status.NOTE):
        return f"{event.label}: {event.note}"
    if event.status is Status.REJECTED:
        rules = ", ".join(sorted({finding.rule for finding in event.findings}))
        return f"{event.label}: rejected ({rules}); asking again"
    if event.status is Status.FILLED and event.attempt == 0:
        return f"{event.label}: filled from the cache, no request"
    if event.status is Status.FAILED and any(finding.rule == "budget" for finding in event.findings):
        return f"{event.label}: not asked, the budget ran out; kept the archetype's text"
    if event.status in (Status.FILLED, Status.FAILED):
        tokens = f"{event.usage.prompt_tokens} in / {event.usage.completion_tokens} out"
        if event.usage.cached_tokens:
            tokens += f", {event.usage.cached_tokens} of them cached"
        if price is not None:
            tokens += f", {format_cost(price.cost(event.usage))}"
        verb = "filled" if event.status is Status.FILLED else "FAILED, kept the archetype's text"
        return f"{event.label}: {verb} after {event.attempt} attempt(s), {tokens}"
    return f"{event.label}: {'kept as is' if event.status is Status.KEEP else 'guidance comments removed'}"


class PlainProgress:
    """Writes a line per finished step (and per re-ask) to a stream that is not a terminal."""

    def __init__(self, stream: TextIO, price: Price | None = None) -> None:
        self.stream = stream
        self.price = price

    def __call__(self, event: Event) -> None:
        if event.status is not Status.ASKING:
            print(describe(event, self.price), file=self.stream, flush=True)

    def close(self) -> None:
        """Nothing to tear down."""


class LiveProgress:
    """A table with a row per part of the post, redrawn in place as answers arrive."""

    def __init__(self, stream: TextIO, price: Price | None = None) -> None:
        from rich.console import Console
        from rich.live import Live

        self.price = price
        self._rows: dict[str, Event] = {}
        self._live = Live(self._table(), console=Console(file=stream), refresh_per_second=8, transient=False)
        self._live.start()

    def _table(self):
        from rich.table import Table

        table = Table(box=None, show_header=True, header_style="bold")
        table.add_column("")
        table.add_column("part")
        table.add_column("state")
        table.add_column("attempt", justify="right")
        table.add_column("tokens in/cached/out", justify="right")
        table.add_column("cost", justify="right")
        for label, event in self._rows.items():
            usage = event.usage
            tokens = f"{usage.prompt_tokens}/{usage.cached_tokens}/{usage.completion_tokens}" if usage.prompt_tokens else ""
            cost = format_cost(self.price.cost(usage)) if self.price is not None and usage.prompt_tokens else ""
            table.add_row(_SYMBOLS.get(event.status, ""), label, event.status.value, str(event.attempt or ""), tokens, cost)
        return table

    def __call__(self, event: Event) -> None:
        self._rows[event.label] = event
        self._live.update(self._table())

    def close(self) -> None:
        """Stop redrawing, leaving the final table on screen."""
        self._live.stop()


def for_stream(stream: TextIO, price: Price | None = None) -> PlainProgress | LiveProgress:
    """Pick the live display on a terminal and plain lines elsewhere."""
    return LiveProgress(stream, price) if stream.isatty() else PlainProgress(stream, price)
