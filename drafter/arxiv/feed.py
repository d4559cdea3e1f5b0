"""The arXiv API's Atom feed read into a Paper, or into the error that explains the answer. Pure: no I/O here."""

from __future__ import annotations

import http
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from drafter.errors import ArxivRejected, ArxivResponseInvalid, ArxivUnavailable, PaperNotFound

from .ids import ArxivId

_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}

_ENTRY_ID = re.compile(r"https?://(?:www\.|export\.)?arxiv\.org/abs/(?P<base>.+?)(?:v(?P<v>\d+))?", re.ASCII)
_ERROR_ID = re.compile(r"https?://(?:www\.|export\.)?arxiv\.org/api/errors", re.ASCII)


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


