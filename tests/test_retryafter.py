"""The one Retry-After reader, shared by the model client and the arXiv client."""

from __future__ import annotations

import pytest

from drafter.retryafter import parse_retry_after

NOW = 1445412470.0  # ten seconds before Wed, 21 Oct 2015 07:28:00 GMT


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        (" 7 ", 7.0),
        ("-3", 0.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("inf", None),  # regression: an infinite wait was passed on to the backoff as a sleep
        ("nan", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 10.0),
        ("Wed, 21 Oct 2015 07:28:00 -0000", 10.0),  # regression: a naive date broke the arXiv reader's subtraction
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # a date in the past: no wait
    ],
)
def test_parse_retry_after(header, seconds):
    assert parse_retry_after(header, now=NOW) == seconds
