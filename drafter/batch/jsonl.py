"""The Batch output format (what OpenAI and `vllm run-batch` write), read into answers and failed lines."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ..chat.base import Usage


@dataclass(frozen=True)
class LineResult:
    """One answered or failed request of a results file."""

    custom_id: str
    content: str | None  # the answer; None when the line failed
    usage: Usage = Usage()
    error: str = ""  # why the line failed ("" when answered)


class ResultsFormatError(ValueError):
    """A results file that is cut short, or names requests the batch never made."""


def parse_results(text: str, known: Collection[str]) -> list[LineResult]:
    """Every line of a results (or error) file; ResultsFormatError for a line cut short or an unknown custom_id."""
    results = []
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            where = "its last line is cut short" if number == len(lines) else f"line {number} is not JSON"
            raise ResultsFormatError(where) from None
        if not isinstance(record, dict) or not isinstance(record.get("custom_id"), str):
            raise ResultsFormatError(f"line {number} has no custom_id")
        custom_id = record["custom_id"]
        if custom_id not in known:
            raise ResultsFormatError(f"line {number} answers {custom_id!r}, which the batch never asked")
        results.append(_line_result(custom_id, record))
    return results


def _line_result(custom_id: str, record: dict[str, Any]) -> LineResult:
    error = record.get("error")
    if error:
        return LineResult(custom_id, None, error=_error_text(error))
    response = record.get("response") or {}
    status = response.get("status_code")
    body = response.get("body") or {}
    if status != 200:
        return LineResult(custom_id, None, error=f"HTTP {status}: {_error_text(body.get('error') or 'no answer')}")
    choices = body.get("choices") or []
    if not choices:
        return LineResult(custom_id, None, error="the answer had no choices")
    choice = choices[0]
    if choice.get("finish_reason") == "length":
        return LineResult(custom_id, None, error="the answer was cut off at max_tokens")
    content = (choice.get("message") or {}).get("content") or ""
    return LineResult(custom_id, content, _usage(body.get("usage") or {}))


def _usage(usage: dict[str, Any]) -> Usage:
    details = usage.get("prompt_tokens_details") or {}
    return Usage(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0),
                 int(details.get("cached_tokens") or 0))


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        code = error.get("code") or error.get("type") or "error"
        message = " ".join(str(error.get("message") or "").split())
        return f"{code}: {message}" if message else str(code)
    return " ".join(str(error).split())
