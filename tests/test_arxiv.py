"""Tests for drafter.arxiv: id parsing, feed parsing against real API responses, and fetching
from a real HTTP server on 127.0.0.1 (urllib is never patched)."""

from __future__ import annotations

import http.server
import socket
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from drafter import __version__
from drafter.arxiv import (
    DEFAULT_API,
    ArxivId,
    Author,
    FeedResponse,
    Paper,
    api_base_from_env,
    fetch_feed,
    paper_from_response,
    parse_feed,
    parse_id,
    query_url,
)
from drafter.errors import (
    ArxivRejected,
    ArxivResponseInvalid,
    ArxivUnavailable,
    ConfigError,
    DrafterError,
    InvalidArxivId,
    PaperNotFound,
)

ARXIV_DATA = Path(__file__).parent / "data" / "arxiv"


def shared(name: str) -> str:
    """Return one recorded API response from tests/data/arxiv."""
    return (ARXIV_DATA / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- parse_id

ACCEPTED = [
    ("2106.09685", "2106.09685", None),
    ("2106.09685v2", "2106.09685", 2),
    ("2106.09685v12", "2106.09685", 12),
    ("arXiv:2106.09685", "2106.09685", None),
    ("ARXIV:2106.09685v3", "2106.09685", 3),
    ("arxiv:hep-th/9901001", "hep-th/9901001", None),
    ("hep-th/9901001", "hep-th/9901001", None),
    ("hep-th/9901001v2", "hep-th/9901001", 2),
    ("astro-ph/0601001", "astro-ph/0601001", None),
    ("math.GT/0309136", "math/0309136", None),
    ("math.GT/0309136v1", "math/0309136", 1),
    ("0704.0001", "0704.0001", None),
    ("1412.6980v9", "1412.6980", 9),
    ("1501.00001", "1501.00001", None),
    ("https://arxiv.org/abs/2106.09685", "2106.09685", None),
    ("http://arxiv.org/abs/2106.09685v2", "2106.09685", 2),
    ("arxiv.org/abs/2106.09685", "2106.09685", None),
    ("https://www.arxiv.org/abs/2106.09685", "2106.09685", None),
    ("https://arxiv.org/pdf/2106.09685v1", "2106.09685", 1),
    ("https://arxiv.org/pdf/2106.09685v1.pdf", "2106.09685", 1),
    ("https://arxiv.org/pdf/2106.09685", "2106.09685", None),
    ("https://export.arxiv.org/abs/2106.09685", "2106.09685", None),
    ("https://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001", 1),
    ("https://arxiv.org/pdf/astro-ph/0601001.pdf", "astro-ph/0601001", None),
    ("HTTPS://ArXiv.org/abs/2106.09685", "2106.09685", None),
    ("https://arxiv.org/abs/2106.09685?context=cs.LG", "2106.09685", None),
    ("https://arxiv.org/abs/2106.09685/", "2106.09685", None),
    ("  2106.09685\n", "2106.09685", None),
    ("\thttps://arxiv.org/abs/2106.09685v2  ", "2106.09685", 2),
    # Issue 10 item 9: the HTML page and the export mirror's abs page, as people paste them.
    ("https://arxiv.org/html/2106.09685v2", "2106.09685", 2),
    ("https://arxiv.org/html/2106.09685v2/", "2106.09685", 2),
    ("https://arxiv.org/html/2106.09685v2#S4", "2106.09685", 2),
    ("https://arxiv.org/html/2106.09685v2/index.html", "2106.09685", 2),
    ("arxiv.org/html/2106.09685", "2106.09685", None),
    ("export.arxiv.org/abs/2106.09685v1", "2106.09685", 1),
    ("http://export.arxiv.org/abs/hep-th/9901001", "hep-th/9901001", None),
]


@pytest.mark.parametrize(("text", "base", "version"), ACCEPTED)
def test_parse_id_accepts(text: str, base: str, version: int | None) -> None:
    """Every form a user pastes resolves to the canonical base id and version."""
    assert parse_id(text) == ArxivId(base, version)


REJECTED = [
    "abc",
    "",
    "   ",
    "2106.0968",  # four digits after 2015: a digit went missing
    "2106.096855",
    "21o6.09685",
    "2106.09685v",
    "2106.09685v0",
    "2106.09685vv2",
    "2113.00001",  # month 13
    "2100.00001",  # month 0
    "1412.00001",  # five digits before 2015
    "1501.0001",  # four digits from 2015 on
    "0703.0001",  # new-style ids start at 0704
    "２１０６.０９６８５",  # full-width digits
    "hep-th/990100",
    "hep-th/9913001",
    "foo-th/9901001",
    "hep-th9901001",
    "arXiv 2106.09685",
    "2106.09685 2106.09686",
    "https://example.com/abs/2106.09685",
    "https://arxiv.org/html/",
    "https://arxiv.org/html/not-an-id",
    "https://arxiv.org/list/2106.09685",
    "https://evilarxiv.org/abs/2106.09685",
    "https://arxiv.org.example.com/abs/2106.09685",
    "https://arxiv.org/list/2106.09685",
    "https://arxiv.org/abs/2106.09685.pdf",
    "https://arxiv.org/abs/",
    "ftp://arxiv.org/abs/2106.09685",
]


@pytest.mark.parametrize("text", REJECTED)
def test_parse_id_rejects(text: str) -> None:
    """Anything that is not an arXiv id fails early, and the message quotes what the user typed."""
    with pytest.raises(InvalidArxivId) as caught:
        parse_id(text)
    assert caught.value.text == text
    # DrafterError collapses whitespace, so compare against the collapsed repr.
    assert " ".join(repr(text).split()) in str(caught.value)


@pytest.mark.parametrize(
    ("arxiv_id", "text"),
    [
        (ArxivId("2106.09685", None), "2106.09685"),
        (ArxivId("2106.09685", 2), "2106.09685v2"),
        (ArxivId("hep-th/9901001", 1), "hep-th/9901001v1"),
    ],
)
def test_arxiv_id_str(arxiv_id: ArxivId, text: str) -> None:
    """str() gives the id as arXiv writes it, and parses back to the same value."""
    assert str(arxiv_id) == text
    assert parse_id(str(arxiv_id)) == arxiv_id


# ---------------------------------------------------------------- real responses

PAPERS = {
    "1706.03762.xml": (
        "1706.03762",
        dict(
            arxiv_id="1706.03762v7",
            base_id="1706.03762",
            version=7,
            title="Attention Is All You Need",
            categories=("cs.CL", "cs.LG"),
            primary_category="cs.CL",
            published="2017-06-12T17:57:34Z",
            updated="2023-08-02T00:41:18Z",
            year=2017,
            comment="15 pages, 5 figures",
            journal_ref=None,
            doi=None,
            abs_url="https://arxiv.org/abs/1706.03762v7",
            pdf_url="https://arxiv.org/pdf/1706.03762v7",
            author_names=(
                "Ashish Vaswani",
                "Noam Shazeer",
                "Niki Parmar",
                "Jakob Uszkoreit",
                "Llion Jones",
                "Aidan N. Gomez",
                "Lukasz Kaiser",
                "Illia Polosukhin",
            ),
        ),
        "The dominant sequence transduction models",
    ),
    "1605.08386.xml": (
        "1605.08386",
        dict(
            arxiv_id="1605.08386v1",
            base_id="1605.08386",
            version=1,
            title="Heat-bath random walks with Markov bases",
            categories=("math.CO", "math.ST"),
            primary_category="math.CO",
            published="2016-05-26T17:59:46Z",
            updated="2016-05-26T17:59:46Z",
            year=2016,
            comment="20 pages, 3 figures",
            journal_ref=None,
            doi=None,
            abs_url="https://arxiv.org/abs/1605.08386v1",
            pdf_url="https://arxiv.org/pdf/1605.08386v1",
            author_names=("Caprice Stanley", "Tobias Windisch"),
        ),
        "Graphs on lattice points are studied",
    ),
    "astro-ph_0601001.xml": (
        "astro-ph/0601001",
        dict(
            arxiv_id="astro-ph/0601001v1",
            base_id="astro-ph/0601001",
            version=1,
            title=(
                "Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys "
                "Toward the Galactic Bulge and Carina"
            ),
            categories=("astro-ph",),
            primary_category="astro-ph",
            published="2006-01-02T14:57:58Z",
            year=2006,
            journal_ref="ActaAstron.56:1-50,2006",
            doi=None,
            abs_url="https://arxiv.org/abs/astro-ph/0601001v1",
            pdf_url="https://arxiv.org/pdf/astro-ph/0601001v1",
            authors=(
                Author("Andrew Gould", ("Ohio State",)),
                Author("Susan Dorsher", ("Ohio State",)),
                Author("B. Scott Gaudi", ("CfA",)),
                Author("Andrzej Udalski", ("Warsaw University Observatory",)),
            ),
        ),
        "We derive the frequencies of hot Jupiters",
    ),
    "2106.09685.xml": (
        "2106.09685",
        dict(
            arxiv_id="2106.09685v2",
            base_id="2106.09685",
            version=2,
            title="LoRA: Low-Rank Adaptation of Large Language Models",
            categories=("cs.CL", "cs.AI", "cs.LG"),
            primary_category="cs.CL",
            published="2021-06-17T17:37:18Z",
            updated="2021-10-16T13:56:12Z",
            year=2021,
            comment="Draft V2 includes better baselines, experiments on GLUE, and more on adapter latency",
            journal_ref=None,
            doi=None,
            abs_url="https://arxiv.org/abs/2106.09685v2",
            pdf_url="https://arxiv.org/pdf/2106.09685v2",
        ),
        "An important paradigm of natural language processing consists",
    ),
}
FAILURES = {
    "error-abc.xml": (ArxivId("abc"), ArxivRejected),
    "empty-0000.0000.xml": (ArxivId("0000.0000"), PaperNotFound),
}


def test_every_shared_response_is_covered() -> None:
    """A response added to tests/data/arxiv must get expectations here, not be skipped silently."""
    assert sorted(p.name for p in ARXIV_DATA.glob("*.xml")) == sorted([*PAPERS, *FAILURES])


@pytest.mark.parametrize("name", sorted(PAPERS))
def test_parse_shared_papers(name: str) -> None:
    """Both response formats (namespaces per element or once on the feed) give the recorded fields."""
    requested, expected, abstract_start = PAPERS[name]
    paper = parse_feed(shared(name), parse_id(requested))
    for attribute, value in expected.items():
        assert getattr(paper, attribute) == value, attribute
    assert paper.abstract.startswith(abstract_start)


@pytest.mark.parametrize("name", sorted(PAPERS))
def test_shared_paper_text_is_normalised(name: str) -> None:
    """The old format hard-wraps the summary at 80 columns and indents it; none of that may leak."""
    requested, _, _ = PAPERS[name]
    paper = parse_feed(shared(name), parse_id(requested))
    for text in (paper.title, paper.abstract, paper.comment or "", *paper.author_names):
        assert "\n" not in text and "  " not in text and text == text.strip()


def test_transformer_abstract_ends_cleanly() -> None:
    """The 1706.03762 summary's trailing newline and leading two spaces are dropped."""
    paper = parse_feed(shared("1706.03762.xml"), parse_id("1706.03762"))
    assert paper.abstract.startswith("The dominant sequence transduction models are based on complex recurrent or convolutional")
    assert paper.abstract.endswith("with large and limited training data.")
    assert len(paper.authors) == 8


def test_astro_ph_entities_decoded() -> None:
    """&amp; and &lt; in the summary arrive as & and <, and TeX is kept verbatim."""
    paper = parse_feed(shared("astro-ph_0601001.xml"), parse_id("astro-ph/0601001"))
    assert "Gould & Morgan (2003)" in paper.abstract
    assert "V_max<17.5" in paper.abstract
    assert "(1^{+1.39}_{-0.59})" in paper.abstract
    assert "&amp;" not in paper.abstract and "&lt;" not in paper.abstract
    assert paper.comment is not None and paper.comment.startswith("62 pages including 16 figures")


@pytest.mark.parametrize(
    ("name", "status"),
    [("error-abc.xml", 400), ("error-abc.xml", 200), ("empty-0000.0000.xml", 200)],
)
def test_shared_failures(name: str, status: int) -> None:
    """The error entry is a rejection and the empty feed a not-found, both naming the requested id."""
    requested, error = FAILURES[name]
    with pytest.raises(error) as caught:
        paper_from_response(FeedResponse("http://x/api/query", status, shared(name)), requested)
    assert caught.value.arxiv_id == str(requested)
    assert str(requested) in str(caught.value)


def test_error_entry_reason() -> None:
    """The rejection carries arXiv's own explanation from the error entry's summary."""
    with pytest.raises(ArxivRejected) as caught:
        parse_feed(shared("error-abc.xml"), ArxivId("abc"))
    assert caught.value.reason == "incorrect id format for abc"


# ---------------------------------------------------------------- synthetic variants


def variant(old: str, new: str, name: str = "1605.08386.xml") -> str:
    """Return a real response with one piece replaced, failing loudly if the piece is absent."""
    text = shared(name)
    assert old in text, old
    return text.replace(old, new)


HEAT_BATH_TITLE = "<title>Heat-bath random walks with Markov bases</title>"
HEAT_BATH = ArxivId("1605.08386")


def test_title_zero_is_a_title() -> None:
    """A paper titled "0" was rejected as having no title because the code tested truthiness."""
    paper = parse_feed(variant(HEAT_BATH_TITLE, "<title>0</title>"), HEAT_BATH)
    assert paper.title == "0"


def test_paper_titled_error_is_not_an_error_entry() -> None:
    """Detecting the error entry by its title "Error" would turn a real paper into a rejection."""
    paper = parse_feed(variant(HEAT_BATH_TITLE, "<title>Error</title>"), HEAT_BATH)
    assert paper.title == "Error"


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        ("JosÃ© GarcÃ\xada", "José García"),
        ("MÃ¼ller", "Müller"),
        ("José García", "José García"),  # already right: Latin-1 bytes of it are not UTF-8
        ("Łukasz Kaiser", "Łukasz Kaiser"),  # not Latin-1 at all
        ("Caprice Stanley", "Caprice Stanley"),
    ],
)
def test_mojibake_author_repaired(served: str, expected: str) -> None:
    """Names served as double-encoded UTF-8 ("JosÃ©") reached the post as mojibake."""
    paper = parse_feed(variant("<name>Caprice Stanley</name>", f"<name>{served}</name>"), HEAT_BATH)
    assert paper.author_names[0] == expected


def test_mojibake_via_character_references() -> None:
    """Double encoding written as character references (&#195;&#169;) is repaired the same way."""
    paper = parse_feed(variant("<name>Caprice Stanley</name>", "<name>Jos&#195;&#169;</name>"), HEAT_BATH)
    assert paper.author_names[0] == "José"


def test_whitespace_collapsed_everywhere() -> None:
    """Hard-wrapped titles, names, comments and journal refs come out as single-spaced lines."""
    text = variant(HEAT_BATH_TITLE, "<title>\n  Heat-bath random\n   walks\twith Markov bases  </title>")
    text = text.replace("<name>Caprice Stanley</name>", "<name>\n Caprice\n  Stanley </name>")
    text = text.replace(
        "<arxiv:comment>20 pages, 3 figures</arxiv:comment>",
        "<arxiv:comment> 20 pages,\n 3 figures </arxiv:comment><arxiv:journal_ref>J. Foo\n  1 (2017)</arxiv:journal_ref>",
    )
    paper = parse_feed(text, HEAT_BATH)
    assert paper.title == "Heat-bath random walks with Markov bases"
    assert paper.author_names[0] == "Caprice Stanley"
    assert paper.comment == "20 pages, 3 figures"
    assert paper.journal_ref == "J. Foo 1 (2017)"


def test_optional_fields_blank_or_present() -> None:
    """A blank comment is None rather than ""; a DOI is read from arxiv:doi."""
    text = variant(
        "<arxiv:comment>20 pages, 3 figures</arxiv:comment>",
        "<arxiv:comment>  </arxiv:comment><arxiv:doi>10.1000/xyz123</arxiv:doi>",
    )
    paper = parse_feed(text, HEAT_BATH)
    assert paper.comment is None
    assert paper.doi == "10.1000/xyz123"


def test_categories_primary_first_without_duplicates() -> None:
    """The primary category leads even when the feed lists it later, and appears once."""
    text = variant('<arxiv:primary_category term="math.CO"/>', '<arxiv:primary_category term="math.ST"/>')
    text = text.replace(
        '<category term="math.ST" scheme="http://arxiv.org/schemas/atom"/>',
        '<category term="math.ST" scheme="http://arxiv.org/schemas/atom"/><category term="math.CO"/>',
    )
    paper = parse_feed(text, HEAT_BATH)
    assert paper.categories == ("math.ST", "math.CO")
    assert paper.primary_category == "math.ST"


def test_missing_primary_category_falls_back_to_first() -> None:
    """Without arxiv:primary_category the first listed category is the primary one."""
    paper = parse_feed(variant('<arxiv:primary_category term="math.CO"/>', ""), HEAT_BATH)
    assert paper.categories == ("math.CO", "math.ST")


def test_requested_version_is_kept() -> None:
    """Asking for v2 must give a v2 paper and v2 links, not whatever version the feed names."""
    paper = parse_feed(shared("1706.03762.xml"), parse_id("1706.03762v2"))
    assert (paper.arxiv_id, paper.version) == ("1706.03762v2", 2)
    assert paper.abs_url == "https://arxiv.org/abs/1706.03762v2"
    assert paper.pdf_url == "https://arxiv.org/pdf/1706.03762v2"


def test_subject_class_id_matches_feed() -> None:
    """math.GT/0309136 is answered as math/0309136; the id check must not call that a mismatch."""
    text = variant("http://arxiv.org/abs/1605.08386v1", "http://arxiv.org/abs/math/0309136v3")
    paper = parse_feed(text, parse_id("math.GT/0309136"))
    assert paper.arxiv_id == "math/0309136v3"


def test_id_mismatch_is_invalid() -> None:
    """arXiv silently drops ids it cannot resolve; another paper's entry was taken as the answer."""
    with pytest.raises(ArxivResponseInvalid) as caught:
        parse_feed(shared("1605.08386.xml"), ArxivId("1605.08387"))
    assert "1605.08387" in str(caught.value) and "1605.08386v1" in str(caught.value)


def test_old_format_error_entry_is_rejected() -> None:
    """Older responses put the error entry under http://, not https://; both are rejections."""
    text = shared("error-abc.xml").replace("https://arxiv.org/api/errors", "http://arxiv.org/api/errors")
    with pytest.raises(ArxivRejected):
        parse_feed(text, ArxivId("abc"))


@pytest.mark.parametrize(
    "body",
    [
        "",
        "Service Unavailable",
        "<html><body>Rate exceeded.</body></html>",
        "<html><body>truncated",
        '<?xml version="1.0"?><feed><entry/></feed>',  # right name, no Atom namespace
        shared("1605.08386.xml")[:700],  # cut off mid-stream
    ],
)
def test_not_a_feed_is_invalid(body: str) -> None:
    """An HTML error page or truncated body must not be mistaken for "no such paper"."""
    with pytest.raises(ArxivResponseInvalid):
        parse_feed(body, HEAT_BATH)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (HEAT_BATH_TITLE, ""),
        (HEAT_BATH_TITLE, "<title>  </title>"),
        ("<published>2016-05-26T17:59:46Z</published>", ""),
        ("<id>http://arxiv.org/abs/1605.08386v1</id>", "<id>urn:nothing</id>"),
        ('<category term="math.CO" scheme="http://arxiv.org/schemas/atom"/>', ""),
    ],
)
def test_incomplete_entry_is_invalid(old: str, new: str) -> None:
    """An entry missing what a Paper needs is reported as an unreadable answer, not a crash."""
    text = variant(old, new)
    if "category" in old:
        text = text.replace('<category term="math.ST" scheme="http://arxiv.org/schemas/atom"/>', "")
        text = text.replace('<arxiv:primary_category term="math.CO"/>', "")
    with pytest.raises(ArxivResponseInvalid):
        parse_feed(text, HEAT_BATH)


# ---------------------------------------------------------------- paper_from_response


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (503, "<html>Service Unavailable</html>", "HTTP 503 Service Unavailable"),
        (500, "", "HTTP 500 Internal Server Error"),
        (404, "", "HTTP 404 Not Found"),
        (404, shared("1605.08386.xml"), "HTTP 404 Not Found"),  # a paper under an error status
        (599, "", "HTTP 599"),
    ],
)
def test_http_error_without_error_entry_is_unavailable(status: int, body: str, reason: str) -> None:
    """A non-200 answer without arXiv's error entry is an outage, reported with its status."""
    response = FeedResponse("http://127.0.0.1:9/api/query?id_list=1605.08386", status, body)
    with pytest.raises(ArxivUnavailable) as caught:
        paper_from_response(response, HEAT_BATH)
    assert caught.value.reason == reason
    assert caught.value.url == response.url


def test_ok_response_gives_paper() -> None:
    """A 200 with a paper feed is read exactly as parse_feed reads it."""
    response = FeedResponse("u", 200, shared("1605.08386.xml"))
    assert paper_from_response(response, HEAT_BATH) == parse_feed(shared("1605.08386.xml"), HEAT_BATH)


# ---------------------------------------------------------------- endpoint helpers


@pytest.mark.parametrize(
    ("arxiv_id", "url"),
    [
        (ArxivId("2106.09685"), f"{DEFAULT_API}?id_list=2106.09685&max_results=1"),
        (ArxivId("2106.09685", 2), f"{DEFAULT_API}?id_list=2106.09685v2&max_results=1"),
        (ArxivId("hep-th/9901001"), f"{DEFAULT_API}?id_list=hep-th%2F9901001&max_results=1"),
    ],
)
def test_query_url(arxiv_id: ArxivId, url: str) -> None:
    """The query asks for exactly one id, URL-encoded."""
    assert query_url(DEFAULT_API, arxiv_id) == url


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, DEFAULT_API),
        ({"DRAFTER_ARXIV_API": ""}, DEFAULT_API),
        ({"DRAFTER_ARXIV_API": "http://127.0.0.1:8080/api/query"}, "http://127.0.0.1:8080/api/query"),
    ],
)
def test_api_base_from_env(environ: dict[str, str], expected: str) -> None:
    """DRAFTER_ARXIV_API points drafter at a mirror or test server; unset or empty means arXiv."""
    assert api_base_from_env(environ) == expected


@pytest.mark.parametrize("value", ["file:///etc/passwd", "export.arxiv.org/api/query", "ftp://x/y"])
def test_api_base_must_be_http(value: str) -> None:
    """urllib happily opens file:// URLs, so a non-HTTP endpoint is refused as a setting error."""
    with pytest.raises(ConfigError) as caught:
        api_base_from_env({"DRAFTER_ARXIV_API": value})
    assert caught.value.setting == "DRAFTER_ARXIV_API"
    with pytest.raises(ConfigError):
        fetch_feed(HEAT_BATH, value)


# ---------------------------------------------------------------- fetch_feed against a real server


@dataclass
class Reply:
    """One scripted answer of the local server."""

    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang_up: bool = False


@dataclass
class Seen:
    """One request the local server received."""

    path: str
    headers: dict[str, str]

    @property
    def query(self) -> dict[str, list[str]]:
        """Return the decoded query string."""
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)


class FakeArxiv(http.server.ThreadingHTTPServer):
    """A local HTTP server that plays scripted replies in order, repeating the last one."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.replies: list[Reply] = []
        self.seen: list[Seen] = []
        self.release = threading.Event()
        self.lock = threading.Lock()

    @property
    def api(self) -> str:
        """Return the API base URL to pass to fetch_feed."""
        return f"http://127.0.0.1:{self.server_address[1]}/api/query"

    def next_reply(self, seen: Seen) -> Reply:
        """Record a request and return the reply scripted for it."""
        with self.lock:
            self.seen.append(seen)
            return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """Stay quiet: the client hanging up on a slow reply is what the timeout test wants."""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FakeArxiv

    def do_GET(self) -> None:  # noqa: N802
        """Answer with the next scripted reply."""
        reply = self.server.next_reply(Seen(self.path, dict(self.headers)))
        if reply.delay > 0:
            # An Event, not time.sleep, so the fixture's teardown can cut the wait short.
            self.server.release.wait(reply.delay)
        if reply.hang_up:
            self.close_connection = True
            return
        body = reply.body.encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep test output clean."""


@pytest.fixture
def server():
    """Run a FakeArxiv on 127.0.0.1 for one test."""
    fake = FakeArxiv()
    thread = threading.Thread(target=fake.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        fake.shutdown()
        fake.server_close()
        thread.join(timeout=2)


class FakeTime:
    """An injected clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        """Return the fake monotonic time."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Record the wait and advance the clock instead of waiting."""
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    """Provide a fresh FakeTime."""
    return FakeTime()


def fetch(server: FakeArxiv, fake_time: FakeTime, arxiv_id: ArxivId = HEAT_BATH, **options) -> FeedResponse:
    """Call fetch_feed against the local server with the fake clock."""
    return fetch_feed(arxiv_id, server.api, sleep=fake_time.sleep, clock=fake_time.clock, **options)


def test_fetch_ok(server: FakeArxiv, fake_time: FakeTime) -> None:
    """A 200 comes back as status and UTF-8 text, after one polite, identified request."""
    body = variant("<name>Caprice Stanley</name>", "<name>José Núñez</name>")
    server.replies = [Reply(200, body)]
    response = fetch(server, fake_time)
    assert response == FeedResponse(query_url(server.api, HEAT_BATH), 200, body)
    assert paper_from_response(response, HEAT_BATH).author_names[0] == "José Núñez"
    assert fake_time.sleeps == []
    (seen,) = server.seen
    assert seen.query == {"id_list": ["1605.08386"], "max_results": ["1"]}
    assert seen.headers["User-Agent"] == f"drafter/{__version__} (+https://github.com/drafter)"
    assert "application/atom+xml" in seen.headers["Accept"]


def test_fetch_old_style_id(server: FakeArxiv, fake_time: FakeTime) -> None:
    """The slash of an old-style id survives URL-encoding and reaches the server intact."""
    server.replies = [Reply(200, shared("astro-ph_0601001.xml"))]
    requested = parse_id("astro-ph/0601001")
    paper = paper_from_response(fetch(server, fake_time, requested), requested)
    assert server.seen[0].query["id_list"] == ["astro-ph/0601001"]
    assert paper.journal_ref == "ActaAstron.56:1-50,2006"


def test_fetch_400_error_entry_is_returned_not_retried(server: FakeArxiv, fake_time: FakeTime) -> None:
    """urllib raises on 400; its body is arXiv's error entry and must reach paper_from_response."""
    server.replies = [Reply(400, shared("error-abc.xml"))]
    response = fetch(server, fake_time, ArxivId("abc"))
    assert (response.status, response.body) == (400, shared("error-abc.xml"))
    assert len(server.seen) == 1 and fake_time.sleeps == []
    with pytest.raises(ArxivRejected, match="incorrect id format for abc"):
        paper_from_response(response, ArxivId("abc"))


def test_fetch_404_without_body(server: FakeArxiv, fake_time: FakeTime) -> None:
    """A bodiless 404 (wrong DRAFTER_ARXIV_API path) is returned once and reads as unavailable."""
    server.replies = [Reply(404, "")]
    response = fetch(server, fake_time)
    assert (response.status, response.body, len(server.seen)) == (404, "", 1)
    with pytest.raises(ArxivUnavailable, match="HTTP 404 Not Found"):
        paper_from_response(response, HEAT_BATH)


def test_fetch_retries_503_then_succeeds(server: FakeArxiv, fake_time: FakeTime) -> None:
    """A transient 503 is retried, waiting the 3 s arXiv asks between requests."""
    server.replies = [Reply(503, "busy"), Reply(200, shared("1605.08386.xml"))]
    response = fetch(server, fake_time)
    assert response.status == 200
    assert len(server.seen) == 2
    assert fake_time.sleeps == [pytest.approx(3.0)]
    assert all(wait >= 3.0 for wait in fake_time.sleeps)


def test_fetch_honours_longer_retry_after(server: FakeArxiv, fake_time: FakeTime) -> None:
    """A 429 with Retry-After: 7 waits 7 s, not the 3 s minimum."""
    server.replies = [Reply(429, "slow down", {"Retry-After": "7"}), Reply(200, shared("1605.08386.xml"))]
    assert fetch(server, fake_time).status == 200
    assert fake_time.sleeps == [pytest.approx(7.0)]


def test_fetch_gives_up_on_huge_retry_after(server: FakeArxiv, fake_time: FakeTime) -> None:
    """A Retry-After of an hour is an outage: fail now instead of hanging the CLI."""
    server.replies = [Reply(503, "", {"Retry-After": "3600"})]
    with pytest.raises(ArxivUnavailable, match="3600"):
        fetch(server, fake_time)
    assert len(server.seen) == 1 and fake_time.sleeps == []


def test_fetch_persistent_503_is_unavailable(server: FakeArxiv, fake_time: FakeTime) -> None:
    """After the last attempt the outage is reported with status, id and URL."""
    server.replies = [Reply(503, "<html>down</html>")]
    with pytest.raises(ArxivUnavailable) as caught:
        fetch(server, fake_time, attempts=3)
    assert len(server.seen) == 3
    assert len(fake_time.sleeps) == 2 and all(wait >= 3.0 for wait in fake_time.sleeps)
    error = caught.value
    assert error.arxiv_id == "1605.08386"
    assert error.url == query_url(server.api, HEAT_BATH)
    assert "HTTP 503 Service Unavailable" in error.reason and "3 attempts" in error.reason
    assert "\n" not in str(error)


def test_fetch_retries_dropped_connection(server: FakeArxiv, fake_time: FakeTime) -> None:
    """A server hanging up without a status line (RemoteDisconnected) is retried, not a crash."""
    server.replies = [Reply(hang_up=True), Reply(200, shared("1605.08386.xml"))]
    assert fetch(server, fake_time).status == 200
    assert len(server.seen) == 2


def test_fetch_connection_refused(fake_time: FakeTime) -> None:
    """Nothing listening is an ArxivUnavailable naming the id, after the allowed attempts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port is closed now; nothing else binds it within the few milliseconds of this test.
    api = f"http://127.0.0.1:{port}/api/query"
    with pytest.raises(ArxivUnavailable) as caught:
        fetch_feed(HEAT_BATH, api, attempts=2, sleep=fake_time.sleep, clock=fake_time.clock)
    assert caught.value.arxiv_id == "1605.08386"
    assert "1605.08386" in str(caught.value)
    assert "connection refused" in caught.value.reason
    assert fake_time.sleeps == [pytest.approx(3.0)]


def test_fetch_timeout(server: FakeArxiv, fake_time: FakeTime) -> None:
    """A server slower than the timeout is retried, then reported as timed out."""
    server.replies = [Reply(200, shared("1605.08386.xml"), delay=5.0)]
    with pytest.raises(ArxivUnavailable) as caught:
        fetch(server, fake_time, timeout=0.2, attempts=2)
    assert "timed out" in caught.value.reason
    assert len(server.seen) == 2


def test_errors_are_drafter_errors() -> None:
    """Every failure this module raises is one the CLI knows how to report."""
    for error in (InvalidArxivId, PaperNotFound, ArxivRejected, ArxivUnavailable, ArxivResponseInvalid):
        assert issubclass(error, DrafterError)


def test_paper_properties() -> None:
    """year, primary_category and author_names derive from the stored fields."""
    paper = Paper(
        arxiv_id="0704.0001v2",
        base_id="0704.0001",
        version=2,
        title="t",
        authors=(Author("A"), Author("B", ("X",))),
        abstract="a",
        categories=("hep-ph", "hep-th"),
        published="2007-04-02T19:18:42Z",
        updated="2008-11-13T00:00:00Z",
        comment=None,
        journal_ref=None,
        doi=None,
        abs_url="https://arxiv.org/abs/0704.0001v2",
        pdf_url="https://arxiv.org/pdf/0704.0001v2",
    )
    assert (paper.year, paper.primary_category, paper.author_names) == (2007, "hep-ph", ("A", "B"))
