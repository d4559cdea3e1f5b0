"""`--grounding`: what a number the paper does not state costs a section. The one owner of error, warn and off."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from .findings import Finding


class Grounding(str, Enum):
    """How grounding findings count, for `drafter new`, `regen` and `check` alike."""

    ERROR = "error"  # findings: the section is re-asked (new, regen) or the check fails
    WARN = "warn"  # reported beside the result; nothing is re-asked and the check passes
    OFF = "off"  # numbers are not looked at (and `check` needs no paper)

    def split(self, find: Callable[[], list[Finding]]) -> tuple[list[Finding], list[Finding]]:
        """The grounding findings `find` computes, as (failing, warnings); `find` is not called when OFF."""
        if self is Grounding.OFF:
            return [], []
        found = find()
        return (found, []) if self is Grounding.ERROR else ([], found)


MODES = tuple(mode.value for mode in Grounding)  # the valid values, in the order messages list them
