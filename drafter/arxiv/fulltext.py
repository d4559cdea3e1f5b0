"""Fetch a paper's full text: arXiv's HTML first, else the LaTeX e-print, else nothing (and one line saying why).

One request to each service per paper, no retries (a miss falls back, it never fails the run), a shared
3-second spacing per service across papers, and archives read in memory: no member is ever written to
disk, absolute names and `..` are ignored, and the download and the unpacked text have size limits.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import posixpath
import tarfile
import urllib.parse
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from drafter.errors import ConfigError

from .api import USER_AGENT, RateLimiter, _network_reason, limiter_for
from .feed import _status_reason
from .text import Fetched, PaperText, Section

HTML_ENV = "DRAFTER_ARXIV_HTML"
DEFAULT_HTML = "https://arxiv.org/html"
EPRINT_ENV = "DRAFTER_ARXIV_EPRINT"
DEFAULT_EPRINT = "https://arxiv.org/e-print"

MAX_DOWNLOAD_BYTES = 40 * 1024 * 1024  # an e-print with its figures; more is refused, not read
MAX_TEXT_BYTES = 8 * 1024 * 1024  # the .tex and .bbl text once unpacked (a decompression bomb stops here)
MAX_MEMBERS = 20_000
TIMEOUT = 30.0


class FullTextUnavailable(Exception):
    """This source gave no text; `reason` is one short clause ("HTTP 404 Not Found", "a PDF-only submission")."""

    def __init__(self, reason: str, not_found: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.not_found = not_found


@dataclass(frozen=True)
class Endpoints:
    """Where the paper's HTML and e-print are fetched from."""

    html: str = DEFAULT_HTML
    eprint: str = DEFAULT_EPRINT


def endpoints_from_env(environ: Mapping[str, str]) -> Endpoints:
    """The HTML and e-print bases from DRAFTER_ARXIV_HTML and DRAFTER_ARXIV_EPRINT (defaults: arxiv.org)."""
    bases = []
    for variable, default in ((HTML_ENV, DEFAULT_HTML), (EPRINT_ENV, DEFAULT_EPRINT)):
        value = environ.get(variable, "").strip() or default
        parts = urllib.parse.urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise ConfigError(variable, f"{value!r} is not an http(s) URL; e.g. {default}")
        bases.append(value.rstrip("/"))
    return Endpoints(*bases)


# ------------------------------------------------------------------ fetching


def fetch(arxiv_id: str, endpoints: Endpoints, *, timeout: float = TIMEOUT,
          limiters: Mapping[str, RateLimiter] | None = None) -> Fetched:
    """The paper's text: HTML at `<html>/<id>`, else the e-print at `<eprint>/<id>`; never raises for a miss.

    An unversioned `arxiv_id` gets the latest version, as the API's answer does.
    """
    from . import html, latex  # the readers (selectolax among them) load only when a paper is fetched

    limiters = limiters or {"html": limiter_for("html"), "e-print": limiter_for("e-print")}
    reasons = []
    html_url = f"{endpoints.html}/{arxiv_id}"
    try:
        data = download(html_url, timeout=timeout, limiter=limiters["html"], accept="text/html")
        # Recorded under arXiv's own URL, not the mirror's: a test server's port must not change a cassette.
        return Fetched(PaperText("html", f"{DEFAULT_HTML}/{arxiv_id}", _digest(data), tuple(html.read(data))))
    except FullTextUnavailable as error:
        reasons.append("no HTML" if error.not_found else f"HTML: {error.reason}")
    except html.HtmlUnreadable as error:
        reasons.append(f"HTML: {error}")
    eprint_url = f"{endpoints.eprint}/{arxiv_id}"
    try:
        data = download(eprint_url, timeout=timeout, limiter=limiters["e-print"], accept="application/x-eprint-tar, */*")
        return Fetched(PaperText("latex", f"{DEFAULT_EPRINT}/{arxiv_id}", _digest(data), tuple(read_eprint(data))))
    except FullTextUnavailable as error:
        reasons.append("no source" if error.not_found else f"source: {error.reason}")
    except latex.LatexUnreadable as error:
        reasons.append(f"source: {error}")
    return Fetched(None, f"full text of {arxiv_id} unavailable ({'; '.join(reasons)}): the model sees the abstract alone")


def fetch_guarded(arxiv_id: str, endpoints: Endpoints, *, limiters: Mapping[str, RateLimiter] | None = None) -> Fetched:
    """`fetch`, where a reader's bug on some paper's odd source leaves the abstract: it never stops the run."""
    try:
        return fetch(arxiv_id, endpoints, limiters=limiters)
    except Exception as error:  # noqa: BLE001 - any failure here means "no full text", said in one line
        return Fetched(None, f"full text of {arxiv_id} could not be read ({type(error).__name__}: {error}): "
                             "the model sees the abstract alone")


def download(url: str, *, timeout: float, limiter: RateLimiter, accept: str, limit: int = MAX_DOWNLOAD_BYTES) -> bytes:
    """One GET, its body read up to `limit` bytes; anything else is FullTextUnavailable."""
    # Loaded here, not at import: `drafter check` imports this module but fetches only when nothing is kept.
    import http.client
    import urllib.error
    import urllib.request

    limiter.wait()
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FullTextUnavailable(f"{int(declared) // 2**20} MB is over the {limit // 2**20} MB limit")
            body = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        error.close()
        raise FullTextUnavailable(_status_reason(error.code), not_found=error.code in (403, 404, 410)) from None
    except urllib.error.URLError as error:
        raise FullTextUnavailable(_network_reason(error.reason)) from None
    except (OSError, http.client.HTTPException) as error:
        raise FullTextUnavailable(_network_reason(error)) from None
    if len(body) > limit:
        raise FullTextUnavailable(f"the download is over the {limit // 2**20} MB limit")
    return body


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------ e-prints, in memory


def read_eprint(data: bytes, *, text_limit: int = MAX_TEXT_BYTES) -> list[Section]:
    """An e-print's sections: a gzipped tar, a plain tar, or a single gzipped .tex; a PDF is unavailable."""
    from . import latex

    if data.startswith(b"%PDF"):
        raise FullTextUnavailable("a PDF-only submission, no LaTeX source")
    if data[:2] == b"\x1f\x8b":
        head = _gunzip(data, 512, exact=False)
        if _is_tar(head):
            return latex.read(_tar_members(data, "r:gz", text_limit))
        single = _gunzip(data, text_limit)
        if b"\\documentclass" not in single and b"\\begin{document}" not in single:
            raise FullTextUnavailable("the gzipped source is not LaTeX")
        return latex.read({"main.tex": single})
    if _is_tar(data[:512]):
        return latex.read(_tar_members(data, "r:", text_limit))
    if b"\\documentclass" in data[:text_limit]:
        return latex.read({"main.tex": data[:text_limit]})
    raise FullTextUnavailable("the source is neither a tar, a gzip nor LaTeX")


def _is_tar(block: bytes) -> bool:
    return len(block) >= 262 and block[257:262] == b"ustar"


def _gunzip(data: bytes, limit: int, *, exact: bool = True) -> bytes:
    """Decompress at most `limit` bytes; more than that (when `exact`) or a corrupt stream is unavailable."""
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = inflater.decompress(data, limit + 1)
    except zlib.error as error:
        raise FullTextUnavailable(f"the gzip is corrupt ({error})") from None
    if exact and len(out) > limit:
        raise FullTextUnavailable(f"the unpacked source is over the {limit // 2**20} MB limit")
    if exact and not inflater.eof and not inflater.unconsumed_tail:
        raise FullTextUnavailable("the gzip is truncated")
    return out


def _safe_name(name: str) -> str | None:
    """A member's name inside the archive, or None for absolute names and any `..` (never followed)."""
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return None
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return None
    normal = posixpath.normpath("/".join(parts))
    return None if normal in (".", "") or normal.startswith("../") else normal


def _tar_members(data: bytes, mode: str, text_limit: int) -> dict[str, bytes]:
    """The text members (.tex, .bbl, .ltx) of a tar read from memory: nothing is extracted to disk."""
    files: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode=mode) as archive:
            for count, member in enumerate(archive):
                if count >= MAX_MEMBERS:
                    raise FullTextUnavailable(f"the archive has more than {MAX_MEMBERS} members")
                if not member.isfile():
                    continue  # links, devices and folders are never followed
                name = _safe_name(member.name)
                if name is None or not name.lower().endswith((".tex", ".bbl", ".ltx")):
                    continue
                total += member.size
                if total > text_limit:
                    raise FullTextUnavailable(f"the unpacked source is over the {text_limit // 2**20} MB limit")
                stream = archive.extractfile(member)
                if stream is not None:
                    files[name] = stream.read(member.size)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, OSError) as error:
        raise FullTextUnavailable(f"the archive is corrupt ({' '.join(str(error).split())[:80] or type(error).__name__})") from None
    if not files:
        raise FullTextUnavailable("the archive holds no .tex file")
    return files
