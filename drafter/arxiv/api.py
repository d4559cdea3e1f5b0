"""The HTTP edge of arXiv: the query API's feed and the paper's own files, politely rate-limited.

Everything that touches the network for arXiv is here; parsing lives in `feed`, `html`, `latex`.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping

from drafter import __version__
from drafter.errors import ArxivUnavailable, ConfigError

from .feed import FeedResponse, _status_reason
from .ids import ArxivId

DEFAULT_API = "https://export.arxiv.org/api/query"
API_ENV = "DRAFTER_ARXIV_API"
USER_AGENT = f"drafter/{__version__} (+https://github.com/drafter)"

# A Retry-After longer than this is an outage, not a hiccup: a CLI should not sit silent for it.
MAX_RETRY_AFTER = 60.0
# arXiv asks robots for at most one request every 3 s to each of its services.
MIN_INTERVAL = 3.0


class RateLimiter:
    """Keeps at least `interval` seconds between the starts of requests to one service (thread-safe).

    The clock and the sleep are injectable so tests never wait.
    """

    def __init__(self, interval: float = MIN_INTERVAL, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        self._lock = threading.Lock()

    def wait(self, at_least: float = 0.0) -> float:
        """Block until the next request may start (and at least `at_least` s when asked); return the wait."""
        with self._lock:
            delay = at_least
            if self._last is not None:
                delay = max(self.interval - (self._clock() - self._last), at_least)
            if delay > 0:
                self._sleep(delay)
            self._last = self._clock()
            return max(0.0, delay)


_SHARED: dict[str, RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def reset_limiters() -> None:
    """Forget the requests made so far, as a new process would (tests and benchmarks run many CLIs in one)."""
    with _SHARED_LOCK:
        _SHARED.clear()


def limiter_for(service: str) -> RateLimiter:
    """The process-wide limiter of one arXiv service ("api", "html", "e-print"), so many papers stay polite."""
    with _SHARED_LOCK:
        if service not in _SHARED:
            _SHARED[service] = RateLimiter()
        return _SHARED[service]



def api_base_from_env(environ: Mapping[str, str]) -> str:
    """Return the API endpoint from DRAFTER_ARXIV_API, or DEFAULT_API when it is unset or empty."""
    value = environ.get(API_ENV, "").strip()
    if value == "":
        return DEFAULT_API
    _check_api_base(value)
    return value


def _check_api_base(api_base: str) -> None:
    """Refuse endpoints urllib would open but that are not an HTTP API (file://, ftp://)."""
    parts = urllib.parse.urlsplit(api_base)
    if parts.scheme.lower() not in ("http", "https") or parts.netloc == "":
        raise ConfigError(API_ENV, f"{api_base!r} is not an http(s) URL; e.g. {DEFAULT_API}")


def query_url(api_base: str, arxiv_id: ArxivId) -> str:
    """Return the query URL that asks the API for exactly this one id."""
    query = urllib.parse.urlencode({"id_list": str(arxiv_id), "max_results": 1})
    separator = "&" if "?" in api_base else "?"
    return f"{api_base}{separator}{query}"

class _Retryable(Exception):
    """One attempt failed in a way that another attempt may fix."""

    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def fetch_feed(
    arxiv_id: ArxivId,
    api_base: str,
    *,
    timeout: float = 30.0,
    attempts: int = 3,
    min_interval: float = MIN_INTERVAL,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    limiter: RateLimiter | None = None,
) -> FeedResponse:
    """GET the API's feed for one id, retrying outages politely; the only network I/O here."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")
    _check_api_base(api_base)
    limiter = limiter or RateLimiter(min_interval, clock=clock, sleep=sleep)
    return _fetch(query_url(api_base, arxiv_id), str(arxiv_id), timeout, attempts, limiter)


def fetch_many(arxiv_ids: list[ArxivId], api_base: str, *, limiter: RateLimiter, timeout: float = 30.0,
               attempts: int = 3) -> FeedResponse:
    """GET one feed for many ids (`id_list` with commas, `max_results` their number); parse_feed picks each out.

    arXiv has been seen to leave an id of a list out silently: a caller fetches any missing one alone.
    """
    _check_api_base(api_base)
    query = urllib.parse.urlencode({"id_list": ",".join(str(i) for i in arxiv_ids), "max_results": len(arxiv_ids)})
    separator = "&" if "?" in api_base else "?"
    return _fetch(f"{api_base}{separator}{query}", ", ".join(str(i) for i in arxiv_ids), timeout, attempts, limiter)


def _fetch(url: str, label: str, timeout: float, attempts: int, limiter: RateLimiter) -> FeedResponse:
    """GET one query URL, retrying outages politely (`label` names the papers in the error)."""
    retry_after = 0.0
    reason = "no attempt made"
    for attempt in range(1, attempts + 1):
        # arXiv asks for at most one request every 3 s; a Retry-After can only lengthen that.
        limiter.wait(retry_after)
        try:
            return _get_once(url, timeout)
        except _Retryable as failure:
            reason = failure.reason
            retry_after = failure.retry_after
            if retry_after > MAX_RETRY_AFTER:
                reason = f"{reason}, and arXiv asked to wait {retry_after:.0f} s"
                break
    tries = "1 attempt" if attempt == 1 else f"{attempt} attempts"
    raise ArxivUnavailable(label, f"{reason} (after {tries})", url)


def _get_once(url: str, timeout: float) -> FeedResponse:
    """Make one GET; return the exchange, or raise _Retryable when it is worth another try."""
    # Loaded here, not at import: `drafter check` imports this module but fetches only when nothing is kept.
    import http.client
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url,
        headers={"User-Agent": USER_AGENT, "Accept": "application/atom+xml, application/xml;q=0.9"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return FeedResponse(url, response.status, _decode(response.read()))
    except urllib.error.HTTPError as error:
        # urllib raises on 4xx/5xx, but arXiv's 400 carries the error entry that says why.
        status = error.code
        if status >= 500 or status == 429:
            raise _Retryable(_status_reason(status), _retry_after(error.headers.get("Retry-After"))) from None
        try:
            body = _decode(error.read())
        except (OSError, http.client.HTTPException):
            body = ""
        finally:
            error.close()
        return FeedResponse(url, status, body)
    except urllib.error.URLError as error:
        raise _Retryable(_network_reason(error.reason)) from None
    except (OSError, http.client.HTTPException) as error:
        # Timeouts and resets while reading the body arrive unwrapped, not as URLError.
        raise _Retryable(_network_reason(error)) from None


def _decode(body: bytes) -> str:
    """Decode a body as UTF-8, the API's only encoding, keeping stray bytes visible."""
    return body.decode("utf-8", errors="replace")


def _network_reason(reason: object) -> str:
    """Describe a connection failure in one short line."""
    import socket  # only after a request failed: `drafter check` on a kept paper starts without it

    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve host ({reason.strerror or reason})"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, OSError) and reason.strerror is not None:
        return reason.strerror.lower()
    return str(reason) if str(reason) != "" else type(reason).__name__


def _retry_after(value: str | None) -> float:
    """Read a Retry-After header as seconds (drafter.retryafter); 0 when absent or unreadable."""
    from drafter.retryafter import parse_retry_after  # email.utils, only when arXiv asked to wait

    return parse_retry_after(value) or 0.0
