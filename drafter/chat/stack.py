"""The one place where a run's ChatClient is put together: the endpoint or a cassette, then the wrappers.

From the inside out: the model (OpenAIChat) or a cassette Player; a Recorder when recording; the budget
(--max-tokens, --max-cost); the request log (--log). Closing the stack closes every layer, innermost
last, so a recording is written even when the run failed part-way. The arXiv half of a cassette goes
through the stack too (`feed`): the caller never asks whether it is replaying.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import arxiv
from ..errors import ConfigError
from ..settings import Settings
from .base import ChatClient, Wrapper

if TYPE_CHECKING:
    from .budget import Budgeted
    from .cassette import Player, Recorder
    from .openai import OpenAIChat

OnRetry = Callable[[str, str, float], None]  # (label, reason, seconds) before a transport retry waits


class ChatStack(Wrapper):
    """A run's ChatClient with its wrappers, and the arXiv response it was recorded or replayed with."""

    def __init__(self, settings: Settings, *, replay: Path | None = None, record: Path | None = None,
                 log: Path | None = None, on_retry: OnRetry | None = None) -> None:
        self.settings = settings
        if replay is not None or record is not None:
            from .cassette import Player, Recorder  # and YAML: only a replay or a recording reads or writes one
        self.player: Player | None = Player(replay) if replay is not None else None
        self.endpoint: OpenAIChat | None = _endpoint(settings, on_retry) if self.player is None else None
        client: ChatClient = self.player if self.player is not None else self.endpoint
        self.recorder: Recorder | None = Recorder(client, record) if record is not None else None
        self.budget: Budgeted | None = None  # the run's budget, to say what was spent when it ran out
        try:
            super().__init__(self._guarded(self.recorder or client, log))
        except BaseException:
            client.close()  # not the recorder: a run that never started must not overwrite a cassette
            raise

    def _guarded(self, client: ChatClient, log: Path | None) -> ChatClient:
        """The run's budget (--max-tokens, --max-cost) and request log (--log) around the client."""
        settings = self.settings
        if settings.max_tokens is not None or settings.max_cost is not None:
            from .budget import Budgeted
            from .cost import price_for

            price = price_for(settings.model, settings.prices)
            if settings.max_cost is not None and price is None:
                raise ConfigError("--max-cost", f"drafter knows no price for the model {settings.model!r}; add "
                                  f'[prices."{settings.model}"] with input, cached_input and output (USD per 1M '
                                  "tokens) to drafter.toml, or use --max-tokens")
            client = self.budget = Budgeted(client, max_tokens=settings.max_tokens, max_cost=settings.max_cost,
                                            price=price)
        if log is not None:
            from .requestlog import RequestLog

            client = RequestLog(client, log)
        return client

    def warmed(self) -> None:
        """Wait until the endpoint's SDK client is built (at once when replaying: a cassette has nothing to build)."""
        if self.endpoint is not None:
            self.endpoint.warmed()

    @property
    def cassette(self) -> Path | None:
        """The cassette replayed, if any (for messages about it)."""
        return self.player.path if self.player is not None else None

    @property
    def client(self) -> ChatClient:
        """The outermost layer, which the pipeline asks."""
        return self.inner

    def feed(self, arxiv_id: arxiv.ArxivId) -> arxiv.FeedResponse:
        """The paper's arXiv response: the cassette's when replaying, else the API's; kept when recording."""
        if self.player is not None:
            response = self.player.feed_for(arxiv_id)
        else:
            response = arxiv.fetch_feed(arxiv_id, self.settings.arxiv_api)
        if self.recorder is not None:
            self.recorder.feed = response
        return response



def _endpoint(settings: Settings, on_retry: OnRetry | None) -> OpenAIChat:
    from .openai import OpenAIChat  # the module is light; the SDK itself loads in warm_up's thread

    client = OpenAIChat(base_url=settings.base_url, api_key=settings.api_key,
                        connect_timeout=settings.connect_timeout, read_timeout=settings.read_timeout,
                        on_retry=on_retry)
    client.warm_up()  # the SDK's import overlaps the arXiv request
    return client
