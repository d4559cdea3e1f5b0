"""`--log FILE`: a ChatClient wrapper writing one JSON line per request, for seeing where a run's time goes."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import BudgetExceeded, InputFileError
from .base import ChatClient, ChatRequest, ChatResponse, Wrapper


class RequestLog(Wrapper):
    """Passes requests on and appends `{"label", "attempt", "started", "finished", "duration", "status", "usage"}`
    per request to a JSONL file; times are seconds from the start of the run."""

    def __init__(self, inner: ChatClient, path: Path, clock: Any = time.monotonic) -> None:
        super().__init__(inner)
        self.path = path
        self._clock = clock
        self._origin = clock()
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._stream = path.open("a", encoding="utf-8")  # appended to, never truncated: one handle for the run
        except OSError as error:
            raise InputFileError(str(path), f"cannot be written as the --log file ({error.strerror})") from None

    def complete(self, request: ChatRequest) -> ChatResponse:
        """Answer through the inner client and log the exchange, failed or not."""
        started = self._clock() - self._origin
        record: dict[str, Any] = {"label": request.label, "attempt": request.attempt, "started": started}
        try:
            response = self.inner.complete(request)
        except BudgetExceeded:
            self._write(record, "not sent: budget", None)
            raise
        except BaseException as error:  # a DrafterError, or Ctrl-C: logged, then passed on
            self._write(record, f"error: {type(error).__name__}", None)
            raise
        self._write(record, response.finish_reason, response)
        return response

    def _write(self, record: dict[str, Any], status: str, response: ChatResponse | None) -> None:
        finished = self._clock() - self._origin
        record["duration"] = round(max(0.0, finished - record["started"]), 3)
        record["started"] = round(record["started"], 3)
        record["finished"] = round(finished, 3)
        record["status"] = status
        usage = response.usage if response is not None else None
        record["usage"] = None if usage is None else {"prompt_tokens": usage.prompt_tokens,
                                                      "cached_tokens": usage.cached_tokens,
                                                      "completion_tokens": usage.completion_tokens}
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            try:
                self._stream.write(line)
                self._stream.flush()  # a line per request as it ends, readable while the run goes on
            except (OSError, ValueError):
                pass  # a log that cannot be written must not cost the user the run

    def close(self) -> None:
        """Close the log file, then the wrapped client."""
        try:
            with self._lock:
                self._stream.close()
        finally:
            super().close()
