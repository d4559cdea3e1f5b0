"""The live progress table as a pure function of the run's events: order, marks, clocks and widths (issue 10 item 12)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from drafter.chat.base import Usage
from drafter.findings import Finding
from drafter.pipeline.events import FETCH, Event
from drafter.progress import LiveProgress, PlainProgress, RunState, clock_text, cut, render, state_text
from drafter.status import Status


def screen(state: RunState, now: float, width: int = 100) -> list[str]:
    """The table as a terminal `width` columns wide would show it."""
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(render(state, now, width))
    return [line.rstrip() for line in console.file.getvalue().splitlines()]


def run(events: list[tuple[float, Event]]) -> RunState:
    state = RunState(0.0)
    for at, event in events:
        state.apply(event, at)
    return state


LISTED = [(0.0, Event("arXiv 1706.03762", Status.ASKING, 1, step=FETCH)),
          (0.5, Event("arXiv 1706.03762", Status.FILLED, 1, step=FETCH)),
          (1.0, Event("Introduction", Status.FILL)), (1.0, Event("Architecture", Status.FILL)),
          (1.0, Event("Conclusion", Status.FILL))]


@pytest.mark.parametrize("answers, order", [
    ([], ["arXiv 1706.03762", "Introduction", "Architecture", "Conclusion"]),
    ([Event("Conclusion", Status.ASKING, 1), Event("Conclusion", Status.FILLED, 1),
      Event("Introduction", Status.ASKING, 1)], ["arXiv 1706.03762", "Introduction", "Architecture", "Conclusion"]),
])
def test_rows_keep_the_posts_order_whatever_order_answers_come_in(answers, order):
    """Regression: rows were added as answers arrived, so the table showed completion order."""
    state = run(LISTED + [(2.0, event) for event in answers])
    body = "\n".join(screen(state, 3.0))
    assert [label for label in order if label in body] == order
    assert sorted(order, key=body.index) == order


@pytest.mark.parametrize("event, now, shown", [
    (Event("Intro", Status.FILL), 1.0, "waiting"),
    (Event("Intro", Status.ASKING, 1), 1.0, "asking"),
    (Event("Intro", Status.FILLED, 0), 1.0, "cached"),  # attempt 0: served from the answer cache, no request
    (Event("Intro", Status.FILLED, 2), 1.0, "filled"),
    (Event("arXiv 1706.03762", Status.FILLED, 1, step=FETCH), 1.0, "fetched"),
    (Event("Intro", Status.RETRYING, 1, reason="HTTP 429", wait=7.0), 1.0, "retry in 7 s: HTTP 429"),
    (Event("Intro", Status.RETRYING, 1, reason="HTTP 429", wait=7.0), 5.0, "retry in 3 s: HTTP 429"),
    (Event("Intro", Status.RETRYING, 1, reason="timed out", wait=7.0), 9.0, "retrying now: timed out"),
])
def test_state_text_says_cached_and_counts_down_a_retry(event, now, shown):
    """Regression: a terminal showed only "retrying", with neither the reason nor the wait."""
    state = run([(1.0, event)])
    assert state_text(state.rows[event.label], now) == shown


@pytest.mark.parametrize("events, now, row_time, clock", [
    ([(1.0, Event("Intro", Status.ASKING, 1))], 3.5, "2.5 s", "drafter · 3.5 s"),
    ([(1.0, Event("Intro", Status.ASKING, 1)), (2.0, Event("Intro", Status.FILLED, 1))], 70.0, "1.0 s", "drafter · 1:10"),
])
def test_each_row_and_the_run_have_a_clock(events, now, row_time, clock):
    lines = screen(run(events), now)
    assert lines[0] == clock
    assert any("Intro" in line and line.endswith(row_time) for line in lines)


HEADING = "Why attention is all you need, and what it means for every sequence model that came after"


@pytest.mark.parametrize("width", [60, 80, 100])
def test_long_headings_are_cut_with_an_ellipsis_to_the_width(width):
    state = run([(1.0, Event(HEADING, Status.ASKING, 1, usage=Usage(1234, 56, 0)))])
    lines = screen(state, 2.0, width)
    assert all(len(line) <= width for line in lines)
    row = next(line for line in lines if "Why attention" in line)
    assert "…" in row and HEADING not in row


@pytest.mark.parametrize("text, width, expected", [
    ("Conclusion", 20, "Conclusion"), ("Conclusion", 10, "Conclusion"), ("Conclusion", 6, "Concl…"),
])
def test_cut(text, width, expected):
    assert cut(text, width) == expected


@pytest.mark.parametrize("event", [Event("Intro", Status.FILL), Event("arXiv 1706.03762", Status.ASKING, 1, step=FETCH),
                                   Event("arXiv 1706.03762", Status.FILLED, 1, step=FETCH)])
def test_plain_lines_leave_out_the_listing_and_the_fetch(event):
    """Plain output (not a terminal) stays as it was: only finished parts and re-asks are lines."""
    stream = io.StringIO()
    PlainProgress(stream)(event)
    assert stream.getvalue() == ""


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_final_table_stays_with_the_clocks_stopped():
    ticks = iter([0.0, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0])
    stream = FakeTerminal()
    progress = LiveProgress(stream, clock=lambda: next(ticks, 4.0))
    progress(Event("Introduction", Status.ASKING, 1))
    progress(Event("Conclusion", Status.ASKING, 1))  # still in flight when the run ends (Ctrl-C)
    progress(Event("Introduction", Status.FILLED, 1))
    progress.close()
    state = progress.state
    assert state.ended is not None and state.rows["Conclusion"].ended == state.ended  # its clock stopped too

    def shown(now: float) -> str:
        console = Console(file=io.StringIO(), width=100, color_system=None)
        console.print(render(state, now))
        return console.file.getvalue()

    assert shown(now=state.ended + 3600) == shown(now=state.ended)  # an hour later the clocks still say the same
    final = stream.getvalue().rsplit("drafter ·", 1)[-1]  # the last frame drawn stays on the screen
    assert final.startswith(f" {clock_text(state.ended - state.started)}") and "Introduction" in final


def test_a_real_run_lists_every_part_in_post_order_before_any_section_is_asked(env, tmp_path, monkeypatch):
    """Regression: parts first appeared when their request started, so a fast answer jumped the queue."""
    from drafter.commands.new import NewOptions, NewRun

    monkeypatch.chdir(tmp_path)
    events: list[Event] = []
    result = NewRun(NewOptions(arxiv="1706.03762", cwd=tmp_path, output=tmp_path / "draft.md")).execute(events.append)
    assert events[0].step == FETCH and events[0].label == "arXiv 1706.03762"
    first_section_ask = next(i for i, e in enumerate(events) if e.status is Status.ASKING and e.label != "facts"
                             and e.step != FETCH)
    listed = [e.label for e in events[:first_section_ask] if e.status in (Status.FILL, Status.KEEP, Status.STRIP)]
    assert listed == [o.label for o in result.draft.outcomes if o.label != "facts"]


def test_plain_progress_prints_a_line_per_finished_part():
    stream = io.StringIO()
    progress = PlainProgress(stream)
    progress(Event("Intro", Status.ASKING, 1))
    progress(Event("Intro", Status.REJECTED, 1, (Finding(3, "placeholder", "x"),)))
    progress(Event("Intro", Status.FILLED, 2))
    assert stream.getvalue().splitlines() == [
        "Intro: rejected (placeholder); asking again",
        "Intro: filled after 2 attempt(s), 0 in / 0 out",
    ]


def test_live_progress_draws_a_row_per_part_on_a_terminal():
    stream = FakeTerminal()
    progress = LiveProgress(stream)
    progress(Event("Introduction", Status.ASKING, 1))
    progress(Event("Conclusion", Status.FILLED, 1))
    progress.close()
    screen = stream.getvalue()
    assert "Introduction" in screen and "Conclusion" in screen and "filled" in screen
