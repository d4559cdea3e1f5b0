"""Regression tests for the bugs a mutation check showed no test would catch (issue 15's table).

Each test was checked by putting its bug back into the code by hand and watching the test fail. They go
through public behaviour (the CLI, `validate_section`, `run_code`, `resolve`) so they survive the modules
moving; the docstring of each names the bug it guards against.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from drafter.cli import app
from drafter.runcode import CODE_RUNS, run_code
from drafter.settings import resolve
from drafter.errors import DrafterError
from drafter.validate import validate_section
from drafter.post import document as post
from test_regen import Rewrites, block_span, make_draft

runner = CliRunner()


# -- headings: reordered and added -------------------------------------------------------------

SKELETON = ("## Method\n\n[Describe the method]\n\n### Encoder\n\n[Describe the encoder]\n\n"
            "### Decoder\n\n[Describe the decoder]\n")
GOOD = "## Method\n\nThe method works.\n\n### Encoder\n\nThe encoder reads.\n\n### Decoder\n\nThe decoder writes.\n"


@pytest.mark.parametrize("answer, expected", [
    (GOOD, []),
    (GOOD.replace("### Encoder\n\nThe encoder reads.\n\n### Decoder\n\nThe decoder writes.\n",
                  "### Decoder\n\nThe decoder writes.\n\n### Encoder\n\nThe encoder reads.\n"),
     [(5, "heading", "the heading 'Decoder' is out of order; keep the archetype's order")]),
    (GOOD + "\n### Extra\n\nMore words.\n",
     [(13, "heading", "the heading ### Extra is not in the archetype; remove it or fold its text into an existing subsection")]),
    (GOOD.replace("### Encoder", "### Embeddings\n\nFirst the tokens.\n\n### Encoder"),
     [(5, "heading", "the heading ### Embeddings is not in the archetype; remove it or fold its text into an existing subsection")]),
], ids=["archetype order", "subsections swapped", "heading added at the end", "heading added in the middle"])
def test_reordered_and_added_headings_are_findings(answer: str, expected: list[tuple[int, str, str]]) -> None:
    """Guards the `heading` rule's "reordered" (the order check was disabled unnoticed) and "added" (an
    extra heading was not reported unnoticed) cases."""
    assert [(f.line, f.rule, f.message) for f in validate_section(SKELETON, answer)] == expected


# -- slots versus reference links --------------------------------------------------------------

@pytest.mark.parametrize("text, placeholders", [
    ("See [the paper][vaswani] for more.\n\n[vaswani]: https://arxiv.org/abs/1706.03762\n", []),
    ("See [the paper][] too.\n\n[the paper]: https://arxiv.org/abs/1706.03762\n", []),
    ("Both [BERT][1] and [GPT][2] came later.\n\n[1]: https://arxiv.org/abs/1810.04805\n[2]: https://openai.com/\n", []),
    ("See [the paper](https://arxiv.org/abs/1706.03762).\n", []),
    ("Use [Model Name] here.\n", ["[Model Name]"]),
    ("Cite [Author et al.] then [the paper][ref].\n\n[ref]: https://arxiv.org/abs/1706.03762\n", ["[Author et al.]"]),
], ids=["full reference link", "collapsed reference link", "numbered references", "inline link", "slot", "slot beside a reference link"])
def test_reference_links_are_not_slots(text: str, placeholders: list[str]) -> None:
    """Guards the `[` in the slot pattern's lookahead: without it `[text][ref]` was taken for a `[slot]` left behind."""
    found = [f.message for f in validate_section("## Notes\n\n[Write notes]\n", "## Notes\n\n" + text) if f.rule == "placeholder"]
    assert len(found) == len(placeholders)
    for message, slot in zip(found, placeholders):
        assert slot in message


# -- splicing a regenerated section: line breaks at its end and the file's end ------------------

LINE_ENDINGS = {
    "LF, final newline": lambda text: text,
    "LF, no final newline": lambda text: text.rstrip("\n"),
    "CRLF, final newline": lambda text: text.replace("\n", "\r\n"),
    "CRLF, no final newline": lambda text: text.rstrip("\n").replace("\n", "\r\n"),
}


def _breaks_at_end(text: str) -> str:
    return text[len(text.rstrip("\r\n")):]


@pytest.mark.parametrize("edit", LINE_ENDINGS.values(), ids=LINE_ENDINGS.keys())
@pytest.mark.parametrize("which", ["middle", "last"])
def test_regen_keeps_the_line_breaks_after_the_section_and_at_the_end(env, tmp_path, model_server, edit, which):
    """Guards splicing: the model's trailing newlines were not stripped (`.rstrip("\\n")` dropped), or a
    final newline was forced onto a file that had none; `drafter regen` must keep both exactly."""
    draft = make_draft(tmp_path / "blog")
    before = edit(draft.read_text(encoding="utf-8"))
    draft.write_bytes(before.encode("utf-8"))
    titles = [block.title for block in post.split(before).blocks if block.heading is not None]
    target = "Conclusion" if which == "middle" else titles[-1]
    model_server.responder = Rewrites()  # its answers end with "\n", like a model's
    result = runner.invoke(app, ["regen", str(draft), target])
    assert result.exit_code == 0, result.output
    after = draft.read_bytes().decode("utf-8")
    start, end = block_span(before, target)
    new_start, new_end = block_span(after, target)
    assert "Regenerated text" in after[new_start:new_end]
    assert after[:new_start] == before[:start] and after[new_end:] == before[end:]
    assert _breaks_at_end(after[new_start:new_end]) == _breaks_at_end(before[start:end])
    assert _breaks_at_end(after) == _breaks_at_end(before)
    assert ("\r\n" in before) == ("\r\n" in after) and ("\n" not in after.replace("\r\n", "")) == ("\r\n" in before)


# -- Retry-After on a 5xx -------------------------------------------------------------------------

@pytest.mark.parametrize("kind, status", [("status", 503), ("server_error", 500)])
def test_retry_after_on_a_server_error_is_honoured(env, tmp_path, model_server, kind, status):
    """Guards the Retry-After of a 5xx: it was ignored unnoticed, and the retry came after the 1 s backoff.

    The wait is measured at the local server, between the refused request's answer and its retry, through
    the real SDK."""
    model_server.fail_next(kind, status=status, retry_after="2.5", only_label="## Conclusion")
    result = runner.invoke(app, ["new", "1706.03762", "-o", str(tmp_path / "t.md")])
    assert result.exit_code == 0, result.output
    conclusion = [r for r in model_server.received if "## Conclusion" in str(r.body["messages"][-1])]
    assert [r.status for r in conclusion] == [status, 200]
    assert conclusion[1].started - conclusion[0].finished >= 2.4


# -- --run-code: name resolution blocked even where it works offline ------------------------------

def _implementation(code: str) -> str:
    return ("---\ntitle: \"x\"\ndraft: true\n---\n\n# X\n\nIntro.\n\n## Implementation\n\n"
            f"```python\nimport socket\n{code}\n```\n\n## Conclusion\n\nDone.\n")


@pytest.mark.parametrize("call", [
    "socket.getaddrinfo('localhost', 80)",
    "socket.gethostbyname('localhost')",
    "socket.gethostbyname_ex('localhost')",
    "socket.gethostbyaddr('127.0.0.1')",
    "socket.getnameinfo(('127.0.0.1', 80), 0)",
])
def test_run_code_blocks_name_resolution_offline_too(call: str) -> None:
    """Guards `--run-code`'s no-network prelude for name look-ups: `localhost` resolves on an offline machine,
    so only the prelude makes these calls fail (a test resolving `example.org` passed offline with getaddrinfo open)."""
    result = run_code(_implementation(call), requires=())
    assert [f.rule for f in result.findings] == [CODE_RUNS], call
    assert "OSError: network access is disabled" in result.findings[0].message


def test_localhost_resolves_outside_the_sandbox() -> None:
    """The control for the test above: without the prelude these look-ups succeed here, network or not."""
    import socket

    assert socket.getaddrinfo("localhost", 80) and socket.gethostbyname("localhost")


# -- the API key in reprs and messages -----------------------------------------------------------

KEY = "sk-secret-0123456789abcdef"


def test_the_api_key_is_in_no_repr_str_or_message(env, tmp_path, model_server, monkeypatch):
    """Guards the key's masking: `Settings.__repr__` showing the key went unnoticed."""
    settings = resolve(None, {"OPENAI_API_KEY": KEY}, {})
    assert settings.api_key == KEY
    shown = [repr(settings), str(settings), f"{settings}", repr([settings]), repr({"settings": settings})]
    assert all(KEY not in text for text in shown), shown
    assert "api_key" in repr(settings)  # the field is listed, masked
    with pytest.raises(DrafterError) as bad:
        resolve(None, {"OPENAI_API_KEY": KEY}, {"max_attempts": 0})
    assert KEY not in str(bad.value)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    model_server.fail_next("status", status=401)
    result = runner.invoke(app, ["new", "1706.03762", "-o", str(tmp_path / "t.md")])
    assert result.exit_code == 2 and "HTTP 401" in result.stderr
    assert KEY not in result.output and KEY not in result.stderr
