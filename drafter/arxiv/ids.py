"""arXiv identifiers: every form people paste (bare, `arXiv:`, abs/pdf/html URLs) parsed into one ArxivId. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.errors import InvalidArxivId

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
# abs/, pdf/ and html/ pages on arxiv.org, www.arxiv.org and export.arxiv.org. An HTML page may carry a
# trailing slash, a file inside it (`/index.html`, `/S3.html`) or an anchor (`#S3`).
_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?P<kind>abs|pdf|html)/(?P<id>[^?#]+?)/?(?:[?#].*)?",
    re.ASCII | re.IGNORECASE,
)
_HTML_FILE = re.compile(r"(?P<id>.+?)/[\w.-]+\.html", re.ASCII)


@dataclass(frozen=True)
class ArxivId:
    """A canonical arXiv identifier, optionally pinned to one version."""

    base: str
    version: int | None = None

    def __str__(self) -> str:
        """Return the id as arXiv writes it, with "vN" when a version is pinned."""
        return self.base if self.version is None else f"{self.base}v{self.version}"


def parse_id(text: str) -> ArxivId:
    """Parse an arXiv id, "arXiv:" id, or arxiv.org abs/pdf/html URL into an ArxivId."""
    candidate = text.strip()
    url = _URL.fullmatch(candidate)
    if url is not None:
        candidate = url["id"]
        kind = url["kind"].lower()
        # Only PDF links carry the ".pdf" suffix; an abs URL ending in .pdf is not an id.
        if kind == "pdf" and candidate.endswith(".pdf"):
            candidate = candidate[: -len(".pdf")]
        elif kind == "html":
            inside = _HTML_FILE.fullmatch(candidate)
            if inside is not None and _parse_bare_id(candidate) is None:
                candidate = inside["id"]
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
