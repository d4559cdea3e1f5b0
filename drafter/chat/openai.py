"""The ChatClient over the official openai SDK: the only retry layer for transport faults."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import ClientClosed, ConfigError, MissingApiKey, ModelUnavailable
from .base import ChatRequest, ChatResponse, Usage

if TYPE_CHECKING:  # the SDK is imported only when a model call is made: it costs ~0.5 s at start-up
    import ssl

    import openai
    import tenacity  # imported with the first request too: `drafter check` and `--help` never need it


def _retry_after(error: "openai.APIStatusError") -> float | None:
    """The refused response's Retry-After in seconds (email.utils reads its date form: imported only when refused)."""
    from ..retryafter import parse_retry_after

    return parse_retry_after(error.response.headers.get("retry-after"))


class TransientFault(Exception):
    """A fault worth retrying: rate limit, server error, timeout, reset, or a truncated answer."""

    def __init__(self, reason: str, retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.status = status


def needs_api_key(base_url: str) -> bool:
    """Tell whether an endpoint is OpenAI's own, which refuses requests without a key."""
    return base_url.startswith(("https://api.openai.com", "http://api.openai.com"))


class _WaitRetryAfter:
    """Exponential backoff, but never shorter than what the server asked for (a tenacity wait)."""

    def __init__(self, initial: float, maximum: float) -> None:
        self._initial = initial
        self._maximum = maximum

    def __call__(self, retry_state: "tenacity.RetryCallState") -> float:
        import tenacity

        backoff = tenacity.wait_exponential(multiplier=self._initial, max=self._maximum)(retry_state)
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, TransientFault) and error.retry_after is not None:
            return min(max(backoff, error.retry_after), max(self._maximum, error.retry_after))
        return backoff


class AdaptiveLimit:
    """How many requests may be in flight at once; lowered when a server refuses one with HTTP 429.

    A refused request gives up its slot, and the limit drops to the number still in flight (the
    ones the server accepted), so the retry waits for one of them to finish instead of being
    refused again. A 429 while nothing else is in flight is a rate limit, not a concurrency limit,
    and leaves the limit alone.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.active = 0
        self._ready = threading.Condition()

    def acquire(self) -> None:
        """Wait for a free slot and take it."""
        with self._ready:
            while self.limit is not None and self.active >= self.limit:
                self._ready.wait()
            self.active += 1

    def release(self, refused: bool = False) -> None:
        """Give a slot back; `refused` when the server answered 429."""
        with self._ready:
            self.active -= 1
            if refused and self.active > 0:
                self.limit = self.active if self.limit is None else min(self.limit, self.active)
            self._ready.notify()


class OpenAIChat:
    """A ChatClient over the openai SDK; the only retry layer for transport faults (the SDK's own is off)."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 120.0,
        attempts: int = 5,
        initial_backoff: float = 1.0,
        max_backoff: float = 30.0,
        sleep: Any = None,
        send_cache_key: bool | None = None,
        on_retry: Callable[[str, str, float], None] | None = None,
    ) -> None:
        if not api_key and needs_api_key(base_url):
            raise MissingApiKey(base_url)
        self.base_url = base_url
        self._api_key = api_key or "not-needed"  # local servers ignore it; the SDK insists on one
        self._timeouts = (connect_timeout, read_timeout)
        self._attempts = attempts
        self._wait = _WaitRetryAfter(initial_backoff, max_backoff)
        # Closing the client (Ctrl-C, a fatal error) ends every wait at once and stops every retry.
        self._closed = threading.Event()
        self._sleep = sleep or self._closed.wait
        self._on_retry = on_retry  # told (label, reason, seconds) before each wait, so a retry is never silent
        # prompt_cache_key and a JSON-schema response_format are OpenAI's; strict local servers may reject them.
        self._send_cache_key = needs_api_key(base_url) if send_cache_key is None else send_cache_key
        self._client: openai.OpenAI | None = None
        self._client_lock = threading.Lock()
        self._warming: threading.Thread | None = None
        self._tls_context: ssl.SSLContext | None = None  # made by warm_up's second thread (see _make_tls_context)
        self._tls_thread: threading.Thread | None = None
        self.limit = AdaptiveLimit()

    def warm_up(self) -> None:
        """Import the SDK (~0.4 s) and build its client in the background, e.g. while arXiv answers."""
        if self._client is None and self._warming is None:
            self._tls_thread = threading.Thread(target=self._make_tls_context, name="drafter-tls", daemon=True)
            self._tls_thread.start()
            self._warming = threading.Thread(target=self._warm, name="drafter-warm-up", daemon=True)
            self._warming.start()

    def _make_tls_context(self) -> None:
        """Make the TLS context the SDK's HTTP client would make as it is built, from the same settings.

        Loading the system's CA certificates takes ~20 ms, and OpenSSL does it without the GIL: made here, beside
        the SDK's import, it costs the first request nothing; made by the client, it is on the request's path.
        """
        try:
            import httpx2  # the SDK's HTTP library: its defaults, SSL_CERT_FILE and SSL_CERT_DIR included

            self._tls_context = httpx2.create_ssl_context()
        except Exception:  # noqa: BLE001 - another HTTP library, or none to be had: the client makes its own
            pass

    def warmed(self) -> None:
        """Wait until warm_up's thread has imported the SDK and built its client (at once if none was started)."""
        if self._warming is not None:
            self._warming.join()

    def _warm(self) -> None:
        try:
            self._sdk()
        except Exception:  # noqa: BLE001 - the first real request meets the same error and reports it
            pass

    def _sdk(self) -> "openai.OpenAI":
        with self._client_lock:  # one client per run, however many threads ask first
            if self._client is None:
                import openai

                connect, read = self._timeouts
                if self._tls_thread is not None:
                    self._tls_thread.join()
                self._client = openai.OpenAI(
                    base_url=self.base_url,
                    api_key=self._api_key,
                    max_retries=0,
                    timeout=openai.Timeout(read, connect=connect),
                    # The SDK's own HTTP client and defaults, with the TLS context made beforehand when there is one.
                    http_client=None if self._tls_context is None else openai.DefaultHttpxClient(verify=self._tls_context),
                )
            return self._client

    def complete(self, request: ChatRequest) -> ChatResponse:
        """Send `request`, retrying transient faults with backoff that honours Retry-After."""
        import tenacity

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception(lambda error: isinstance(error, TransientFault) and not self._closed.is_set()),
            sleep=self._sleep,
            reraise=True,
            before_sleep=lambda state: self._report_retry(request, state),
        )
        try:
            return retrying(self._send_once, request)
        except TransientFault as fault:
            if self._closed.is_set():
                raise ClientClosed(request.label or "a request", "the run was stopped", self.base_url) from None
            raise ModelUnavailable(request.label or "a request", f"{fault.reason} after {self._attempts} attempts", self.base_url) from None

    def _report_retry(self, request: ChatRequest, state: "tenacity.RetryCallState") -> None:
        if self._on_retry is None or state.outcome is None or state.next_action is None:
            return
        fault = state.outcome.exception()  # a TransientFault: nothing else is retried
        self._on_retry(request.label or "a request", fault.reason, state.next_action.sleep)

    def close(self) -> None:
        """Close the HTTP connections the client holds; from now on nothing is sent, retried or waited for."""
        self._closed.set()
        if self._warming is not None:
            self._warming.join()
        if self._client is not None:
            self._client.close()

    def _send_once(self, request: ChatRequest) -> ChatResponse:
        if self._closed.is_set():  # a worker that took its next section after Ctrl-C sends nothing
            raise ClientClosed(request.label or "a request", "the run was stopped", self.base_url)
        self.limit.acquire()
        refused = False
        try:
            return self._send(request)
        except TransientFault as fault:
            refused = fault.status == 429
            raise
        finally:
            self.limit.release(refused)

    def _send(self, request: ChatRequest) -> ChatResponse:
        import openai

        body = request.payload()
        extra = request.openai_extensions() if self._send_cache_key else {}
        try:
            completion = self._sdk().chat.completions.create(**body, **extra)
        except openai.RateLimitError as error:
            raise TransientFault("HTTP 429 rate limited", _retry_after(error), 429) from error
        except openai.InternalServerError as error:
            raise TransientFault(f"HTTP {error.status_code} server error", _retry_after(error)) from error
        except openai.APITimeoutError as error:
            raise TransientFault("the request timed out") from error
        except openai.APIConnectionError as error:
            raise TransientFault(f"connection failed ({_root_cause(error)})") from error
        except openai.AuthenticationError:
            raise ConfigError("OPENAI_API_KEY", f"{self.base_url} rejected the key (HTTP 401); check OPENAI_API_KEY") from None
        except openai.NotFoundError:
            raise ConfigError("--model", f"{self.base_url} has no model {request.model!r} (HTTP 404); check --model and --base-url") from None
        except openai.APIStatusError as error:
            raise ModelUnavailable(request.label or "a request", f"HTTP {error.status_code}: {_short(error.message)}", self.base_url) from None
        if not completion.choices:
            raise TransientFault("the answer had no choices")
        choice = completion.choices[0]
        if choice.finish_reason == "length":
            raise TransientFault(f"the answer was cut off at max_tokens={request.max_tokens}")
        usage = completion.usage
        cached = 0
        if usage is not None and usage.prompt_tokens_details is not None:
            cached = usage.prompt_tokens_details.cached_tokens or 0
        return ChatResponse(
            content=choice.message.content or "",
            finish_reason=choice.finish_reason or "stop",
            usage=Usage(usage.prompt_tokens, usage.completion_tokens, cached) if usage else Usage(),
            model=completion.model or request.model,
        )


def _root_cause(error: BaseException) -> str:
    while error.__cause__ is not None:
        error = error.__cause__
    return _short(str(error) or type(error).__name__)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
