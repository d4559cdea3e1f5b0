"""Record the shipped cassettes against the local test server: `python tests/make_cassettes.py`.

The answers come from tests/answers/ (written by drafter's authors), the arXiv responses from
tests/data/arxiv. Re-run this after changing a prompt template, or the shipped replay will miss.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from answers import Author  # noqa: E402
from conftest import ArxivServer  # noqa: E402
from fakeopenai import FakeOpenAI, environment  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEMOS = {"1706.03762": "transformer.md"}


def record(arxiv_id: str, cassette: Path) -> None:
    """Run `drafter new` against the local servers, recording to `cassette`."""
    from typer.testing import CliRunner

    from drafter.cli import app

    with FakeOpenAI(Author()) as model, ArxivServer() as arxiv_api, tempfile.TemporaryDirectory() as scratch:
        with environment(OPENAI_BASE_URL=model.base_url, OPENAI_API_KEY="", **arxiv_api.environment,
                         DRAFTER_MODEL=""):
            result = CliRunner().invoke(app, ["new", arxiv_id, "--output", str(Path(scratch) / "draft.md"),
                                              "--record", str(cassette), "--force", "--concurrency", "1"])
        if result.exit_code != 0:
            raise SystemExit(f"recording {arxiv_id} failed: {result.output}")


class RewritesConclusion(Author):
    """The authors' answers, with the Conclusion ending on one more sentence, so a regen changes something."""

    def section(self, body, section):
        answer = super().section(body, section)
        if section.startswith("## Conclusion"):
            answer = answer.rstrip("\n") + "\n\nIn short: attention alone carries the model, and it trains fast.\n"
        return answer


def record_regen(arxiv_id: str, cassette: Path, section: str = "conclusion") -> None:
    """Replay the shipped cassette into a demo draft, then record `drafter regen DEMO <section>` to `cassette`."""
    from typer.testing import CliRunner

    from drafter.cli import app

    with FakeOpenAI(RewritesConclusion()) as model, ArxivServer() as arxiv_api, tempfile.TemporaryDirectory() as scratch:
        demo = Path(scratch) / DEMOS[arxiv_id]
        with environment(OPENAI_BASE_URL=model.base_url, OPENAI_API_KEY="", DRAFTER_MODEL="", DRAFTER_ARXIV_API=arxiv_api.url,
                         DRAFTER_CACHE_DIR=str(Path(scratch) / "cache")):
            made = CliRunner().invoke(app, ["new", arxiv_id, "--replay", str(REPO / "cassettes" / f"{arxiv_id}.yaml"),
                                            "--output", str(demo)])
            result = CliRunner().invoke(app, ["regen", str(demo), section, "--record", str(cassette), "--force"])
        if made.exit_code != 0 or result.exit_code != 0:
            raise SystemExit(f"recording the regen of {arxiv_id} failed: {made.output}{result.output}")


# One section at a time, so the server's simulated prefix cache reports the same counts every time.


def main() -> None:
    """Record every shipped cassette."""
    for arxiv_id in DEMOS:
        target = REPO / "cassettes" / f"{arxiv_id}.yaml"
        record(arxiv_id, target)
        print(f"recorded {target.relative_to(REPO)}")
        regen_target = REPO / "cassettes" / f"regen-{arxiv_id}.yaml"
        record_regen(arxiv_id, regen_target)
        print(f"recorded {regen_target.relative_to(REPO)}")


if __name__ == "__main__":
    main()
