"""OpenAI's Batch API on the local test server: /v1/files (multipart upload, content) and /v1/batches.

Each line of a job is answered by the same responder and usage the chat endpoint uses
(`fakeopenai.completion_body`), when the job completes: after `polls_until_done` retrievals or
`seconds_until_done` seconds. Faults are scripted: a line that errors, a job that expires or is
cancelled by the provider. `run_batch` stands in for `vllm run-batch -i IN -o OUT`.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import parse_qs, urlparse

if TYPE_CHECKING:
    from fakeopenai import FakeOpenAI


@dataclass
class Job:
    """One batch job as the server keeps it."""

    id: str
    input_file_id: str
    created: float
    metadata: dict[str, str]
    status: str = "validating"
    polls: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    total: int = 0
    completed: int = 0
    failed: int = 0
    fate: str = "completed"  # how it ends: "completed", "expired" or "cancelled" (half answered), "failed" (none)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "object": "batch", "endpoint": "/v1/chat/completions", "input_file_id": self.input_file_id,
                "completion_window": "24h", "created_at": int(self.created), "status": self.status,
                "output_file_id": self.output_file_id, "error_file_id": self.error_file_id, "metadata": self.metadata,
                "request_counts": {"total": self.total, "completed": self.completed, "failed": self.failed},
                "errors": {"object": "list", "data": [{"code": "scripted_failure", "message": "the job failed as a whole"}]}
                if self.status == "failed" else None}


@dataclass
class FakeBatchAPI:
    """The Batch API's state and scripted faults; `FakeOpenAI.batch` holds one."""

    polls_until_done: int = 1  # retrievals that still see the job in progress
    seconds_until_done: float = 0.0
    failing_lines: list[tuple[str, ...]] = field(default_factory=list)  # a line whose body holds these texts errors (once each)
    fates: list[str] = field(default_factory=list)  # the next jobs end this way, in order ("expired", "cancelled")
    files: dict[str, bytes] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    create_latency: float = 0.0  # seconds a create takes to answer, after the job is made (a Ctrl-C can fall inside)
    refused_creates: int = 0  # the next creates answer HTTP 400 and make no job
    lost_creates: int = 0  # the next creates make their job, then answer HTTP 502 (a gateway that lost the answer)
    creates: int = 0  # create calls that made a job
    lists: int = 0  # list calls (each page)
    uploads: int = 0
    lines_received: list[str] = field(default_factory=list)  # every custom_id of every uploaded file, in order

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def fail_line(self, *texts: str) -> None:
        """The next line whose request contains every one of `texts` comes back with an error."""
        self.failing_lines.append(texts)

    # -- HTTP ------------------------------------------------------------------------------------

    def handles(self, path: str) -> bool:
        """Tell whether a request path belongs to the Batch API."""
        return path.startswith("/v1/files") or path.startswith("/v1/batches")

    def serve(self, method: str, path: str, headers: Any, body: bytes, server: "FakeOpenAI") -> tuple[int, Any]:
        """Answer one request: (status, JSON payload or raw bytes)."""
        parts = path.split("?")[0].rstrip("/").split("/")[2:]  # after /v1
        answer = self._serve(method, parts, parse_qs(urlparse(path).query), headers, body, server)
        if method == "POST" and parts == ["batches"] and self.create_latency:
            time.sleep(self.create_latency)  # the job exists already: a client that gives up now never hears of it
        return answer

    def _serve(self, method: str, parts: list[str], query: dict[str, list[str]], headers: Any, body: bytes,
               server: "FakeOpenAI") -> tuple[int, Any]:
        with self._lock:
            if method == "POST" and parts == ["files"]:
                return 200, self._upload(headers, body)
            if method == "GET" and len(parts) == 3 and parts[0] == "files" and parts[2] == "content":
                data = self.files.get(parts[1])
                return (200, data) if data is not None else (404, _error("no such file"))
            if method == "GET" and parts == ["batches"]:  # newest first, `limit` a page, `after` a cursor
                self.lists += 1
                newest = sorted(self.jobs.values(), key=lambda job: int(job.id.split("_")[1]), reverse=True)
                after = query.get("after", [None])[0]
                if after is not None:
                    newest = newest[[job.id for job in newest].index(after) + 1:]
                limit = int(query.get("limit", ["20"])[0])
                page = [job.as_json() for job in newest[:limit]]
                return 200, {"object": "list", "data": page, "first_id": page[0]["id"] if page else None,
                             "last_id": page[-1]["id"] if page else None, "has_more": len(newest) > limit}
            if method == "POST" and parts == ["batches"]:
                if self.refused_creates:
                    self.refused_creates -= 1
                    return 400, _error("scripted refusal of the create")
                request = json.loads(body)
                if request.get("input_file_id") not in self.files:
                    return 400, _error("no such input file")
                job = Job(f"batch_{next(self._ids)}", request["input_file_id"], time.time(), request.get("metadata") or {},
                          fate=self.fates.pop(0) if self.fates else "completed")
                job.total = len(self.files[job.input_file_id].splitlines())
                self.jobs[job.id] = job
                self.creates += 1
                if self.lost_creates:
                    self.lost_creates -= 1
                    return 502, _error("scripted loss of the create's answer; the job was made")
                return 200, job.as_json()
            if method == "GET" and len(parts) == 2 and parts[0] == "batches":
                job = self.jobs.get(parts[1])
                if job is None:
                    return 404, _error("no such batch")
                job.polls += 1
                self._progress(job, server)
                return 200, job.as_json()
            if method == "POST" and len(parts) == 3 and parts[0] == "batches" and parts[2] == "cancel":
                job = self.jobs.get(parts[1])
                if job is None:
                    return 404, _error("no such batch")
                if job.status not in ("completed", "expired", "cancelled", "failed"):
                    job.fate = "cancelled"
                    self._finish(job, server)
                return 200, job.as_json()
        return 404, _error(f"no route {method} {path}")

    def _upload(self, headers: Any, body: bytes) -> dict[str, Any]:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"content-type: " + headers["content-type"].encode() + b"\r\n\r\n" + body)
        fields = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
        data = fields["file"].get_payload(decode=True)
        file_id = f"file-{next(self._ids)}"
        self.files[file_id] = data
        self.uploads += 1
        self.lines_received += [json.loads(line)["custom_id"] for line in data.splitlines() if line.strip()]
        return {"id": file_id, "object": "file", "bytes": len(data), "created_at": int(time.time()),
                "filename": fields["file"].get_filename() or "input.jsonl", "purpose": "batch", "status": "processed"}

    def _progress(self, job: Job, server: "FakeOpenAI") -> None:
        if job.status in ("completed", "expired", "cancelled", "failed"):
            return
        job.status = "in_progress"
        if job.polls > self.polls_until_done and time.time() - job.created >= self.seconds_until_done:
            self._finish(job, server)

    def _finish(self, job: Job, server: "FakeOpenAI") -> None:
        if job.fate == "failed":  # as when the input file fails validation: no line is run
            job.status = "failed"
            return
        lines = [json.loads(line) for line in self.files[job.input_file_id].splitlines() if line.strip()]
        answered = lines if job.fate == "completed" else lines[: len(lines) // 2]
        outputs, errors = [], []
        for number, line in enumerate(lines):
            if number >= len(answered):
                if job.fate == "expired":
                    errors.append(_error_line(line, "batch_expired", "This request could not be executed before the completion window expired."))
                continue  # a cancelled job's unfinished lines are simply not in any file
            request = json.dumps(line["body"])
            failing = next((texts for texts in self.failing_lines if all(t in request for t in texts)), None)
            if failing is not None:
                self.failing_lines.remove(failing)
                errors.append({"id": f"batch_req_{number}", "custom_id": line["custom_id"], "error": None,
                               "response": {"status_code": 500, "request_id": f"req_{number}",
                                            "body": {"error": {"message": "scripted line failure", "type": "server_error"}}}})
                continue
            outputs.append(answer_line(line, server.completion_body, number))
        job.completed, job.failed = len(outputs), len(errors)
        if outputs:
            job.output_file_id = f"file-{next(self._ids)}"
            self.files[job.output_file_id] = "".join(json.dumps(o) + "\n" for o in outputs).encode()
        if errors:
            job.error_file_id = f"file-{next(self._ids)}"
            self.files[job.error_file_id] = "".join(json.dumps(e) + "\n" for e in errors).encode()
        job.status = job.fate


def answer_line(line: dict[str, Any], completion_body: Callable[[dict[str, Any]], dict[str, Any]], number: int) -> dict[str, Any]:
    """One line of the Batch output format answering one input line."""
    return {"id": f"batch_req_{number}", "custom_id": line["custom_id"], "error": None,
            "response": {"status_code": 200, "request_id": f"req_{number}", "body": completion_body(line["body"])}}


def _error_line(line: dict[str, Any], code: str, message: str) -> dict[str, Any]:
    return {"id": "batch_req_x", "custom_id": line["custom_id"], "response": None, "error": {"code": code, "message": message}}


def _error(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error"}}


def run_batch(input_path: Path, output_path: Path, completion_body: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    """A stand-in for `vllm run-batch -i INPUT -o OUTPUT`: answer every line of a prepared file; the lines written."""
    lines = [json.loads(line) for line in input_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    output_path.write_text("".join(json.dumps(answer_line(line, completion_body, n)) + "\n" for n, line in enumerate(lines)),
                           encoding="utf-8")
    return len(lines)
