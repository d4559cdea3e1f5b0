"""Split a Markdown post into front matter, lead and sections, so that joining the parts gives the text back byte for byte.

Where the sections start comes from the one Markdown scanner (`drafter.post.markdown`): a heading is what
CommonMark calls a heading (ATX or setext, outside code, HTML, lists and blockquotes). The split itself cuts
the original text at line boundaries; nothing is re-rendered, so CRLF, a BOM, non-ASCII text and a missing
final newline survive a split and join.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .markdown import Heading, headings, line_count, parse, parse_parts, split_lines

__all__ = ["Block", "Document", "Heading", "detect_section_level", "split", "split_front_matter"]


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
        """The block's text after its heading line (after the underline of a setext heading)."""
        if not self.heading:
            return self.text
        return "".join(split_lines(self.text)[max(self.heading.end_line, 1):])


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
                if escaped:  # the character after a backslash, an escaped quote included, is text
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
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
    lines = split_lines(body)
    found = parse(body).top_headings
    cut_points = [h.line - 1 for h in found if h.level <= level]
    # A block starts at each heading of the section level or above (the H1 lead is one such block).
    preamble = "".join(lines[: cut_points[0]]) if cut_points else body
    parse_parts(body, cut_points)
    first_body_line = line_count(front_matter) + 1
    blocks = []
    for position, start in enumerate(cut_points):
        end = cut_points[position + 1] if position + 1 < len(cut_points) else len(lines)
        # The block's headings are the body's, renumbered: a block cut at a top-level heading reads the same alone.
        own = tuple(replace(h, line=h.line - start, end_line=h.end_line - start) for h in found if start < h.line <= end)
        blocks.append(Block("".join(lines[start:end]), first_body_line + start, own))
    return Document(front_matter, preamble, tuple(blocks), level)


def _make_block(text: str, start_line: int) -> Block:
    return Block(text=text, start_line=start_line, headings=tuple(headings(text)))


def _renumber(document: Document) -> Document:
    line = line_count(document.front_matter) + line_count(document.preamble) + 1
    blocks = []
    for block in document.blocks:
        blocks.append(replace(block, start_line=line))
        line += line_count(block.text)
    return replace(document, blocks=tuple(blocks))
