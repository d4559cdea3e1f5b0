"""Shared fixtures: the local OpenAI-compatible server, a local arXiv API, a Hugo site, and a socket guard."""

from __future__ import annotations

import gzip
import io
import re
import socket
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from answers import Author  # noqa: E402
from fakeopenai import FakeOpenAI  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"  # fixtures copied into the repository; tests/data/README.md says from where
ARXIV_FILES = DATA / "arxiv"
FULLTEXT_FILES = DATA / "fulltext"  # real LaTeX sources and LaTeXML HTML, by arXiv ID (see tests/data/README.md)


def pack_source(folder: Path, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A folder's files as arXiv serves an e-print: a gzipped tar, made in memory, byte-identical every time."""
    buffer = io.BytesIO()
    members = {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}
    members.update(extra or {})
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as zipped, tarfile.open(fileobj=zipped, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _fresh_rate_limiters() -> None:
    """Each test is a new run: arXiv's 3-second spacing is kept within a run, not across the suite's runs."""
    from drafter.arxiv.api import reset_limiters

    reset_limiters()


@pytest.fixture(autouse=True)
def _cache_in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep drafter's caches (answers, arXiv responses) in the test's folder, never the user's cache directory."""
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / ".drafter-cache"))


@pytest.fixture
def model_server() -> Iterator[FakeOpenAI]:
    """The local OpenAI-compatible server answering with the authors' texts."""
    with FakeOpenAI(Author()) as server:
        yield server


class ArxivServer:
    """A local stand-in for arXiv: the query API (tests/data/arxiv), the HTML pages and the e-prints.

    `/html/<id>` answers 404 unless `html_pages` holds the ID (arXiv has no HTML for papers from before
    December 2023); `/e-print/<id>` serves `eprints`, by default the real source of 1706.03762 packed as a
    gzipped tar. `latency` delays each kind (`fulltext_latency` both), as a far-away arXiv would.
    """

    def __init__(self, fulltext_latency: float = 0.0, api_latency: float = 0.0) -> None:
        self.requests: list[str] = []
        self.fulltext_requests: list[str] = []  # "html/<id>" and "e-print/<id>", in order
        self.overrides: dict[str, tuple[int, str]] = {}
        self.html_pages: dict[str, tuple[int, bytes]] = {}
        self.eprints: dict[str, tuple[int, bytes]] = {"1706.03762": (200, pack_source(FULLTEXT_FILES / "1706.03762"))}
        self.latency = {"html": fulltext_latency, "e-print": fulltext_latency, "api": api_latency}  # s before an answer
        self.dropped_from_lists: set[str] = set()  # IDs a list request's answer leaves out, as arXiv has done
        handler = self._handler()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The API base URL, for DRAFTER_ARXIV_API."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/query"

    @property
    def html_url(self) -> str:
        """The HTML base URL, for DRAFTER_ARXIV_HTML."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/html"

    @property
    def eprint_url(self) -> str:
        """The e-print base URL, for DRAFTER_ARXIV_EPRINT."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/e-print"

    @property
    def environment(self) -> dict[str, str]:
        """The three variables that point drafter at this server."""
        return {"DRAFTER_ARXIV_API": self.url, "DRAFTER_ARXIV_HTML": self.html_url, "DRAFTER_ARXIV_EPRINT": self.eprint_url}

    def fulltext(self, kind: str, versioned: str) -> tuple[int, bytes, str]:
        """The status, body and content type served at /html/<id> or /e-print/<id> (a version suffix ignored)."""
        base = versioned.split("v")[0] if "." in versioned else versioned
        table = self.html_pages if kind == "html" else self.eprints
        found = table.get(versioned) or table.get(base)
        if found is None:
            return 404, b"Not Found", "text/plain"
        status, body = found
        return status, body, "text/html; charset=utf-8" if kind == "html" else "application/gzip"

    def answer(self, arxiv_id: str) -> tuple[int, str]:
        """The status and body served for an id_list value."""
        if arxiv_id in self.overrides:
            return self.overrides[arxiv_id]
        path = ARXIV_FILES / f"{arxiv_id.replace('/', '_')}.xml"
        if path.is_file():
            return 200, path.read_text(encoding="utf-8")
        if not any(c.isdigit() for c in arxiv_id):
            return 400, (ARXIV_FILES / "error-abc.xml").read_text(encoding="utf-8").replace("abc", arxiv_id)
        return 200, (ARXIV_FILES / "empty-0000.0000.xml").read_text(encoding="utf-8").replace("0000.0000", arxiv_id)

    def answer_list(self, arxiv_ids: list[str]) -> tuple[int, str]:
        """One feed holding the entry of every listed ID (as `id_list=a,b,c` gets), minus those in `dropped_from_lists`."""
        feeds = [self.answer(i.split("v")[0] if "." in i else i) for i in arxiv_ids if i not in self.dropped_from_lists]
        entries = [re.search(r"<entry>.*</entry>\s*", body, re.DOTALL) for status, body in feeds if status == 200]
        empty = (ARXIV_FILES / "empty-0000.0000.xml").read_text(encoding="utf-8")
        head, tail = empty.split("</feed>")[0], "</feed>\n"
        return 200, head + "".join(m.group(0) for m in entries if m) + tail

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = urlparse(self.path).path
                for kind in ("html", "e-print"):
                    if path.startswith(f"/{kind}/"):
                        self._fulltext(kind, path[len(kind) + 2:].strip("/"))
                        return
                query = parse_qs(urlparse(self.path).query)
                arxiv_id = query.get("id_list", [""])[0]
                outer.requests.append(arxiv_id)
                if outer.latency.get("api"):
                    time.sleep(outer.latency["api"])
                if "," in arxiv_id:
                    status, body = outer.answer_list(arxiv_id.split(","))
                else:
                    status, body = outer.answer(arxiv_id.split("v")[0] if "." in arxiv_id else arxiv_id)
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("content-type", "application/atom+xml; charset=utf-8")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _fulltext(self, kind: str, arxiv_id: str) -> None:
                outer.fulltext_requests.append(f"{kind}/{arxiv_id}")
                if outer.latency.get(kind):
                    time.sleep(outer.latency[kind])
                status, body, content_type = outer.fulltext(kind, arxiv_id)
                try:
                    self.send_response(status)
                    self.send_header("content-type", content_type)
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and hung up

        return Handler

    def __enter__(self) -> "ArxivServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def arxiv_server() -> Iterator[ArxivServer]:
    """A local arXiv API serving tests/data/arxiv's real responses (empty feed for unknown IDs)."""
    with ArxivServer() as server:
        yield server


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, model_server: FakeOpenAI, arxiv_server: ArxivServer, tmp_path: Path) -> dict[str, str]:
    """Environment pointing drafter at the local servers, run from an empty folder."""
    values = {
        "OPENAI_BASE_URL": model_server.base_url,
        "OPENAI_API_KEY": "sk-test-not-a-real-key",
        **arxiv_server.environment,
        "DRAFTER_MODEL": "test-model",
        "DRAFTER_CACHE_DIR": str(tmp_path / ".answer-cache"),
    }
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "DRAFTER_ARXIV_API", "DRAFTER_ARXIV_HTML", "DRAFTER_ARXIV_EPRINT",
                 "DRAFTER_MODEL", "DRAFTER_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return values


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every outgoing socket connection fail, loopback included."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def hugo_binary() -> str | None:
    """The Hugo binary from the `hugo` package next to this Python, or on PATH."""
    import shutil

    beside = Path(sys.executable).parent / "hugo"
    if beside.exists():
        return str(beside)
    return shutil.which("hugo")


@pytest.fixture
def hugo_site(tmp_path: Path) -> Path:
    """A minimal Hugo site with a layout that prints each page's content."""
    site = tmp_path / "site"
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Test blog"\n', encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text(
        "<html><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n", encoding="utf-8")
    (site / "layouts" / "_default" / "list.html").write_text(
        "<html><body>{{ range .Pages }}{{ .Title }}{{ end }}</body></html>\n", encoding="utf-8")
    return site
