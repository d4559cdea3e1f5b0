"""arXiv: parse identifiers, fetch one paper's Atom feed from the query API, and read it into a Paper.

Everything here is pure except `fetch_feed`, the only function that touches the network.
"""

from __future__ import annotations

import email.utils
import http
import http.client
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from drafter import __version__
from drafter.errors import (
    ArxivRejected,
    ArxivResponseInvalid,
    ArxivUnavailable,
    ConfigError,
    InvalidArxivId,
    PaperNotFound,
)

DEFAULT_API = "https://export.arxiv.org/api/query"
API_ENV = "DRAFTER_ARXIV_API"
USER_AGENT = f"drafter/{__version__} (+https://github.com/drafter)"

# A Retry-After longer than this is an outage, not a hiccup: a CLI should not sit silent for it.
MAX_RETRY_AFTER = 60.0

_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}

# Archives that had old-style ids (archive/YYMMNNN). The list is closed: arXiv switched to
# YYMM.NNNN ids in April 2007, so a whitelist rejects typos without ever going stale.
_OLD_ARCHIVES = frozenset(
    """acc-phys adap-org alg-geom ao-sci astro-ph atom-ph bayes-an chao-dyn chem-ph cmp-lg
    comp-gas cond-mat cs dg-ga funct-an gr-qc hep-ex hep-lat hep-ph hep-th math math-ph
    mtrl-th nlin nucl-ex nucl-th patt-sol physics plasm-ph q-alg q-bio quant-ph solv-int
    supr-con""".split()
)

# re.ASCII throughout: \d must not match Arabic-Indic or full-width digits.
_NEW_ID = re.compile(r"(?P<yy>\d\d)(?P<mm>\d\d)\.(?P<num>\d{4,5})(?:v(?P<v>[1-9]\d*))?", re.ASCII)
_OLD_ID = re.compile(
    r"(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.(?P<subj>[a-z]{2}))?/(?P<yy>\d\d)(?P<mm>\d\d)(?P<num>\d{3})"
    r"(?:v(?P<v>[1-9]\d*))?",
    re.ASCII | re.IGNORECASE,
)
_PREFIX = re.compile(r"arxiv:", re.IGNORECASE)
_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?P<kind>abs|pdf)/(?P<id>[^?#]+?)/?(?:[?#].*)?",
    re.ASCII | re.IGNORECASE,
)
_ENTRY_ID = re.compile(r"https?://(?:www\.|export\.)?arxiv\.org/abs/(?P<base>.+?)(?:v(?P<v>\d+))?", re.ASCII)
_ERROR_ID = re.compile(r"https?://(?:www\.|export\.)?arxiv\.org/api/errors", re.ASCII)


@dataclass(frozen=True)
class ArxivId:
    """A canonical arXiv identifier, optionally pinned to one version."""

    base: str
    version: int | None = None

    def __str__(self) -> str:
        """Return the id as arXiv writes it, with "vN" when a version is pinned."""
        return self.base if self.version is None else f"{self.base}v{self.version}"


@dataclass(frozen=True)
class Author:
    """One author as the feed lists them."""

    name: str
    affiliations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paper:
    """The metadata of one version of one paper."""

    arxiv_id: str
    base_id: str
    version: int
    title: str
    authors: tuple[Author, ...]
    abstract: str
    categories: tuple[str, ...]
    published: str
    updated: str
    comment: str | None
    journal_ref: str | None
    doi: str | None
    abs_url: str
    pdf_url: str

    @property
    def primary_category(self) -> str:
        """Return the primary category, which parse_feed always puts first."""
        return self.categories[0]

    @property
    def year(self) -> int:
        """Return the year of first publication."""
        return int(self.published[:4])

    @property
    def author_names(self) -> tuple[str, ...]:
        """Return the authors' names in feed order."""
        return tuple(author.name for author in self.authors)


@dataclass(frozen=True)
class FeedResponse:
    """What one HTTP exchange with the API returned."""

    url: str
    status: int
    body: str


# ---------------------------------------------------------------- identifiers


def parse_id(text: str) -> ArxivId:
    """Parse an arXiv id, "arXiv:" id, or arxiv.org abs/pdf URL into an ArxivId."""
    candidate = text.strip()
    url = _URL.fullmatch(candidate)
    if url is not None:
        candidate = url["id"]
        # Only PDF links carry the ".pdf" suffix; an abs URL ending in .pdf is not an id.
        if url["kind"].lower() == "pdf" and candidate.endswith(".pdf"):
            candidate = candidate[: -len(".pdf")]
    elif _PREFIX.match(candidate):
        candidate = candidate[len("arxiv:") :]
    parsed = _parse_bare_id(candidate)
    if parsed is None:
        raise InvalidArxivId(text)
    return parsed


def _parse_bare_id(text: str) -> ArxivId | None:
    """Parse an id with no prefix or URL around it, or return None."""
    new = _NEW_ID.fullmatch(text)
    if new is not None:
        yymm = int(new["yy"] + new["mm"])
        if not 1 <= int(new["mm"]) <= 12 or yymm < 704:
            return None
        # Four-digit sequence numbers ran until 1412; from 1501 on there are always five.
        if len(new["num"]) != (4 if yymm <= 1412 else 5):
            return None
        return ArxivId(f"{new['yy']}{new['mm']}.{new['num']}", _version(new["v"]))
    old = _OLD_ID.fullmatch(text)
    if old is not None:
        archive = old["archive"].lower()
        if archive not in _OLD_ARCHIVES or not 1 <= int(old["mm"]) <= 12:
            return None
        # The subject class (math.GT/...) is not part of the canonical id: the API answers
        # with math/0309136, and the id-mismatch check compares against that.
        return ArxivId(f"{archive}/{old['yy']}{old['mm']}{old['num']}", _version(old["v"]))
    return None


def _version(text: str | None) -> int | None:
    """Turn a matched version number into an int, keeping None for "unversioned"."""
    return None if text is None else int(text)


# ---------------------------------------------------------------- API endpoint


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


# ---------------------------------------------------------------- parsing


def paper_from_response(response: FeedResponse, requested: ArxivId) -> Paper:
    """Turn one recorded HTTP exchange into a Paper or the error that explains it."""
    if response.status == 200:
        return parse_feed(response.body, requested)
    # arXiv answers a malformed id with HTTP 400 *and* its error entry; that is the user's
    # typo, not an outage, so it must not be reported as "try again in a minute".
    try:
        root = _parse_root(response.body, requested)
    except ArxivResponseInvalid:
        root = None
    if root is not None:
        for entry in root.findall("atom:entry", _NS):
            _raise_if_error_entry(entry, requested)
    raise ArxivUnavailable(str(requested), _status_reason(response.status), response.url)


def parse_feed(xml_text: str, requested: ArxivId) -> Paper:
    """Read the Atom feed the API returned for `requested` into a Paper."""
    root = _parse_root(xml_text, requested)
    entries = root.findall("atom:entry", _NS)
    for entry in entries:
        _raise_if_error_entry(entry, requested)
    if len(entries) == 0:
        raise PaperNotFound(str(requested))
    found: list[str] = []
    for entry in entries:
        entry_id = _text(entry, "atom:id")
        match = _ENTRY_ID.fullmatch(entry_id or "")
        if match is None:
            raise ArxivResponseInvalid(str(requested), f"entry id {entry_id!r} is not an arXiv abs URL")
        if match["base"] == requested.base:
            return _paper(entry, requested, match["v"])
        found.append(entry_id)
    # arXiv drops ids it cannot resolve and may answer with another paper; never pass that off
    # as the one the user asked for.
    raise ArxivResponseInvalid(str(requested), f"asked for {requested} but the feed holds {', '.join(found)}")


def _parse_root(xml_text: str, requested: ArxivId) -> ET.Element:
    """Parse the text as XML and check that it is an Atom feed."""
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as error:
        raise ArxivResponseInvalid(str(requested), f"not XML: {error}") from None
    if root.tag != f"{{{_NS['atom']}}}feed":
        raise ArxivResponseInvalid(str(requested), f"root element is {root.tag!r}, not an Atom feed")
    return root


def _raise_if_error_entry(entry: ET.Element, requested: ArxivId) -> None:
    """Raise ArxivRejected when the entry is arXiv's error report rather than a paper."""
    # Matched on the id, not the title: a real paper may well be titled "Error".
    if _ERROR_ID.match(_text(entry, "atom:id") or "") is None:
        return
    reason = _text(entry, "atom:summary")
    if reason is None or reason == "":
        reason = "arXiv gave no reason"
    raise ArxivRejected(str(requested), reason)


def _paper(entry: ET.Element, requested: ArxivId, served_version: str | None) -> Paper:
    """Build a Paper from the entry that matched the requested id."""
    ident = str(requested)
    # A versioned request names the version the user wants to write about; keep it.
    if requested.version is not None:
        version = requested.version
    elif served_version is not None:
        version = int(served_version)
    else:
        raise ArxivResponseInvalid(ident, "entry id carries no version")
    versioned = f"{requested.base}v{version}"

    title = _required(entry, "atom:title", ident)
    abstract = _required(entry, "atom:summary", ident)
    published = _required(entry, "atom:published", ident)
    if re.match(r"\d{4}-", published, re.ASCII) is None:
        raise ArxivResponseInvalid(ident, f"published date {published!r} is not ISO 8601")
    updated = _text(entry, "atom:updated")
    return Paper(
        arxiv_id=versioned,
        base_id=requested.base,
        version=version,
        title=title,
        authors=_authors(entry),
        abstract=abstract,
        categories=_categories(entry, ident),
        published=published,
        # A first version's updated equals its published date; missing means the same.
        updated=published if updated is None or updated == "" else updated,
        comment=_optional(entry, "arxiv:comment"),
        journal_ref=_optional(entry, "arxiv:journal_ref"),
        doi=_optional(entry, "arxiv:doi"),
        abs_url=f"https://arxiv.org/abs/{versioned}",
        pdf_url=f"https://arxiv.org/pdf/{versioned}",
    )


def _authors(entry: ET.Element) -> tuple[Author, ...]:
    """Read the authors in feed order, repairing double-encoded names."""
    authors = []
    for element in entry.findall("atom:author", _NS):
        name = _text(element, "atom:name")
        if name is None or name == "":
            continue
        affiliations = tuple(
            _repair_mojibake(text)
            for text in (_normalise(_all_text(a)) for a in element.findall("arxiv:affiliation", _NS))
            if text != ""
        )
        authors.append(Author(_repair_mojibake(name), affiliations))
    return tuple(authors)


def _categories(entry: ET.Element, ident: str) -> tuple[str, ...]:
    """Return the primary category first, then the rest in feed order, without duplicates."""
    terms = []
    primary = entry.find("arxiv:primary_category", _NS)
    if primary is not None:
        terms.append(primary.get("term", "").strip())
    terms.extend(c.get("term", "").strip() for c in entry.findall("atom:category", _NS))
    categories = tuple(dict.fromkeys(t for t in terms if t != ""))
    if len(categories) == 0:
        raise ArxivResponseInvalid(ident, "entry has no category")
    return categories


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1 ("Ã©" -> "é"); leave anything else alone."""
    try:
        repaired = text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        # Not representable in Latin-1, or not valid UTF-8 once re-encoded: it was never
        # double-encoded (a genuine "é" alone is not valid UTF-8), so keep it.
        return text
    return repaired


def _text(parent: ET.Element, path: str) -> str | None:
    """Return the normalised text of the first child at path, or None when there is none."""
    element = parent.find(path, _NS)
    return None if element is None else _normalise(_all_text(element))


def _required(parent: ET.Element, path: str, ident: str) -> str:
    """Return the normalised text at path, raising when the element is missing or blank."""
    text = _text(parent, path)
    if text is None or text == "":
        raise ArxivResponseInvalid(ident, f"entry has no {path.split(':')[1]}")
    return text


def _optional(parent: ET.Element, path: str) -> str | None:
    """Return the normalised text at path, with missing and blank both meaning None."""
    text = _text(parent, path)
    return None if text is None or text == "" else text


def _all_text(element: ET.Element) -> str:
    """Return all text inside the element, children included."""
    return "".join(element.itertext())


def _normalise(text: str) -> str:
    """Collapse whitespace runs (the old format hard-wraps at 80 columns) to single spaces."""
    return " ".join(text.split())


def _status_reason(status: int) -> str:
    """Describe an HTTP status as "HTTP 503 Service Unavailable"."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"
    return f"HTTP {status} {phrase}"


# ---------------------------------------------------------------- I/O


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
    min_interval: float = 3.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FeedResponse:
    """GET the API's feed for one id, retrying outages politely; the only network I/O here."""
    _check_api_base(api_base)
    return _fetch(query_url(api_base, arxiv_id), str(arxiv_id), timeout=timeout, attempts=attempts,
                  min_interval=min_interval, sleep=sleep, clock=clock)


def fetch_many(arxiv_ids: list[ArxivId], api_base: str, **options: object) -> FeedResponse:
    """GET one feed for many ids (`id_list` with commas, `max_results` their number); parse_feed picks each out.

    arXiv has been seen to leave an id of a list out silently: a caller fetches any missing one alone.
    """
    _check_api_base(api_base)
    query = urllib.parse.urlencode({"id_list": ",".join(str(i) for i in arxiv_ids), "max_results": len(arxiv_ids)})
    separator = "&" if "?" in api_base else "?"
    return _fetch(f"{api_base}{separator}{query}", ", ".join(str(i) for i in arxiv_ids), **options)  # type: ignore[arg-type]


def _fetch(
    url: str,
    label: str,
    *,
    timeout: float = 30.0,
    attempts: int = 3,
    min_interval: float = 3.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FeedResponse:
    """GET one query URL, retrying outages politely."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")
    last_start: float | None = None
    retry_after = 0.0
    reason = "no attempt made"
    for attempt in range(1, attempts + 1):
        if last_start is not None:
            # arXiv asks for at most one request every 3 s; a Retry-After can only lengthen that.
            delay = max(min_interval - (clock() - last_start), retry_after)
            if delay > 0:
                sleep(delay)
        last_start = clock()
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
    """Read a Retry-After header (seconds or an HTTP date) as seconds; 0 when absent or unreadable."""
    if value is None:
        return 0.0
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
