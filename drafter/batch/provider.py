"""The Batch API through the openai SDK: upload an input file, create a job, poll it, read its files, cancel it."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from ..errors import MissingApiKey
from ..chat.openai import needs_api_key
from ..errors import BatchProviderError
from .plan import ENDPOINT

if TYPE_CHECKING:
    import openai

T = TypeVar("T")

CREATE_ATTEMPTS = 3  # a create that failed in a way another may fix, each after looking for the job it may have made


@dataclass(frozen=True)
class JobStatus:
    """What the Batch API says about one job."""

    id: str
    status: str
    done: int = 0  # completed + failed requests
    total: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: str = ""  # the job's own errors (a failed validation), one line


class BatchProvider:
    """One SDK client for a batch's calls; the SDK retries its own transient faults (nothing else retries these)."""

    def __init__(self, base_url: str, api_key: str | None, connect_timeout: float = 10.0, read_timeout: float = 120.0) -> None:
        if not api_key and needs_api_key(base_url):
            raise MissingApiKey(base_url)
        import openai

        self.base_url = base_url
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "not-needed", max_retries=3,
                                     timeout=openai.Timeout(read_timeout, connect=connect_timeout))

    def upload(self, filename: str, data: bytes) -> str:
        """Upload a JSONL input file with purpose "batch"; its file id."""
        return self._call("upload the requests", lambda: self._client.files.create(
            file=(filename, io.BytesIO(data), "application/jsonl"), purpose="batch").id)

    def create(self, file_id: str, metadata: dict[str, str], since: float = 0.0,
               sleep: Callable[[float], None] = time.sleep) -> JobStatus:
        """Create the job for an uploaded file (24 h window); after a failure that may have made it, look before retrying.

        The SDK's own retries are off for this call: a create whose answer was lost (a dropped connection, a 5xx
        from a gateway after the job was made) retried blindly would make a second job, paid twice.
        """
        import openai

        once = self._client.with_options(max_retries=0)

        def attempt() -> JobStatus:
            for number in range(1, CREATE_ATTEMPTS + 1):
                try:
                    return _status(once.batches.create(input_file_id=file_id, endpoint=ENDPOINT, completion_window="24h",
                                                       metadata=metadata))
                except (openai.APIConnectionError, openai.InternalServerError, openai.RateLimitError):
                    if number == CREATE_ATTEMPTS:
                        raise
                found = self.find(file_id, since)
                if found is not None:
                    return found
                sleep(0.5 * 2 ** (number - 1))
            raise AssertionError("unreachable")

        return self._call("create a batch job", attempt)

    def find(self, file_id: str, since: float = 0.0) -> JobStatus | None:
        """The job already created for an uploaded input file, if any: the list is newest first, read back to `since`."""
        def search() -> "openai.types.Batch | None":
            for batch in self._client.batches.list(limit=100):  # the SDK pages on by itself
                if batch.input_file_id == file_id:
                    return batch
                if batch.created_at < since:
                    return None
            return None

        found = self._call(f"look for the job of file {file_id}", search)
        return _status(found) if found is not None else None

    def retrieve(self, batch_id: str) -> JobStatus:
        """The job's current status and counts."""
        return _status(self._call(f"report on job {batch_id}", lambda: self._client.batches.retrieve(batch_id)))

    def content(self, file_id: str) -> str:
        """The text of an output or error file."""
        return self._call(f"download file {file_id}", lambda: self._client.files.content(file_id).text)

    def cancel(self, batch_id: str) -> JobStatus:
        """Ask the provider to cancel a job."""
        return _status(self._call(f"cancel job {batch_id}", lambda: self._client.batches.cancel(batch_id)))

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()

    def _call(self, step: str, call: Callable[[], T]) -> T:
        """Make one SDK call; its errors become one BatchProviderError line naming the step."""
        import openai

        try:
            return call()
        except openai.APIStatusError as error:
            message = " ".join(str(error.message).split())[:200]
            raise BatchProviderError(step, f"HTTP {error.status_code}: {message}", self.base_url) from None
        except openai.APIError as error:
            raise BatchProviderError(step, " ".join(str(error).split())[:200], self.base_url) from None


def _status(batch: "openai.types.Batch") -> JobStatus:
    counts = batch.request_counts
    errors = "; ".join(f"{e.code}: {e.message}" for e in (batch.errors.data or [])) if batch.errors else ""
    return JobStatus(batch.id, batch.status, (counts.completed + counts.failed) if counts else 0,
                     counts.total if counts else 0, batch.output_file_id, batch.error_file_id, errors)
