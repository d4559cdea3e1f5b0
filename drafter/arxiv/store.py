"""arXiv responses kept on disk, so `drafter check` (a pre-commit hook) grounds a draft without a request each time.

`drafter new` stores the feed it fetched (or replayed) under the paper's exact versioned ID, which is the ID
the draft's `arxiv:` key holds, and beside it the paper's full text as drafter extracted it (or the note saying
there was none); `drafter check` and `drafter regen` read both from there and fetch only on a miss, and
`--offline` uses only what is kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from drafter.errors import ArxivUnavailable, DrafterError
from drafter.files import cache_root, write_atomic

from . import api, feed
from .ids import ArxivId
from .text import Fetched

if TYPE_CHECKING:
    from .fulltext import Endpoints


class PaperUnavailable(DrafterError):
    """`drafter check` needs the paper's abstract for grounding and can neither read nor fetch it."""

    def __init__(self, arxiv_id: str, reason: str) -> None:
        self.arxiv_id = arxiv_id
        self.reason = reason
        super().__init__(f"cannot check the draft's numbers against arXiv {arxiv_id}: {reason}; "
                         "pass --offline to check without grounding")


def directory(environ: Mapping[str, str]) -> Path:
    """Where responses are kept: beside the answer cache, in `arxiv/`."""
    return cache_root(environ) / "arxiv"


def path_for(arxiv_id: str, environ: Mapping[str, str]) -> Path:
    """The file of one ID's response (old-style IDs' slash becomes an underscore)."""
    return directory(environ) / f"{arxiv_id.replace('/', '_')}.xml"


def store(paper_id: str, body: str, environ: Mapping[str, str]) -> None:
    """Keep a feed that parsed; a cache that cannot be written is skipped, never fatal."""
    path = path_for(paper_id, environ)
    try:
        write_atomic(path, body)
    except OSError:
        pass


def kept(arxiv_id: ArxivId, environ: Mapping[str, str]) -> feed.Paper | None:
    """The paper from the disk cache alone: None when no readable copy is kept."""
    try:
        return feed.parse_feed(path_for(str(arxiv_id), environ).read_text(encoding="utf-8"), arxiv_id)
    except (OSError, UnicodeDecodeError, DrafterError):
        return None


def load(arxiv_id: ArxivId, api_base: str, environ: Mapping[str, str]) -> feed.Paper:
    """The paper from the disk cache, else from the API (then cached); no network and no copy is PaperUnavailable."""
    paper = kept(arxiv_id, environ)
    if paper is not None:
        return paper  # else no copy, or a damaged one: fetch it again
    try:
        response = api.fetch_feed(arxiv_id, api_base, attempts=1, timeout=15.0)
    except ArxivUnavailable as error:
        raise PaperUnavailable(str(arxiv_id), f"no cached copy and {error.reason}") from None
    paper = feed.paper_from_response(response, arxiv_id)
    store(str(arxiv_id), response.body, environ)
    return paper


def text_path_for(arxiv_id: str, environ: Mapping[str, str]) -> Path:
    """The file of one ID's full text, beside its feed."""
    return directory(environ) / f"{arxiv_id.replace('/', '_')}.fulltext.json"


def store_text(paper_id: str, fetched: Fetched, environ: Mapping[str, str]) -> None:
    """Keep what fetching the full text found (the text, or the note that there is none); never fatal."""
    try:
        write_atomic(text_path_for(paper_id, environ), json.dumps(fetched.to_record(), ensure_ascii=False))
    except OSError:
        pass


def kept_text(paper_id: str, environ: Mapping[str, str]) -> Fetched | None:
    """The full text kept for this exact ID, or None when nothing (readable) is kept."""
    try:
        return Fetched.from_record(json.loads(text_path_for(paper_id, environ).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def text_for(arxiv_id: ArxivId, environ: Mapping[str, str], endpoints: Endpoints, *,
             limiters: Mapping[str, api.RateLimiter] | None = None) -> Fetched:
    """The text `drafter new` and `drafter batch` show the model: kept for this exact version, else fetched now."""
    if arxiv_id.version is not None:  # a version's text never changes: what is kept is what arXiv has
        kept = kept_text(str(arxiv_id), environ)
        if kept is not None and kept.text is not None:  # a kept miss may have been an outage: ask again
            return kept
    from .fulltext import fetch_guarded  # the fetchers (tarfile, gzip, hashlib): only to fetch

    return fetch_guarded(str(arxiv_id), endpoints, limiters=limiters)


def load_text(paper_id: str, environ: Mapping[str, str], *, offline: bool = False) -> Fetched:
    """The kept full text, else (unless `offline`) fetched once and kept; offline with no copy says so."""
    kept = kept_text(paper_id, environ)
    if kept is not None and (kept.text is not None or offline):
        return kept
    if offline:
        return Fetched(None, f"no full text of {paper_id} is kept and --offline fetches none: the abstract alone")
    from . import fulltext  # the fetchers (tarfile, gzip, hashlib): only on a miss; `check` on a kept text needs none

    fetched = fulltext.fetch(paper_id, fulltext.endpoints_from_env(environ))
    if fetched.text is not None:  # a miss is not kept: it may be an outage, and the next check asks again
        store_text(paper_id, fetched, environ)
    return fetched
