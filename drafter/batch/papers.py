"""The papers of a batch from arXiv: one API request for all of them, then any ID missing from it fetched alone;
then each paper's full text, the requests to each of arXiv's services spaced 3 s apart."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .. import arxiv
from ..arxiv import store as papercache
from ..arxiv.fulltext import Fetched, endpoints_from_env
from ..errors import ArxivUnavailable, DrafterError

_ENTRY = re.compile(r"<entry\b.*?</entry>\s*", re.DOTALL)


def fetch_papers(ids: list[arxiv.ArxivId], api_base: str, environ: Mapping[str, str], *,
                 limiter: arxiv.RateLimiter | None = None) -> tuple[dict[str, arxiv.Paper], dict[str, str]]:
    """Each ID's paper (kept in the paper cache for `drafter check`), and why each one that failed did."""
    papers: dict[str, arxiv.Paper] = {}
    failures: dict[str, str] = {}
    limiter = limiter or arxiv.limiter_for("api")  # arXiv asks for one request every 3 s, across all of them
    feed: arxiv.FeedResponse | None = None
    if ids:
        try:
            feed = arxiv.fetch_many(ids, api_base, limiter=limiter)
        except ArxivUnavailable:
            feed = None  # each paper is then asked for alone, and reports its own error
    for arxiv_id in ids:
        try:
            if feed is None or feed.status != 200:
                raise LookupError
            paper = arxiv.parse_feed(feed.body, arxiv_id)
            body = entry_feed(feed.body, paper.base_id)
        except (LookupError, DrafterError):
            # Left out of the list's answer (arXiv has dropped IDs silently), or the list failed as a whole.
            try:
                single = arxiv.fetch_feed(arxiv_id, api_base, limiter=limiter)
                paper = arxiv.paper_from_response(single, arxiv_id)
            except DrafterError as error:
                failures[str(arxiv_id)] = str(error)
                continue
            body = single.body
        papercache.store(paper.arxiv_id, body, environ)
        papers[str(arxiv_id)] = paper
    return papers, failures


def entry_feed(body: str, base_id: str) -> str:
    """The feed cut down to the one entry of `base_id`, byte for byte, so each paper's cached copy is its own."""
    entries = list(_ENTRY.finditer(body))
    if not entries:
        return body
    head, tail = body[: entries[0].start()], body[entries[-1].end():]
    for match in entries:
        if re.search(rf"<id>\s*https?://arxiv\.org/abs/{re.escape(base_id)}v\d+\s*</id>", match.group(0)):
            return head + match.group(0) + tail
    return body


def fetch_texts(papers: list[arxiv.Paper], environ: Mapping[str, str], *,
                limiters: Mapping[str, arxiv.RateLimiter] | None = None) -> dict[str, Fetched]:
    """Each paper's full text (or the note why the model sees its abstract alone), by its versioned ID, kept on disk.

    The text `drafter new` would show: the copy kept for that version, else arXiv's HTML, else its e-print. The
    shared limiters (or `limiters`) keep 3 s between requests to each service, across all the papers.
    """
    endpoints = endpoints_from_env(environ)
    texts: dict[str, Fetched] = {}
    for paper in papers:
        fetched = papercache.text_for(arxiv.parse_id(paper.arxiv_id), environ, endpoints, limiters=limiters)
        papercache.store_text(paper.arxiv_id, fetched, environ)  # beside the feed: resume and `check` read it there
        texts[paper.arxiv_id] = fetched
    return texts
