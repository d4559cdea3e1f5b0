"""Pure planning of batch rounds: the custom_id of each request, and jobs split within the Batch API's limits."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# The Batch API takes at most 50,000 requests and 200 MB per input file.
MAX_REQUESTS_PER_JOB = 50_000
MAX_BYTES_PER_JOB = 200 * 1024 * 1024

ENDPOINT = "/v1/chat/completions"
FACTS_KEY = "facts"
_TITLE_CHARS = 60  # a section's title in its custom_id is cut here; its position keeps the id unique
_SECTION_KEY = re.compile(r"^(facts|\d{2,}-[^:]*)$")


@dataclass(frozen=True)
class RequestId:
    """What a custom_id names: the paper, the part of its post, and the attempt."""

    paper: str  # the paper's arXiv ID without version, e.g. 1706.03762 or astro-ph/0601001
    section: str  # "facts", or "<position>-<title>" (the block's index in the post, then its heading)
    attempt: int

    def __str__(self) -> str:
        return f"{_escape(self.paper)}:{self.section}:{self.attempt}"


def section_key(label: str, position: int) -> str:
    """The section part of a custom_id: `facts`, or the block's position and its escaped, shortened title."""
    if position < 0:
        return FACTS_KEY
    return f"{position:02d}-{_escape(label[:_TITLE_CHARS])}"


def request_id(paper: str, label: str, position: int, attempt: int) -> RequestId:
    """The id of one request of one paper's run."""
    return RequestId(paper, section_key(label, position), attempt)


def parse_request_id(text: str) -> RequestId:
    """Read a custom_id back; ValueError when it is not one drafter made."""
    parts = text.split(":")
    if len(parts) != 3 or not parts[2].isdigit() or int(parts[2]) < 1 or not _SECTION_KEY.match(parts[1]):
        raise ValueError(f"{text!r} is not a drafter custom_id (paper:section:attempt)")
    return RequestId(urllib.parse.unquote(parts[0]), parts[1], int(parts[2]))


def _escape(text: str) -> str:
    # Percent-encoding keeps ':' (the separator), '/' (old-style IDs) and spaces out of the parts.
    return urllib.parse.quote(text, safe="-._~")


def input_line(custom_id: str, body: dict[str, Any]) -> str:
    """One line of a Batch input file, newline included."""
    return json.dumps({"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body},
                      ensure_ascii=False, separators=(",", ":")) + "\n"


def split_jobs(lines: Iterable[str], max_requests: int = MAX_REQUESTS_PER_JOB,
               max_bytes: int = MAX_BYTES_PER_JOB) -> list[list[str]]:
    """Input lines grouped into files that each stay within the request and size limits, in order."""
    jobs: list[list[str]] = []
    current: list[str] = []
    size = 0
    for line in lines:
        length = len(line.encode("utf-8"))
        if length > max_bytes:
            raise ValueError(f"one request is {length} bytes, over the {max_bytes}-byte limit of a batch file")
        if current and (len(current) >= max_requests or size + length > max_bytes):
            jobs.append(current)
            current, size = [], 0
        current.append(line)
        size += length
    if current:
        jobs.append(current)
    return jobs
