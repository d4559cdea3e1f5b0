"""Show a run's progress: a live per-section table on a terminal, plain lines otherwise."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from .chat.cost import Price, format_cost
from .pipeline.events import FETCH, Event
from .status import Status

_SYMBOLS = {Status.FILL: "·", Status.RETRYING: "↻", Status.ASKING: "…", Status.REJECTED: "↻", Status.FILLED: "✓", Status.FAILED: "✗", Status.KEEP: "=", Status.STRIP: "="}


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
        # The listing of parts to come and the arXiv row are for the live table only: plain lines stay as they were.
        if event.status not in (Status.ASKING, Status.FILL) and event.step != FETCH:
            print(describe(event, self.price), file=self.stream, flush=True)

    def close(self) -> None:
        """Nothing to tear down."""


@dataclass
class Row:
    """One part of the run as the table shows it: its last event and when it started, ended, or retries."""

    event: Event
    started: float | None = None  # the clock at its first request (None: never asked, e.g. cached)
    ended: float | None = None
    retry_at: float | None = None  # the clock at its next attempt, while waiting after a transport fault


@dataclass
class RunState:
    """What the live table shows: a row per part in the order first told (the post's order), and the run's clock."""

    started: float
    rows: dict[str, Row] = field(default_factory=dict)
    ended: float | None = None

    def apply(self, event: Event, at: float) -> None:
        """Take one event that arrived at clock time `at`."""
        row = self.rows.get(event.label)
        if row is None:
            row = self.rows[event.label] = Row(event)
        row.event = event
        if event.status is Status.ASKING and row.started is None:
            row.started = at
        row.retry_at = at + event.wait if event.status is Status.RETRYING else None
        if event.status in _DONE:
            row.ended = at

    def finish(self, at: float) -> None:
        """Stop the run's clock (and the clocks of rows still running)."""
        self.ended = at
        for row in self.rows.values():
            if row.started is not None and row.ended is None:
                row.ended = at


_DONE = (Status.FILLED, Status.FAILED, Status.KEEP, Status.STRIP)


def clock_text(seconds: float) -> str:
    """Elapsed time as a person reads it: 4.2 s, 1:05."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def state_text(row: Row, now: float) -> str:
    """A row's state: waiting, asking, cached, the retry's reason and countdown, ..."""
    event = row.event
    if event.status is Status.FILL:
        return "waiting"
    if event.status is Status.NOTE:
        return event.note
    if event.status is Status.RETRYING:
        left = max(0.0, (row.retry_at or now) - now)
        reason = event.reason or "transport fault"
        return f"retry in {left:.0f} s: {reason}" if left >= 0.5 else f"retrying now: {reason}"
    if event.status is Status.REJECTED:
        return f"rejected ({', '.join(sorted({finding.rule for finding in event.findings}))})"
    if event.status is Status.FILLED:
        if event.step == FETCH:
            return "fetched"
        return "cached" if event.attempt == 0 else "filled"
    return event.status.value


def cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, cut with an ellipsis."""
    return text if len(text) <= width else text[:max(0, width - 1)] + "…"


_HEADERS = ("", "part", "state", "try", "time", "in/cached/out", "cost")


def render(state: RunState, now: float, width: int = 100, price: Price | None = None):
    """The table for the run at clock time `now`, `width` columns wide at most: a pure function of the state."""
    from rich.table import Table

    lines = []
    for label, row in state.rows.items():
        event, usage = row.event, row.event.usage
        elapsed = ""
        if row.started is not None:
            elapsed = clock_text((row.ended if row.ended is not None else now) - row.started)
        tokens = f"{usage.prompt_tokens}/{usage.cached_tokens}/{usage.completion_tokens}" if usage.prompt_tokens else ""
        cells = [_SYMBOLS.get(event.status, ""), label, state_text(row, now),
                 str(event.attempt or ""), elapsed, tokens]
        if price is not None:
            cells.append(format_cost(price.cost(usage)) if usage.prompt_tokens else "")
        lines.append(cells)
    headers = _HEADERS if price is not None else _HEADERS[:-1]
    widths = [max([len(header)] + [len(cells[i]) for cells in lines]) for i, header in enumerate(headers)]
    # Each column is padded by one space either side. The heading and the state share what the others leave;
    # the state (a retry's countdown first, then its reason) keeps at least 20 columns.
    available = width - sum(widths) + widths[1] + widths[2] - 2 * len(headers)
    state_room = min(widths[2], max(20, available - widths[1]))
    room = max(8, available - state_room)
    clock = (state.ended if state.ended is not None else now) - state.started
    table = Table(box=None, show_header=True, header_style="bold", title=f"drafter · {clock_text(clock)}",
                  title_justify="left")
    for header in headers:
        table.add_column(header, justify="right" if header in ("try", "time", "in/cached/out", "cost") else "left",
                         no_wrap=True)
    for cells in lines:
        cells[1], cells[2] = cut(cells[1], room), cut(cells[2], state_room)
        table.add_row(*cells)
    return table


class LiveProgress:
    """A table with a row per part of the post, redrawn in place (with its clocks) as the run goes on."""

    def __init__(self, stream: TextIO, price: Price | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        from rich.console import Console
        from rich.live import Live

        self.price = price
        self._clock = clock
        self._lock = threading.Lock()  # events come from the pipeline's workers; the redraw from rich's thread
        self.state = RunState(clock())
        self._console = Console(file=stream)
        self._live = Live(console=self._console, refresh_per_second=4, transient=False,
                          get_renderable=self._table)
        self._live.start()

    def _table(self):
        with self._lock:
            return render(self.state, self._clock(), self._console.width, self.price)

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.state.apply(event, self._clock())
        self._live.refresh()

    def close(self) -> None:
        """Stop the clocks and the redrawing, leaving the final table on screen."""
        with self._lock:
            self.state.finish(self._clock())
        self._live.refresh()
        self._live.stop()


def for_stream(stream: TextIO, price: Price | None = None) -> PlainProgress | LiveProgress:
    """Pick the live display on a terminal and plain lines elsewhere."""
    return LiveProgress(stream, price) if stream.isatty() else PlainProgress(stream, price)
