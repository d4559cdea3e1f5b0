"""What the pipeline tells a display while it runs: one Event per step of a part of the post."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..chat.base import Usage
from ..findings import Finding
from ..status import Status


@dataclass(frozen=True)
class Event:
    """Progress of one part of the draft, for a display to show."""

    label: str
    status: Status  # FILL (listed, not asked yet), ASKING, REJECTED, RETRYING, FILLED, FAILED, KEEP or STRIP
    attempt: int = 0
    findings: tuple[Finding, ...] = ()
    usage: Usage = Usage()
    note: str = ""  # for RETRYING: the transport fault and the wait
    reason: str = ""  # for RETRYING: the transport fault alone
    wait: float = 0.0  # for RETRYING: seconds until the next attempt
    step: str = "part"  # "part" of the post, or FETCH: the paper's download from arXiv


FETCH = "fetch"  # an Event's step for the arXiv download, shown as a row of its own


Emit = Callable[[Event], None]
