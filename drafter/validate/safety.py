"""Safety: what would run or load something when Hugo renders the post: raw HTML, shortcodes, script links."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

from ..findings import SHORTCODE, UNSAFE_HTML, UNSAFE_LINK, Finding, quote
from ..post.markdown import angle_tags, parse, split_lines
from ..post.placeholders import is_slot

_SHORTCODE = re.compile(r"\{\{\s*([<%])\s*(/\*)?\s*/?\s*([^\s<>%{}*/]*)")
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


def _unsafe_url(url: str) -> bool:
    # Browsers ignore case, whitespace and control characters in a scheme, and Markdown decodes entities.
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", unquote(html.unescape(url))).lower()
    return cleaned.startswith(_UNSAFE_SCHEMES)


def shortcodes(text: str) -> list[tuple[int, str]]:
    """Return (line, name) of every Hugo shortcode call; Hugo runs them even inside code blocks."""
    found = []
    # Markdown's line breaks (\n, \r\n, \r), as the rest of the validator counts lines; str.splitlines would
    # also break at U+2028 and form feeds and put the finding on a later line than the reader sees it.
    for number, line in enumerate(split_lines(text), start=1):
        for match in _SHORTCODE.finditer(line):
            if match.group(2):  # {{</* name */>}} is Hugo's escape: it renders as text
                continue
            found.append((number, match.group(3).lower() or match.group(1)))
    return found


def check_safety(skeleton: str, answer: str) -> list[Finding]:
    """Find raw HTML, shortcodes and script links in `answer` that the archetype's `skeleton` did not have."""
    findings: list[Finding] = []
    allowed_tags = {tag.text for tag in angle_tags(skeleton) if tag.is_html and not is_slot(tag)}
    answer_tags = angle_tags(answer)
    by_line: dict[int, list[str]] = {}
    for tag in answer_tags:
        if tag.is_html and tag.text not in allowed_tags:
            by_line.setdefault(tag.line, []).append(tag.text)
    for number, tags in by_line.items():
        shown = ", ".join(quote(text, 60) for text in dict.fromkeys(tags))
        findings.append(Finding(number, UNSAFE_HTML,
                                f"the raw HTML {shown} is not in the archetype; remove it and write plain Markdown "
                                "(put literal markup in `backticks`)"))
    present = {tag.text for tag in answer_tags if tag.is_html}
    for missing in sorted(allowed_tags - present):
        findings.append(Finding(1, UNSAFE_HTML,
                                f"the archetype's HTML {quote(missing)} is missing or changed; keep it exactly as the archetype has it"))
    allowed_shortcodes = {name for _, name in shortcodes(skeleton)}
    for number, name in shortcodes(answer):
        if name not in allowed_shortcodes:
            findings.append(Finding(number, SHORTCODE,
                                    f"the Hugo shortcode {{{{< {name} >}}}} is not in the archetype; remove it "
                                    "(Hugo would run it when building the site)"))
    for link in parse(answer).links:
        if _unsafe_url(link.target):
            findings.append(Finding(link.line, UNSAFE_LINK,
                                    f"the link target {quote(link.target)} would run script or embed data; "
                                    "link to an https:// page instead, or remove the link"))
    return findings
