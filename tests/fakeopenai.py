"""A local OpenAI-compatible Chat Completions server for tests and benchmarks, on 127.0.0.1.

It speaks real HTTP, so the openai SDK runs unpatched against it. What it answers comes from a
`responder` (the answers the authors wrote, see tests/answers.py); faults are scripted per request.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from fakebatch import FakeBatchAPI

Responder = Callable[[dict[str, Any]], str]


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of a block (outside pytest's monkeypatch), then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class Fault:
    """One scripted misbehaviour, served instead of (or around) an answer."""

    kind: str  # "rate_limit", "server_error", "timeout", "length", "reset", "status", "model", ...
    retry_after: str | None = None
    delay: float = 0.0
    status: int = 500
    model: str | None = None  # "model": the model the answer names (a dated version, "" or None as local servers do)
    only_label: str | None = None  # apply only to requests whose last message contains this text


@dataclass
class Received:
    """A request as the server saw it."""

    body: dict[str, Any]
    headers: dict[str, str]
    started: float
    finished: float = 0.0
    status: int = 200
    peer: str = ""  # the client's host:port, so one TCP connection is one distinct value


_NO_ANSWER = frozenset({"reset", "rate_limit", "server_error", "status"})  # faults served instead of an answer


def _wait_until(deadline: float) -> None:
    """Sleep until the monotonic clock reaches `deadline` (at once if it has)."""
    remaining = deadline - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


class _Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: 14 sections connecting at once overflow it, and a
    # dropped SYN costs the client a 1 s retransmit, which real servers (backlog 2048) do not cause.
    request_queue_size = 128


@dataclass
class FakeOpenAI:
    """A threaded OpenAI-compatible server; use as a context manager."""

    responder: Responder
    # Seconds from a request's arrival to its answer, reading the request and making the answer included, as a
    # real endpoint's latency is: 14 answers made at once in this process no longer arrive later than `latency`.
    latency: float = 0.0
    max_concurrent: int | None = None
    retry_after_when_busy: str = "0.05"
    faults: deque[Fault] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)  # requests outside the Batch API, which counts its own
    batch: FakeBatchAPI = field(default_factory=FakeBatchAPI)  # OpenAI's Batch API (tests/fakebatch.py)
    tls: tuple[Path, Path] | None = None  # (certificate, key): serve HTTPS with them (tests/data/tls/)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self.peak_concurrency = 0
        self.rejected_busy = 0
        self._prefixes: list[str] = []
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        if self.tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The /v1 base URL to give the SDK."""
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}/v1"

    @property
    def completions(self) -> list[Received]:
        """Requests that got an answer (status 200)."""
        return [r for r in self.received if r.status == 200]

    def fail_next(self, kind: str, times: int = 1, **options: Any) -> None:
        """Script the next `times` requests (optionally only those matching a label) to fail as `kind`."""
        for _ in range(times):
            self.faults.append(Fault(kind, **options))

    def __enter__(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- used by the handler -------------------------------------------------------------

    def _take_fault(self, body: dict[str, Any]) -> Fault | None:
        # Matched against what the request asks (its last message), not the paper every request now carries:
        # the paper's own "### Applications of Attention" must not match a fault meant for "## Applications".
        messages = body.get("messages") or [{}]
        text = json.dumps(messages[-1]) if isinstance(messages, list) and messages else json.dumps(body)
        with self._lock:
            for fault in list(self.faults):
                if fault.only_label is None or fault.only_label in text:
                    self.faults.remove(fault)
                    return fault
        return None

    def completion_body(self, body: dict[str, Any], finish_reason: str | None = "stop") -> dict[str, Any]:
        """The chat completion answering `body` (the chat endpoint's and each Batch API line's)."""
        content = self.responder(body)
        if finish_reason == "length":
            content = content[: len(content) // 3]
        prompt = "".join(m.get("content", "") for m in body.get("messages", []))
        prompt_tokens = _tokens(prompt)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": _tokens(content),
            "total_tokens": prompt_tokens + _tokens(content),
            "prompt_tokens_details": {"cached_tokens": self._cached_tokens(prompt)},
        }
        return {
            "id": f"chatcmpl-{len(self.received)}",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", "test-model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
            "usage": usage,
        }

    def _cached_tokens(self, prompt: str) -> int:
        # Simulate a provider's prefix cache: tokens (4 chars each) shared with an earlier prompt.
        with self._lock:
            best = 0
            for earlier in self._prefixes:
                best = max(best, shared_prefix_length(earlier, prompt))
            self._prefixes.append(prompt)
        return (best // 4) // 128 * 128 if best >= 1024 * 4 else 0


def shared_prefix_length(a: str, b: str) -> int:
    """The length of the longest common prefix, by binary search over C-speed slice comparisons."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the client's delayed ACK adds ~40 ms
        # to every response, which real servers (which set TCP_NODELAY) do not.
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def _batch_api(self, method: str) -> bool:
            """The Batch API's routes (tests/fakebatch.py): served there, never counted as chat requests."""
            if not server.batch.handles(self.path):
                return False
            data = self.rfile.read(int(self.headers.get("content-length", "0")))
            status, payload = server.batch.serve(method, self.path, self.headers, data, server)
            if isinstance(payload, bytes):
                self.send_response(status)
                self.send_header("content-type", "application/octet-stream")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            else:
                self._send(status, payload)
            return True

        def do_GET(self) -> None:
            if self._batch_api("GET"):
                return
            if self.path.rstrip("/").endswith("/models"):
                self._send(200, {"object": "list", "data": [{"id": "test-model", "object": "model"}]})
            else:
                self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

        def do_POST(self) -> None:
            if self._batch_api("POST"):
                return
            arrived = time.monotonic()  # the latency runs from here: reading the body is part of the server's time
            length = int(self.headers.get("content-length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            record = Received(body=body, headers={k.lower(): v for k, v in self.headers.items()}, started=arrived,
                              peer="%s:%s" % self.client_address[:2])
            with server._lock:
                server.received.append(record)
                busy = server.max_concurrent is not None and server._active >= server.max_concurrent
                if busy:
                    server.rejected_busy += 1
                else:
                    server._active += 1
                    server.peak_concurrency = max(server.peak_concurrency, server._active)
                    self._holding = True
            if busy:
                record.status = 429
                record.finished = time.monotonic()
                self._send(429, {"error": {"message": "too many concurrent requests", "type": "rate_limit"}},
                           {"retry-after": server.retry_after_when_busy})
                return
            try:
                self._serve(body, record)
            finally:
                self._release()
                record.finished = time.monotonic()

        def _release(self) -> None:
            # The slot frees when the answer is ready, as a real server's does, not after the bytes are
            # written: a client that sends its next request on receipt must find the slot free.
            if getattr(self, "_holding", False):
                self._holding = False
                with server._lock:
                    server._active -= 1

        def _serve(self, body: dict[str, Any], record: Received) -> None:
            if not self.path.rstrip("/").endswith("/chat/completions"):
                record.status = 404
                self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
                return
            fault = server._take_fault(body)
            answer = None
            if fault is None or fault.kind not in _NO_ANSWER:
                # Made within the latency, as a real endpoint makes its answer, and midway through it: away from the
                # burst of requests arriving at once, whose arrival it would otherwise delay in this process.
                _wait_until(record.started + server.latency / 2)
                answer = self._answer(body, fault)
            _wait_until(record.started + server.latency)
            if fault is not None:
                if fault.kind == "reset":
                    record.status = 0
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    self.close_connection = True
                    return
                if fault.kind == "timeout":
                    time.sleep(fault.delay)
                elif fault.kind in ("rate_limit", "server_error", "status"):
                    status = {"rate_limit": 429, "server_error": 500}.get(fault.kind, fault.status)
                    record.status = status
                    headers = {"retry-after": fault.retry_after} if fault.retry_after else {}
                    self._send(status, {"error": {"message": f"scripted {fault.kind}", "type": fault.kind}}, headers)
                    return
            self._release()
            self._send(200, answer)

        def _answer(self, body: dict[str, Any], fault: Fault | None) -> dict[str, Any]:
            finish_reason = {"length": "length", "null_finish": None}.get(fault.kind, "stop") if fault else "stop"
            answer = server.completion_body(body, finish_reason)  # llama.cpp-style servers have answered "finish_reason": null
            if fault is not None and fault.kind == "no_choices":
                answer["choices"] = []
            elif fault is not None and fault.kind == "no_usage":
                del answer["usage"]
            elif fault is not None and fault.kind == "null_content":
                answer["choices"][0]["message"]["content"] = None
            elif fault is not None and fault.kind == "model":
                answer["model"] = fault.model
            return answer

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to tell it

    return Handler
