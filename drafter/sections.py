"""Split a Markdown post into front matter, lead and sections, so that joining the parts gives the text back byte for byte."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .status import Status

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


Action = Status  # the old name, kept while other worktrees still import it; use drafter.status.Status


@dataclass(frozen=True)
class Heading:
    """One ATX heading line."""

    level: int
    title: str
    line: int  # 1-based, within the block's text


@dataclass(frozen=True)
class Block:
    """The lead (H1 with its text) or one section (its heading down to the next heading of its level)."""

    text: str
    start_line: int  # 1-based line of the block's first line in the whole document
    headings: tuple[Heading, ...] = ()

    @property
    def heading(self) -> Heading | None:
        """The block's own heading, if it starts with one."""
        return self.headings[0] if self.headings and self.headings[0].line == 1 else None

    @property
    def title(self) -> str:
        """The block's heading text, or a stand-in for headless text."""
        return self.heading.title if self.heading else "(text before the first heading)"

    @property
    def level(self) -> int:
        """The block's heading level (0 when headless)."""
        return self.heading.level if self.heading else 0

    @property
    def body(self) -> str:
        """The block's text after its heading line."""
        return self.text.split("\n", 1)[1] if self.heading and "\n" in self.text else ("" if self.heading else self.text)


@dataclass(frozen=True)
class Document:
    """A post split into parts; `join()` gives the original text back exactly."""

    front_matter: str  # delimiters included, with the newline after the closing one
    preamble: str  # text between the front matter and the first heading
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    section_level: int = 2

    def join(self) -> str:
        """Return the whole text of the document."""
        return self.front_matter + self.preamble + "".join(block.text for block in self.blocks)

    def with_block(self, index: int, text: str) -> "Document":
        """Return a copy with block `index` replaced by `text` (headings re-read)."""
        blocks = list(self.blocks)
        old = blocks[index]
        blocks[index] = _make_block(text, old.start_line)
        return _renumber(replace(self, blocks=tuple(blocks)))

    def find(self, title: str) -> int | None:
        """Return the index of the block whose heading text is `title`, ignoring case."""
        wanted = title.strip().casefold()
        for index, block in enumerate(self.blocks):
            if block.heading and block.heading.title.casefold() == wanted:
                return index
        return None


def split_front_matter(text: str) -> tuple[str, str]:
    """Split `text` into its front matter block (YAML `---`, TOML `+++` or JSON `{...}`) and the rest."""
    first, _, _ = text.partition("\n")
    delimiter = first.rstrip()
    if delimiter in ("---", "+++"):
        offset = len(first) + 1
        for match in re.finditer(r"^(?:---|\+\+\+)[ \t]*(?:\r?\n|$)", text[offset:], re.MULTILINE):
            if match.group(0).startswith(delimiter):
                end = offset + match.end()
                return text[:end], text[end:]
        return "", text
    if first.startswith("{"):
        depth, in_string, escaped = 0, False, False
        for position, char in enumerate(text):
            if in_string:
                escaped = not escaped and char == "\\"
                if char == '"' and not escaped:
                    in_string = False
                continue
            if char == '"':
                in_string = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    end = text.find("\n", position)
                    end = len(text) if end < 0 else end + 1
                    return text[:end], text[end:]
        return "", text
    return "", text


def headings(text: str) -> list[Heading]:
    """Return the ATX headings of `text`, skipping fenced code and HTML comments."""
    found: list[Heading] = []
    fence: str | None = None
    in_comment = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_comment:
            in_comment = "-->" not in line
            continue
        fence_match = _FENCE.match(line)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = None
            continue
        if fence_match:
            fence = fence_match.group(1)
            continue
        if "<!--" in line and "-->" not in line.split("<!--", 1)[1]:
            in_comment = True
            continue
        match = _HEADING.match(line)
        if match:
            found.append(Heading(len(match.group(1)), match.group(2).strip(), number))
    return found


def detect_section_level(body: str) -> int:
    """Return the heading level that divides the body into sections (2 under a single H1)."""
    levels = [heading.level for heading in headings(body)]
    if not levels:
        return 2
    top = min(levels)
    deeper = [level for level in levels if level > top]
    if levels.count(top) == 1 and deeper:
        return min(deeper)
    return top


def split(text: str, section_level: int | None = None) -> Document:
    """Split a post into front matter, preamble, lead and sections."""
    front_matter, body = split_front_matter(text)
    level = section_level or detect_section_level(body)
    lines = body.splitlines(keepends=True)
    cut_points = [h.line - 1 for h in headings(body) if h.level <= level]
    # A block starts at each heading of the section level or above (the H1 lead is one such block).
    preamble = "".join(lines[: cut_points[0]]) if cut_points else body
    first_body_line = front_matter.count("\n") + 1
    blocks = []
    for position, start in enumerate(cut_points):
        end = cut_points[position + 1] if position + 1 < len(cut_points) else len(lines)
        blocks.append(_make_block("".join(lines[start:end]), first_body_line + start))
    return Document(front_matter, preamble, tuple(blocks), level)


def _make_block(text: str, start_line: int) -> Block:
    return Block(text=text, start_line=start_line, headings=tuple(headings(text)))


def _renumber(document: Document) -> Document:
    line = document.front_matter.count("\n") + document.preamble.count("\n") + 1
    blocks = []
    for block in document.blocks:
        blocks.append(replace(block, start_line=line))
        line += block.text.count("\n")
    return replace(document, blocks=tuple(blocks))


def strip_comments(text: str) -> str:
    """Remove HTML comments, and the lines they leave empty."""
    out = []
    for line in re.sub(r"<!--.*?-->", "\x00", text, flags=re.DOTALL).splitlines(keepends=True):
        if line.replace("\x00", "").strip() == "" and "\x00" in line:
            continue
        out.append(line.replace("\x00", ""))
    return "".join(out)


def guidance_comments(text: str) -> list[str]:
    """Return the HTML comments in `text`."""
    return _COMMENT.findall(text)
