"""Shared set-up for the benchmarks: the local test servers and an in-process `drafter new`."""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from answers import Author  # noqa: E402
from conftest import ArxivServer  # noqa: E402
from fakeopenai import FakeOpenAI, Received, environment  # noqa: E402

PAPER = "1706.03762"


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPU(s), {cpu}, Python {platform.python_version()}, {platform.system()}"


@contextmanager
def servers(latency: float = 0.0, max_concurrent: int | None = None, retry_after: str = "0.05",
            arxiv_latency: float = 0.0, fulltext_latency: float = 0.0) -> Iterator[FakeOpenAI]:
    """The local OpenAI-compatible server and arXiv (API, HTML, e-print), with drafter's environment pointing at them.

    `arxiv_latency` delays the API's answer, `fulltext_latency` each HTML and e-print answer.
    """
    with FakeOpenAI(Author(), latency=latency, max_concurrent=max_concurrent,
                    retry_after_when_busy=retry_after) as model, ArxivServer(fulltext_latency, arxiv_latency) as arxiv_api:
        with environment(OPENAI_BASE_URL=model.base_url, OPENAI_API_KEY="", **arxiv_api.environment,
                         DRAFTER_MODEL="test-model"):
            yield model


def drafter_new(*flags: str) -> tuple[int, str, float]:
    """Run `drafter new 1706.03762 FLAGS` in-process to a scratch file; return exit code, stderr and wall time."""
    from typer.testing import CliRunner

    from drafter.arxiv.api import reset_limiters
    from drafter.cli import app

    reset_limiters()  # each run stands for a new process: arXiv's 3-second spacing applies within a run
    with tempfile.TemporaryDirectory() as scratch:
        # An empty answer cache: every request is sent.
        with environment(DRAFTER_CACHE_DIR=str(Path(scratch) / "cache")):
            start = time.perf_counter()
            result = CliRunner().invoke(app, ["new", PAPER, "--output", str(Path(scratch) / "draft.md"), *flags])
            elapsed = time.perf_counter() - start
    return result.exit_code, result.stderr, elapsed


def drafter_command() -> list[str]:
    """The installed console script next to this Python, else `python -m drafter`: what a user types."""
    script = Path(sys.executable).with_name("drafter")
    return [str(script)] if script.exists() else [sys.executable, "-m", "drafter"]


def rejections_per_request(received: list[Received]) -> Counter:
    """How many times each distinct request (same body) was refused with HTTP 429."""
    refused: Counter = Counter()
    for record in received:
        if record.status == 429:
            refused[json.dumps(record.body, sort_keys=True)] += 1
    return refused
