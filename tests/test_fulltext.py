"""The paper's full text: LaTeX and LaTeXML HTML read into Markdown sections, e-prints read in memory, fetching with
fallbacks against the local arXiv server (real HTTP, urllib never patched), the token budget and the rate limiter."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
from pathlib import Path

import pytest

from conftest import FULLTEXT_FILES, ArxivServer, pack_source
from fakeclock import FakeClock
from drafter.arxiv import fulltext, html, latex
from drafter.arxiv.api import RateLimiter
from drafter.arxiv.text import APPENDIX, BIBLIOGRAPHY, BODY, RELATED, PaperText, Section, estimate_tokens, fit

SOURCE = FULLTEXT_FILES / "1706.03762"
PAGE = FULLTEXT_FILES / "1706.03762-latexml.html"


def source_files() -> dict[str, bytes]:
    """The real LaTeX source of 1706.03762 as an archive's members."""
    return {path.name: path.read_bytes() for path in SOURCE.iterdir()}


@pytest.fixture(scope="module")
def from_latex() -> str:
    return "\n".join(section.markdown() for section in latex.read(source_files()))


@pytest.fixture(scope="module")
def from_html() -> str:
    return "\n".join(section.markdown() for section in html.read(PAGE.read_bytes()))


# What a reader needs from the paper, as both extractors must give it: headings, body numbers, tables with their
# captions, equations as LaTeX, figure captions and the bibliography.
BOTH = [
    "# Training",
    "## Hardware and Schedule",
    "### Scaled Dot-Product Attention",
    "We trained our models on one machine with 8 NVIDIA P100 GPUs.",
    "We used $warmup\\_steps=4000$.",
    "Table: Variations on the Transformer architecture.",
    "Figure: The Transformer - model architecture.",
    "Jimmy Lei Ba, Jamie Ryan Kiros, and Geoffrey E Hinton. Layer normalization.",
]


@pytest.mark.parametrize("expected", BOTH + [
    "$d_{\\text{model}}=512$",  # \dmodel expanded
    "| base | 6 | 512 | 2048 | 8 | 64 | 64 | 0.1 | 0.1 | 100K | 4.92 | 25.8 | 65 |",  # a tabular row
    "$$\n\\mathrm{Attention}(Q, K, V) = \\mathrm{softmax}(\\frac{QK^T}{\\sqrt{d_k}})V\n$$",
    "# References\n\n- Jimmy Lei Ba",
    "layer normalization [Ba et al.]",  # a citation named by its first author, never a number grounding could take
])
def test_latex_source_keeps_what_a_reader_needs(from_latex: str, expected: str) -> None:
    """The real 1706.03762 source, with \\input files and macros, reads into the paper's text."""
    assert expected in from_latex


@pytest.mark.parametrize("absent", [
    "attention dropout rates of 0.2",  # only in a % comment of training.tex
    "Symbol Dropout",  # ditto
    "\\dmodel", "\\begin{", "\\input", "\\citep", "\\textbf", "\\label", "\x00", "\x01",
])
def test_latex_source_drops_comments_and_markup(from_latex: str, absent: str) -> None:
    """Comments are not the paper, and no LaTeX markup outside math reaches the model."""
    assert absent not in from_latex


@pytest.mark.parametrize("expected", BOTH + [
    "$d_{\\text{model}}=512$",
    "| base | 6 | 512 | 2048 | 8 | 64 | 64 | 0.1 | 0.1 | 100K | 4.92 | 25.8 | 65 |",
    "\\mathrm{Attention}(Q,K,V)=\\mathrm{softmax}(\\frac{QK^{T}}{\\sqrt{d_{k}}})V",
])
def test_latexml_html_keeps_what_a_reader_needs(from_html: str, expected: str) -> None:
    """LaTeXML's HTML of the same paper reads into the same content: math from alttext, tables as rows."""
    assert expected in from_html


@pytest.mark.parametrize("absent", ["Ashish Vaswani", "Generated", "LaTeXML", "ltx_", "<math", "ModalNet",
                                    "hochreiter1997", "[13]"])  # citation keys and numbers are not the paper's figures
def test_latexml_html_drops_front_matter_and_markup(from_html: str, absent: str) -> None:
    """Authors (the API gives them), the generator's footer, class names, MathML and image names are not text."""
    assert absent not in from_html


@pytest.mark.parametrize("reader", ["latex", "html"])
def test_roles_of_sections(reader: str) -> None:
    """Background is related work, References the bibliography, what follows the references an appendix."""
    sections = latex.read(source_files()) if reader == "latex" else html.read(PAGE.read_bytes())
    roles = {section.title: section.role for section in sections}
    assert (roles["Background"], roles["References"], roles["Attention Visualizations"], roles["Training"]) == (
        RELATED, BIBLIOGRAPHY, APPENDIX, BODY)


# ---------------------------------------------------------------- the LaTeX reader, rule by rule


@pytest.mark.parametrize(("source", "expected"), [
    ("a % comment\nb", "a \nb"),
    ("50\\% of them", "50\\% of them"),
    ("% a whole-line comment\nkept", "kept"),
    ("line\\\\% comment after a line break\nnext", "line\\\\\nnext"),
    ("x\\begin{comment}gone\\end{comment}y", "xy"),
    ("x\\iffalse gone \\fi y", "x y"),
])
def test_strip_comments(source: str, expected: str) -> None:
    """A % comment is dropped, \\% is a percent sign, comment environments and \\iffalse blocks go too."""
    assert latex.strip_comments(source) == expected


def paper(body: str, preamble: str = "") -> dict[str, bytes]:
    return {"paper.tex": f"\\documentclass{{article}}\n{preamble}\n\\begin{{document}}\n{body}\n\\end{{document}}\n".encode()}


@pytest.mark.parametrize(("preamble", "body", "expected"), [
    ("\\newcommand{\\dmodel}{d_{\\text{model}}}", "\\section{A}\nWidth $\\dmodel=512$.", "Width $d_{\\text{model}}=512$."),
    ("\\newcommand\\kq{q}", "\\section{A}\nUse $\\kq$ here.", "Use $q$ here."),
    ("\\def\\model{Transformer}", "\\section{A}\nThe \\model{} works.", "The Transformer works."),
    ("\\newcommand{\\mbf}[1]{\\mathbf{#1}}", "\\section{A}\nVector $\\mbf{z}$.", "Vector $\\mathbf{z}$."),
    ("\\newcommand{\\pair}[2]{(#1, #2)}", "\\section{A}\nPair $\\pair{a}{b}$.", "Pair $(a, b)$."),
    ("\\DeclareMathOperator{\\softmax}{softmax}", "\\section{A}\nApply $\\softmax(x)$.", "Apply $\\operatorname{softmax}(x)$."),
    ("", "\\section{A}\nWe use \\textbf{bold} and \\emph{this}.", "We use **bold** and *this*."),
    ("", "\\section{A}\n\\paragraph{Residual Dropout} We apply it.", "**Residual Dropout** We apply it."),
    ("", "\\section{A}\nSee Table~\\ref{tab:x}.", "See Table tab:x."),
    ("", "\\section{A}\n\\begin{itemize}\\item one\\item two\\end{itemize}", "- one\n- two"),
    ("", "\\section{A}\n\\begin{equation}\\label{eq:1}x=1\\end{equation}", "$$\nx=1\n$$"),
    ("", "\\section{A}\n\\begin{table}\\caption{Sizes.}\\begin{tabular}{lc}\\toprule Model & $d$ \\\\ \\midrule "
         "base & 512 \\\\ \\multicolumn{2}{c}{big} \\\\ \\bottomrule\\end{tabular}\\end{table}",
     "Table: Sizes.\n\n| Model | $d$ |\n|---|---|\n| base | 512 |\n| big |  |"),
    ("", "\\section{A}\n\\begin{figure}\\includegraphics{x.png}\\caption{The model.}\\end{figure}", "Figure: The model."),
])
def test_latex_rules(preamble: str, body: str, expected: str) -> None:
    """Each rule of the reader: macros (with and without arguments), emphasis, refs, lists, equations, tables, figures."""
    sections = latex.read(paper(body, preamble))
    assert expected in "\n".join(section.text for section in sections)


def test_input_and_include_follow_subfolders_with_or_without_extension() -> None:
    """\\input{sections/intro} and \\include{method.tex} both find their file, in a subfolder or not."""
    files = {"main.tex": b"\\documentclass{article}\\begin{document}\\input{sections/intro}\n\\include{method.tex}\\end{document}",
             "sections/intro.tex": b"\\section{Intro}\nFrom the subfolder.", "method.tex": b"\\section{Method}\nWith extension."}
    text = "\n".join(section.markdown() for section in latex.read(files))
    assert "# Intro\n\nFrom the subfolder." in text and "# Method\n\nWith extension." in text


def test_main_file_is_the_one_with_documentclass_whatever_its_name() -> None:
    """The main file is found by \\documentclass, not by name; an included file mentioning it in a comment is not it."""
    files = {"a.tex": b"% \\documentclass{article} in a comment\n\\section{Wrong}", "z-paper.tex": paper("\\section{Right}\nYes.")["paper.tex"]}
    assert latex.find_main({k: latex.decode(v) for k, v in files.items()}) == "z-paper.tex"


def test_latin1_source_reads() -> None:
    """A .tex saved in Latin-1 (older arXiv sources) reads, accents intact."""
    files = {"paper.tex": "\\documentclass{article}\\begin{document}\\section{R\u00e9sum\u00e9}Caf\u00e9 na\u00efve.\\end{document}".encode("latin-1")}
    sections = latex.read(files)
    assert sections[0].title == "R\u00e9sum\u00e9" and "Caf\u00e9 na\u00efve." in sections[0].text


def test_bbl_bibliography_is_read_beside_the_main_file() -> None:
    """\\bibliography{refs} with the compiled ms.bbl in the archive: the entries become References."""
    files = paper("\\section{A}\nAs shown \\cite{smith}.\\bibliography{refs}")
    files["paper.bbl"] = b"\\begin{thebibliography}{1}\n\\bibitem{smith} J. Smith.\n\\newblock A study.\n\\end{thebibliography}\n"
    sections = latex.read(files)
    assert sections[-1] == Section("References", 1, "- J. Smith. A study.", BIBLIOGRAPHY)
    assert "As shown [Smith]." in sections[0].text


def test_appendix_marks_the_sections_after_it() -> None:
    """\\appendix makes every later section (and its subsections) appendix."""
    sections = latex.read(paper("\\section{Method}\nM.\n\\appendix\n\\section{Proofs}\nP.\n\\subsection{Lemma}\nL."))
    assert [(s.title, s.role) for s in sections] == [("Method", BODY), ("Proofs", APPENDIX), ("Lemma", APPENDIX)]


# ---------------------------------------------------------------- e-prints, in memory


def tar_gz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize("evil", ["../../x.tex", "/etc/x.tex", "sub/../../x.tex", "/tmp/x.tex"])
def test_tar_member_outside_the_archive_is_never_written_or_read(evil: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A member named ../../x or /etc/x is ignored: nothing is written anywhere, its text never reaches the paper."""
    work = tmp_path / "deep" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    before = sorted(p for p in tmp_path.rglob("*"))
    data = tar_gz({"ms.tex": paper("\\section{Safe}\nInside.")["paper.tex"],
                   evil: b"\\documentclass{article}\\begin{document}\\section{Evil}\nOutside.\\end{document}"})
    sections = fulltext.read_eprint(data)
    assert [s.title for s in sections] == ["Safe"]
    assert sorted(p for p in tmp_path.rglob("*")) == before  # the test's folder stays as it was
    assert not Path("/etc/x.tex").exists() and not Path("/tmp/x.tex").exists()


@pytest.mark.parametrize(("data", "reason"), [
    (b"\x1f\x8b\x08\x00garbage that is not deflate", "corrupt"),
    (pack_source(SOURCE)[:4000], "corrupt"),  # a tar.gz cut short
    (gzip.compress(b"\x00" * 600), "not LaTeX"),  # gzip of something that is neither tar nor LaTeX
    (b"%PDF-1.5\n...", "PDF-only"),
    (b"<html>not a source</html>", "neither"),
    (tar_gz({"figure.png": b"\x89PNG"}), "no .tex"),
])
def test_unreadable_eprint_is_unavailable_with_its_reason(data: bytes, reason: str) -> None:
    """A corrupt gzip or tar, a PDF-only submission or an archive without LaTeX: FullTextUnavailable naming why."""
    with pytest.raises((fulltext.FullTextUnavailable, latex.LatexUnreadable)) as caught:
        fulltext.read_eprint(data)
    assert reason in str(caught.value)


def test_single_gzipped_tex_reads() -> None:
    """arXiv serves a one-file submission as a gzipped .tex, not a tar."""
    sections = fulltext.read_eprint(gzip.compress(paper("\\section{Only}\nOne file.")["paper.tex"]))
    assert sections[0].markdown() == "# Only\n\nOne file.\n"


@pytest.mark.parametrize("data", [
    tar_gz({"ms.tex": paper("\\section{A}\n" + "x" * 3000)["paper.tex"]}),
    gzip.compress(paper("\\section{A}\n" + "x" * 3000)["paper.tex"]),
])
def test_unpacked_text_over_the_limit_is_refused(data: bytes) -> None:
    """A source whose unpacked text is over the limit is refused (a decompression bomb stops there)."""
    with pytest.raises(fulltext.FullTextUnavailable, match="over the"):
        fulltext.read_eprint(data, text_limit=1000)


# ---------------------------------------------------------------- fetching, against the local arXiv server


def no_wait() -> dict[str, RateLimiter]:
    return {"html": RateLimiter(0.0), "e-print": RateLimiter(0.0)}


def endpoints(server: ArxivServer) -> fulltext.Endpoints:
    return fulltext.Endpoints(server.html_url, server.eprint_url)


def test_html_is_preferred_when_arxiv_has_it(arxiv_server: ArxivServer) -> None:
    """A paper with an HTML page is read from it; the e-print is never asked for (one request per paper)."""
    arxiv_server.html_pages["1706.03762"] = (200, PAGE.read_bytes())
    fetched = fulltext.fetch("1706.03762v7", endpoints(arxiv_server), limiters=no_wait())
    assert fetched.text is not None and fetched.text.source == "html"
    assert fetched.text.url.endswith("/html/1706.03762v7")
    assert arxiv_server.fulltext_requests == ["html/1706.03762v7"]


@pytest.mark.parametrize(("page", "latency", "timeout"), [
    (None, 0.0, 5.0),  # 404: no HTML for this paper
    ((500, b"Internal Server Error"), 0.0, 5.0),
    ((200, PAGE.read_bytes()), 1.0, 0.3),  # HTML too slow: timed out
    ((200, b"<html><body>Just a page</body></html>"), 0.0, 5.0),  # not LaTeXML
])
def test_html_missing_failing_or_timing_out_falls_back_to_the_source(arxiv_server: ArxivServer, page, latency: float,
                                                                      timeout: float) -> None:
    """HTML answering 404 or 500, timing out or not being LaTeXML: the LaTeX e-print is read instead."""
    if page is not None:
        arxiv_server.html_pages["1706.03762"] = page
    arxiv_server.latency["html"] = latency
    fetched = fulltext.fetch("1706.03762", endpoints(arxiv_server), timeout=timeout, limiters=no_wait())
    assert fetched.text is not None and fetched.text.source == "latex", fetched.note
    assert "8 NVIDIA P100 GPUs" in fetched.text.markdown()
    assert arxiv_server.fulltext_requests == ["html/1706.03762", "e-print/1706.03762"]


@pytest.mark.parametrize(("eprint", "note"), [
    (None, "no HTML; no source"),
    ((200, b"%PDF-1.4 a PDF-only submission"), "a PDF-only submission"),
    ((200, b"\x1f\x8b\x08\x00corrupt"), "the gzip is"),
    ((200, pack_source(SOURCE)[:3000]), "the archive is corrupt"),
    ((503, b"down"), "HTTP 503 Service Unavailable"),
])
def test_no_usable_source_leaves_the_abstract_with_one_line(arxiv_server: ArxivServer, eprint, note: str) -> None:
    """Neither HTML nor a readable source: no text, and one line saying why the model sees the abstract alone."""
    arxiv_server.eprints.clear()
    if eprint is not None:
        arxiv_server.eprints["1605.08386"] = eprint
    fetched = fulltext.fetch("1605.08386", endpoints(arxiv_server), limiters=no_wait())
    assert fetched.text is None
    assert note in fetched.note and "abstract alone" in fetched.note and "\n" not in fetched.note


def test_download_over_the_size_limit_is_refused(arxiv_server: ArxivServer) -> None:
    """A download larger than the limit is refused, not read into memory."""
    with pytest.raises(fulltext.FullTextUnavailable, match="over the 0 MB limit"):
        fulltext.download(f"{arxiv_server.eprint_url}/1706.03762", timeout=5, limiter=RateLimiter(0.0), accept="*/*",
                          limit=1000)


@pytest.mark.parametrize(("variable", "value"), [("DRAFTER_ARXIV_HTML", "file:///etc"), ("DRAFTER_ARXIV_EPRINT", "ftp://x/y")])
def test_endpoints_must_be_http(variable: str, value: str) -> None:
    """DRAFTER_ARXIV_HTML and DRAFTER_ARXIV_EPRINT take http(s) URLs only; the error names the variable."""
    from drafter.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        fulltext.endpoints_from_env({variable: value})
    assert caught.value.setting == variable


# ---------------------------------------------------------------- rate limiter


@pytest.mark.parametrize(("gaps", "slept"), [
    ([0.0, 0.0, 0.0], [3.0, 3.0]),  # three papers at once: 3 s apart
    ([0.0, 1.0, 5.0], [2.0]),  # the second came 1 s after the first; the third needs no wait
    ([0.0], []),  # one paper: no wait at all
])
def test_rate_limiter_keeps_three_seconds_between_requests(gaps: list[float], slept: list[float]) -> None:
    """Requests to one service start at least 3 s apart; the first never waits (the clock is injected)."""
    clock = FakeClock(start=100.0)
    limiter = RateLimiter(3.0, clock=clock, sleep=clock.sleep)
    for gap in gaps:
        clock.now += gap
        limiter.wait()
    assert clock.slept == slept


# ---------------------------------------------------------------- the token budget


def sample(body_chars: int = 4000) -> PaperText:
    return PaperText("latex", "u", "d", (
        Section("Introduction", 1, "i" * body_chars),
        Section("Related Work", 1, "r" * 2000, RELATED),
        Section("Method", 1, ("m" * 1000 + "\n\n") * 4),
        Section("References", 1, "b" * 2000, BIBLIOGRAPHY),
        Section("Appendix A", 1, "a" * 2000, APPENDIX),
        Section("Proofs", 2, "p" * 2000, APPENDIX),
    ))


@pytest.mark.parametrize(("budget", "dropped"), [
    (100_000, []),  # the sample is ~4,020 tokens: 1,000 each for Introduction and Method, 500 for the others
    (3600, ["Proofs"]),  # the appendix's last part first
    (3100, ["Proofs", "Appendix A"]),
    (3000, ["Proofs", "Appendix A", "References"]),
    (2100, ["Proofs", "Appendix A", "References", "Related Work"]),
    (1500, ["Proofs", "Appendix A", "References", "Related Work", "Method (end)"]),
])
def test_fit_drops_appendix_then_bibliography_then_related_work(budget: int, dropped: list[str]) -> None:
    """Over the budget: the appendix goes first, then the bibliography, then related work, then the body's end."""
    kept = fit(sample(), budget)
    assert list(kept.dropped) == dropped
    assert estimate_tokens(kept.markdown()) <= budget


def test_record_round_trips() -> None:
    """What the cache and cassettes keep reads back to the same text."""
    text = sample()
    assert PaperText.from_record(text.to_record()) == text
    assert fulltext.Fetched.from_record(fulltext.Fetched(None, "no source").to_record()) == fulltext.Fetched(None, "no source")


# ---------------------------------------------------------------- end to end, against the local servers


def replayed_draft(tmp_path: Path) -> Path:
    """The shipped cassette's draft (written from the paper's full text), replayed offline."""
    from typer.testing import CliRunner

    from drafter.cli import app

    draft = tmp_path / "transformer.md"
    cassette = Path(__file__).resolve().parents[1] / "cassettes" / "1706.03762.yaml"
    result = CliRunner().invoke(app, ["new", "1706.03762", "--replay", str(cassette), "--output", str(draft)])
    assert result.exit_code == 0, result.output
    return draft


BODY_NUMBERS = "The base model has a model dimension of 512, warms the learning rate up over 4000 steps and trains on 8 P100 GPUs."


@pytest.mark.parametrize(("sentence", "exit_code", "flagged"), [
    (BODY_NUMBERS, 0, []),  # numbers from the body, not the abstract: grounded by the full text
    (BODY_NUMBERS.replace("4000 steps", "4500 steps"), 1, ["4500 steps"]),  # one invented number
])
def test_check_grounds_body_numbers_in_the_full_text(env, tmp_path: Path, sentence: str, exit_code: int,
                                                     flagged: list[str]) -> None:
    """A draft stating d_model 512, 4000 warm-up steps and 8 P100 GPUs passes check; one invented number fails it."""
    from typer.testing import CliRunner

    from drafter.cli import app

    draft = replayed_draft(tmp_path)
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("## Conclusion\n\n", f"## Conclusion\n\n{sentence}\n\n", 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(draft)])
    assert result.exit_code == exit_code, result.output
    assert [line.split("'")[1] for line in result.stdout.splitlines()] == flagged


def test_check_grounds_against_the_abstract_alone_with_source_abstract(env, tmp_path: Path) -> None:
    """`--source abstract` is today's behaviour: the body's numbers are not grounded by the abstract."""
    from typer.testing import CliRunner

    from drafter.cli import app

    draft = replayed_draft(tmp_path)
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("## Conclusion\n\n", f"## Conclusion\n\n{BODY_NUMBERS}\n\n", 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(draft), "--source", "abstract"])
    assert result.exit_code == 1
    assert {line.split("'")[1].split()[0] for line in result.stdout.splitlines()} == {"512", "4000"}  # 8 is in the abstract ("eight GPUs")


def test_new_fetches_the_paper_alongside_the_api_and_keeps_it(env, tmp_path: Path, arxiv_server: ArxivServer) -> None:
    """One request to each service; the text is kept beside the feed, so check needs no request for it."""
    from typer.testing import CliRunner

    from drafter.arxiv import store
    from drafter.cli import app

    result = CliRunner().invoke(app, ["new", "1706.03762", "--output", str(tmp_path / "t.md")])
    assert result.exit_code == 0, result.output
    assert arxiv_server.fulltext_requests == ["html/1706.03762", "e-print/1706.03762"]
    assert arxiv_server.requests == ["1706.03762"]
    kept = store.kept_text("1706.03762v7", os.environ)
    assert kept is not None and kept.text is not None and kept.text.source == "latex"
    arxiv_server.fulltext_requests.clear()
    assert CliRunner().invoke(app, ["check", str(tmp_path / "t.md")]).exit_code == 0
    assert arxiv_server.fulltext_requests == []


def test_no_full_text_says_so_in_one_line_and_the_run_goes_on(env, tmp_path: Path, arxiv_server: ArxivServer) -> None:
    """A PDF-only paper: the run prints one line saying the model sees the abstract alone, and writes the draft."""
    from typer.testing import CliRunner

    from drafter.cli import app

    arxiv_server.eprints["1706.03762"] = (200, b"%PDF-1.4 only a PDF")
    result = CliRunner().invoke(app, ["new", "1706.03762", "--output", str(tmp_path / "t.md")])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if "abstract alone" in line]
    assert notes == ["paper: full text of 1706.03762 unavailable (no HTML; source: a PDF-only submission, no LaTeX "
                     "source): the model sees the abstract alone"]


def test_dry_run_lists_the_sections_kept(env) -> None:
    """--dry-run says where the text came from and lists every section the shared prompt holds."""
    from typer.testing import CliRunner

    from drafter.cli import app

    result = CliRunner().invoke(app, ["new", "1706.03762", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "paper text: full text from arXiv's LaTeX source, 25 sections" in result.stdout
    assert "kept    ## Hardware and Schedule" in result.stdout
    assert "<<<PAPER" in result.stdout
