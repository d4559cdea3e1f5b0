"""Headings' ids as Hugo makes them, and table-of-contents links that must point at one."""

from __future__ import annotations

import difflib
import re
import unicodedata
from urllib.parse import unquote

from ..findings import TOC_LINK, Finding
from ..post.document import split_front_matter
from ..post.markdown import Heading, blank_comments, mask_code_spans, parse, scan_masked


_EXPLICIT_ID = re.compile(r"\s*\{#([^\s}]+)[^}]*\}\s*$")
_ANCHOR_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?#([^\s)>]*)>?")


def heading_anchor(title: str) -> str:
    """Return the id Hugo gives a heading with `autoHeadingIDType = "github"` (the default), before de-duplication."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", _EXPLICIT_ID.sub("", title))
    out = []
    for char in text:
        if char in "- \t":
            out.append("-")
        elif char == "_" or char.isalpha() or unicodedata.category(char) == "Nd":
            out.append(char.lower())
    return "".join(out)


def heading_ids(body: str) -> list[tuple[Heading, str]]:
    """Return each heading of `body` with its HTML id as Hugo makes it: explicit {#id}, or derived and numbered -1, -2 on repeats."""
    taken: set[str] = set()
    result = []
    for heading in parse(body).headings:
        explicit = _EXPLICIT_ID.search(heading.title)
        if explicit:
            identifier = explicit.group(1)
        else:
            base = heading_anchor(heading.title) or "heading"
            identifier, counter = base, 0
            while identifier in taken:
                counter += 1
                identifier = f"{base}-{counter}"
        taken.add(identifier)
        result.append((heading, identifier))
    return result


def check_toc_links(text: str) -> list[Finding]:
    """Every `[Text](#anchor)` link in the post's body must point at a heading id Hugo will generate."""
    front_matter, body = split_front_matter(text)
    offset = front_matter.count("\n")
    ids = [identifier for _, identifier in heading_ids(body)]
    known = set(ids)
    findings = []
    for line in scan_masked(body, blank_comments(body)):
        if line.zone != "prose":
            continue
        for match in _ANCHOR_LINK.finditer(mask_code_spans(line.text)):
            anchor = unquote(match.group(2))
            if anchor in known:
                continue
            close = difflib.get_close_matches(anchor, ids, n=1) or difflib.get_close_matches(heading_anchor(match.group(1)), ids, n=1)
            hint = f"; the nearest heading id is #{close[0]}" if close else "; no heading has an id like it"
            findings.append(Finding(line.number + offset, TOC_LINK,
                                    f"the link [{match.group(1)}](#{match.group(2)}) points at no heading{hint}. "
                                    "Hugo ids are the heading text in lower case, spaces as hyphens, punctuation dropped"))
    return findings

