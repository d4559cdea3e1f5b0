"""What Hugo (goldmark: CommonMark plus GFM tables) renders otherwise than the writer meant.

Each was checked against the HTML real Hugo builds (tests/test_render.py): a `---` line right under a
paragraph makes the paragraph a heading; an HTML comment left open hides the rest of the page; a `<` in prose
that starts a tag (`a<b and c>d`) is raw HTML, which Hugo drops; a heading inside a list item or blockquote
renders inside it, not as a section of the post.
"""

from __future__ import annotations

from ..findings import NESTED_HEADING, OPEN_COMMENT, SETEXT_HEADING, STRAY_HTML, Finding, quote
from ..post.markdown import Heading, angle_tags, mask_inline, parse
from ..post.placeholders import is_slot
from .headings import heading_matches


def check_rendering(skeleton: str, answer: str) -> list[Finding]:
    """Find what renders otherwise than meant in `answer` that the archetype's `skeleton` does not have itself."""
    expected = parse(skeleton)
    read = parse(answer)
    findings = [setext_finding(heading) for heading in read.top_headings
                if heading.setext and not any(heading_matches(want, heading) and want.level == heading.level
                                              for want in expected.top_headings)]
    kept_nested = {(heading.title, heading.container) for heading in expected.headings if heading.container}
    for heading in read.headings:
        if heading.container and (heading.title, heading.container) not in kept_nested:
            where = "a list item" if heading.container == "list" else "a blockquote"
            findings.append(Finding(heading.line, NESTED_HEADING,
                                    f"the heading {quote(heading.title, 60)} sits inside {where}, so Hugo renders it "
                                    f"there, not as a heading of the post; start it at the beginning of a line, outside "
                                    f"{where}, with a blank line before it, or write it as **bold** text"))
    kept_comments = {block.text for block in expected.html if block.block}
    for block in read.html:
        if block.block and block.text.lstrip().startswith("<!--") and "-->" not in block.text and block.text not in kept_comments:
            findings.append(Finding(block.line, OPEN_COMMENT,
                                    "this HTML comment is never closed (no -->), so Hugo hides everything after it to "
                                    "the end of the page; close it with --> or remove it"))
    findings += _stray_tags(expected, read, answer)
    return findings


def setext_finding(heading: Heading) -> Finding:
    """The finding for a paragraph that a `---` or `===` line under it turned into a heading."""
    underline = "---" if heading.level == 2 else "==="
    return Finding(heading.line, SETEXT_HEADING,
                   f"the {underline} line under {quote(heading.title, 60)} turns that paragraph into a heading; "
                   f"put a blank line before {underline} for a horizontal rule, or remove the {underline} line")


def _stray_tags(expected, read, answer: str) -> list[Finding]:
    """Inline HTML that the writer meant as text: a `<` starting a tag that no other rule reports."""
    allowed = {" ".join(html.text.split()) for html in expected.html if not html.block}
    reported = {(tag.line, tag.text) for tag in angle_tags(answer) if tag.is_html or is_slot(tag)}
    lines = read.lines
    findings = []
    for html in read.html:
        text = " ".join(html.text.split())
        if html.block or text.startswith("<!--") or text in allowed or (html.line, text) in reported:
            continue
        line = lines[html.line - 1]
        first = html.text.split("\n", 1)[0]
        if line.zone != "prose" or first not in mask_inline(line.text):
            continue  # inside inline math or code: opaque, not rendered as HTML
        findings.append(Finding(html.line, STRAY_HTML,
                                f"{quote(text, 40)} is read as an HTML tag, so Hugo drops it from the page; "
                                "write the < as &lt; (or put a space after it), put math in $...$ and code in `backticks`"))
    return findings
