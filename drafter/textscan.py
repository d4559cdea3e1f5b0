"""Line zones and inline masks of Markdown text: which lines are prose, code or display math, and prose with
its code spans, math spans and HTML comments blanked out. Shared by the validator and grounding; it imports
nothing of either, so neither depends on the other."""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)([^`].*?)(?<!`)\1(?!`)")
_DISPLAY_MATH_SPAN = re.compile(r"(?<!\\)\$\$[^\n]*?\$\$")
_MATH_SPAN = re.compile(r"(?<![\\$])\$(?!\$)(?:\\.|[^$\\\n])+\$")


@dataclass(frozen=True)
class Line:
    """A line of Markdown with what it sits inside."""

    number: int
    text: str
    zone: str  # "prose", "code", "math" or "fence" (a fence delimiter itself)


def scan(text: str) -> list[Line]:
    """Tag every line of `text` with whether it is prose, code, display math or a fence line."""
    lines: list[Line] = []
    fence: str | None = None
    in_math = False
    for number, line in enumerate(text.splitlines(), start=1):
        fence_match = FENCE.match(line)
        if fence is not None:
            closing = fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence)
            if closing and line.strip() == fence_match.group(1):
                fence = None
                lines.append(Line(number, line, "fence"))
            else:
                lines.append(Line(number, line, "code"))
            continue
        if fence_match and not in_math:
            fence = fence_match.group(1)
            lines.append(Line(number, line, "fence"))
            continue
        stripped = line.strip()
        if stripped == "$$":
            in_math = not in_math
            lines.append(Line(number, line, "fence"))
            continue
        if in_math:
            lines.append(Line(number, line, "math"))
            continue
        lines.append(Line(number, line, "prose"))
    return lines


def blank(match: re.Match[str]) -> str:
    """Return the matched text with every character but line breaks turned into a space."""
    return re.sub(r"[^\n]", " ", match.group(0))


def mask_code_spans(line: str) -> str:
    """Return `line` with inline code spans blanked out (same length, so columns stay put)."""
    return _CODE_SPAN.sub(blank, line)


def mask_inline(line: str) -> str:
    """Return `line` with inline code and inline math blanked out: what renders as Markdown and HTML."""
    return _MATH_SPAN.sub(blank, _DISPLAY_MATH_SPAN.sub(blank, mask_code_spans(line)))


def blank_comments(text: str) -> str:
    """Blank out HTML comments (an unclosed one runs to the end), keeping line breaks; linear time."""
    if "<!--" not in text:
        return text
    out = []
    position = 0
    while True:
        start = text.find("<!--", position)
        if start < 0:
            out.append(text[position:])
            break
        end = text.find("-->", start + 4)
        end = len(text) if end < 0 else end + 3
        out.append(text[position:start])
        out.append(re.sub(r"[^\n]", " ", text[start:end]))
        position = end
    return "".join(out)
