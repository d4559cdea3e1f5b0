"""arXiv: identifiers (`ids`), the API's Atom feed (`feed`), the HTTP client (`api`), the paper's full text
(`html`, `latex`, `fulltext`) and what was fetched kept on disk (`store`).

The names most callers need are re-exported here, so `from drafter.arxiv import Paper, parse_id` works.
"""

from .api import (
    API_ENV,
    DEFAULT_API,
    MAX_RETRY_AFTER,
    USER_AGENT,
    RateLimiter,
    api_base_from_env,
    fetch_feed,
    fetch_many,
    limiter_for,
    query_url,
)
from .feed import Author, FeedResponse, Paper, paper_from_response, parse_feed
from .ids import ArxivId, parse_id

__all__ = [
    "API_ENV", "DEFAULT_API", "MAX_RETRY_AFTER", "USER_AGENT", "ArxivId", "Author", "FeedResponse", "Paper",
    "RateLimiter", "api_base_from_env", "fetch_feed", "fetch_many", "limiter_for", "paper_from_response", "parse_feed",
    "parse_id", "query_url",
]
