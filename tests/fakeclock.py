"""A clock an arXiv rate limiter reads and sleeps on: each sleep is recorded and moves the clock on, so no test
waits the 3 s arXiv asks for between requests, and a test can still assert the spacing."""

from __future__ import annotations


class FakeClock:
    """Call it for the time; `sleep(seconds)` records the wait in `slept` and moves the time on."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` at once: recorded, rounded to the millisecond."""
        self.slept.append(round(seconds, 3))
        self.now += seconds
