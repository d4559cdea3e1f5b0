"""The one Markdown scanner: what a CommonMark parser with GFM tables (as Hugo's goldmark) sees in a text.

`parse(text)` reads the text with markdown-it-py and returns its structure from the token stream's line maps:
headings (ATX and setext, top-level or inside a list item or blockquote), code blocks (fenced and indented),
HTML blocks and inline HTML, links (inline, images, autolinks, reference definitions) and tables. The text is
never re-rendered. `scan(text)` tags every line with the zone it sits in; display math (`$$` lines) and inline
math (`$...$`) are kept opaque by zones and masks, as Hugo's math passthrough keeps them.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from functools import lru_cache

_NEWLINE = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Split `text` into lines with their endings, at the breaks CommonMark knows (LF, CRLF, CR) and no others."""
    return _LINE.findall(text)


def line_count(text: str) -> int:
    """The number of line breaks in `text`, as CommonMark counts them."""
    return len(_NEWLINE.findall(text))


@dataclass(frozen=True)
class Heading:
    """One heading as CommonMark reads it."""

    level: int
    title: str
    line: int  # 1-based, within the text parsed
    setext: bool = False  # underlined with === or --- rather than opened with #
    container: str | None = None  # "list" or "blockquote" when the heading sits inside one
    end_line: int = 0  # the last line (the underline of a setext heading)


@dataclass(frozen=True)
class CodeBlock:
    """A code block: where it opens and closes (None when a fence is never closed), its language and code."""

    open_line: int
    close_line: int | None
    language: str
    code: str
    fenced: bool = True


@dataclass(frozen=True)
class Html:
    """Raw HTML as CommonMark reads it: a block (its lines) or an inline tag or comment (its line)."""

    line: int
    end_line: int
    text: str
    block: bool


@dataclass(frozen=True)
class Link:
    """A link destination: of an inline link, an image, an autolink or a reference definition."""

    line: int
    target: str
    kind: str  # "link", "image", "autolink" or "definition"


@dataclass(frozen=True)
class Table:
    """A GFM pipe table: its first and last line and its header cells as written."""

    line: int
    end_line: int
    header: tuple[str, ...]


@dataclass(frozen=True)
class Line:
    """A line of Markdown with what it sits inside."""

    number: int
    text: str
    zone: str  # "prose", "code", "math" or "fence" (a code fence or $$ delimiter itself)


@dataclass(frozen=True)
class Markdown:
    """The structure of one text: everything the validator and the splitter read."""

    text: str
    lines: tuple[Line, ...]
    headings: tuple[Heading, ...]
    code_blocks: tuple[CodeBlock, ...]
    html_blocks: tuple[Html, ...]
    tables: tuple[Table, ...]

    @property
    def top_headings(self) -> tuple[Heading, ...]:
        """The headings outside lists and blockquotes: the ones that divide a post."""
        return tuple(heading for heading in self.headings if heading.container is None)

    @property
    def html(self) -> tuple[Html, ...]:
        """Raw HTML: the blocks, then the inline tags and comments."""
        return self.html_blocks + _inline_parts(self.text)[0]

    @property
    def links(self) -> tuple[Link, ...]:
        """Every link destination, in line order."""
        return _inline_parts(self.text)[1]


_PARSER_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def _parser(inline: bool):
    with _PARSER_LOCK:  # section workers validate at once: the first parser is built, and mdurl primed, once
        return _new_parser(inline)


def _new_parser(inline: bool):
    import mdurl
    from markdown_it import MarkdownIt

    # mdurl builds its percent-encoding tables on first use and publishes each before filling it, so a second
    # thread normalising a link meanwhile read a half-filled table (IndexError in a fresh `drafter new`): fill the
    # tables markdown-it's link normalisers use now, before any parser is handed out.
    mdurl.encode("")
    mdurl.decode("", mdurl.DECODE_DEFAULT_CHARS + "%")
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    # Keep every destination: judging `javascript:` links is the validator's job, so the parser must show them.
    parser.validateLink = lambda url: True
    # Lines, headings, code, HTML blocks and tables need only the block pass; links and inline HTML need the
    # inline pass, but not emphasis (it never changes where a link or a tag is) nor the joining of text tokens.
    parser.disable(["text_join", "emphasis", "balance_pairs", "fragments_join"] + ([] if inline else ["inline"]))
    return parser


# text -> (structure, zones before math, where its inline content comes from): the block tokens and env of a text
# parsed itself, or (whole text, first line, end line) of a part cut from a parsed whole. Oldest first.
_PARSED: dict[str, tuple[Markdown, tuple[str, ...], tuple]] = {}
_KEEP = 1024


def parse(text: str) -> Markdown:
    """Read the block structure of `text` as CommonMark with GFM tables; line numbers are 1-based within `text`."""
    known = _PARSED.get(text)
    if known is None:
        known = _read(text)
        _remember(text, known)
    return known[0]


def forget() -> None:
    """Empty the cache of parsed texts (for benchmarks that time a cold validator)."""
    _PARSED.clear()
    _INLINE.clear()
    blank_comments.cache_clear()
    strip_comments.cache_clear()


def _remember(text: str, parsed: tuple[Markdown, tuple[str, ...], tuple]) -> None:
    if len(_PARSED) >= _KEEP:
        del _PARSED[next(iter(_PARSED))]
    _PARSED[text] = parsed


def parse_parts(text: str, starts: list[int]) -> None:
    """Parse `text` once and remember each part from a line in `starts` (0-based, at top-level headings) to the next.

    A part cut at a top-level heading reads the same alone as in the whole (no block crosses a heading), so
    judging a section later needs no second parse of its text. Display math is re-read within each part.
    """
    if text not in _PARSED:
        _remember(text, _read(text))
    whole, base_zones, _ = _PARSED[text]
    raw = split_lines(text)
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(raw)
        part = "".join(raw[start:end])
        if part not in _PARSED:
            _remember(part, (*_slice(whole, base_zones, part, start, end), (text, start, end)))


def _slice(whole: Markdown, base_zones: tuple[str, ...], part: str, start: int, end: int) -> tuple[Markdown, tuple[str, ...]]:
    def inside(line: int) -> bool:
        return start < line <= end

    def moved(item, *fields: str):
        return replace(item, **{name: getattr(item, name) - start for name in fields if getattr(item, name)})

    zones = list(base_zones[start:end])
    texts = [line.text for line in whole.lines[start:end]]
    _math_zones(texts, zones)
    lines = tuple(Line(number, line_text, zone) for number, (line_text, zone) in enumerate(zip(texts, zones), start=1))
    return Markdown(part, lines,
                    tuple(moved(h, "line", "end_line") for h in whole.headings if inside(h.line)),
                    tuple(moved(c, "open_line", "close_line") for c in whole.code_blocks if inside(c.open_line)),
                    tuple(moved(h, "line", "end_line") for h in whole.html_blocks if inside(h.line)),
                    tuple(moved(t, "line", "end_line") for t in whole.tables if inside(t.line))), tuple(base_zones[start:end])


def _read(text: str) -> tuple[Markdown, tuple[str, ...], tuple]:
    env: dict = {}
    tokens = _parser(False).parse(text, env)
    raw_lines = [line.rstrip("\r\n") for line in split_lines(text)]
    zones = ["prose"] * len(raw_lines)
    headings: list[Heading] = []
    code: list[CodeBlock] = []
    html: list[Html] = []
    tables: list[Table] = []
    containers: list[str] = []
    for index, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            containers.append("list")
        elif kind == "blockquote_open":
            containers.append("blockquote")
        elif kind in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            containers.pop()
        elif kind == "heading_open" and token.map:
            start, end = token.map
            title = " ".join(tokens[index + 1].content.split())
            setext = token.markup in ("=", "-")
            headings.append(Heading(int(token.tag[1]), title, start + 1, setext, containers[-1] if containers else None, end))
        elif kind in ("fence", "code_block") and token.map:
            code.append(_code_block(token, zones))
        elif kind == "html_block" and token.map:
            start, end = token.map
            html.append(Html(start + 1, end, token.content, True))
        elif kind == "table_open" and token.map:
            header = []
            for cell in tokens[index:]:
                if cell.type == "thead_close":
                    break
                if cell.type == "inline":
                    header.append(cell.content)
            tables.append(Table(token.map[0] + 1, token.map[1], tuple(header)))
    base_zones = tuple(zones)
    _math_zones(raw_lines, zones)
    lines = tuple(Line(number, text_line, zone) for number, (text_line, zone) in enumerate(zip(raw_lines, zones), start=1))
    return Markdown(text, lines, tuple(headings), tuple(code), tuple(html), tuple(tables)), base_zones, (tokens, env)


_INLINE: dict[str, tuple[tuple[Html, ...], tuple[Link, ...]]] = {}


def _inline_parts(text: str) -> tuple[tuple[Html, ...], tuple[Link, ...]]:
    """Inline HTML and link destinations: the inline pass, run once per parsed text over its block tokens."""
    if text in _INLINE:
        return _INLINE[text]
    parse(text)
    _, _, source = _PARSED.get(text) or (None, None, _read(text)[2])
    if len(source) == 3:  # a part of a parsed whole: its share of the whole's inline content
        whole, start, end = source
        html, links = _inline_parts(whole)
        found = (tuple(replace(h, line=h.line - start, end_line=h.end_line - start) for h in html if start < h.line <= end),
                 tuple(replace(k, line=k.line - start) for k in links if start < k.line <= end))
    else:
        tokens, env = source
        parser = _parser(True)
        html_found: list[Html] = []
        links_found: list[Link] = []
        for token in tokens:
            # Links, autolinks and tags need a "[" or a "<"; the other inline content is not read at all.
            if token.type == "inline" and token.map and ("[" in token.content or "<" in token.content):
                children: list = []
                parser.inline.parse(token.content, parser, env, children)
                token.children = children
                _inline(token, html_found, links_found)
        for reference in env.get("references", {}).values():
            links_found.append(Link(reference.get("map", [0, 1])[0] + 1, reference["href"], "definition"))
        found = (tuple(html_found), tuple(sorted(links_found, key=lambda link: link.line)))
    if len(_INLINE) >= _KEEP:
        del _INLINE[next(iter(_INLINE))]
    _INLINE[text] = found
    return found


def _code_block(token, zones: list[str]) -> CodeBlock:
    start, end = token.map
    content_lines = len(split_lines(token.content))  # the last line of an open fence at the text's end has no "\n"
    if token.type == "code_block":
        for number in range(start, end):
            zones[number] = "code"
        return CodeBlock(start + 1, end, "", token.content.rstrip("\n"), fenced=False)
    closed = end - start - 1 > content_lines
    zones[start] = "fence"
    for number in range(start + 1, start + 1 + content_lines):
        if number < len(zones):
            zones[number] = "code"
    if closed:
        zones[end - 1] = "fence"
    info = token.info.strip()
    language = info.split()[0].strip("{}.").lower() if info else ""
    return CodeBlock(start + 1, end if closed else None, language, token.content[:-1] if token.content.endswith("\n") else token.content)


def _inline(token, html: list[Html], links: list[Link]) -> None:
    line = token.map[0] + 1
    for child in token.children or ():
        if child.type in ("softbreak", "hardbreak"):
            line += 1
            continue
        if child.type == "html_inline":
            html.append(Html(line, line + child.content.count("\n"), child.content, False))
        elif child.type == "link_open":
            links.append(Link(line, str(child.attrs.get("href", "")), "autolink" if child.markup == "autolink" else "link"))
        elif child.type == "image":
            links.append(Link(line, str(child.attrs.get("src", "")), "image"))
        line += child.content.count("\n") if child.type in ("html_inline", "code_inline") else 0


def _math_zones(lines: list[str], zones: list[str]) -> None:
    """Mark display math: lines between `$$` lines outside code (the delimiters themselves are "fence")."""
    in_math = False
    for number, text in enumerate(lines):
        if zones[number] != "prose":
            continue
        if text.strip() == "$$":
            in_math = not in_math
            zones[number] = "fence"
        elif in_math:
            zones[number] = "math"


def scan(text: str) -> list[Line]:
    """Tag every line of `text` with whether it is prose, code, display math or a fence line."""
    return list(parse(text).lines)


def scan_masked(text: str, masked: str) -> list[Line]:
    """The lines of `masked` (a copy of `text` with spans blanked, line breaks kept) in the zones of `text`."""
    lines = parse(text).lines
    masked_lines = [line.rstrip("\r\n") for line in split_lines(masked)]
    if len(masked_lines) != len(lines):  # a blanked line break (a lone CR in a comment): read the copy itself
        return scan(masked)
    return [Line(line.number, masked_line, line.zone) for line, masked_line in zip(lines, masked_lines)]


def headings(text: str) -> list[Heading]:
    """The headings of `text` outside lists and blockquotes (ATX and setext), skipping code and HTML."""
    return list(parse(text).top_headings)


def code_blocks(text: str) -> list[CodeBlock]:
    """The fenced code blocks of `text`."""
    return [block for block in parse(text).code_blocks if block.fenced]


# -- inline spans: what renders as Markdown and HTML, with code and math masked ----------------------

_CODE_SPAN = re.compile(r"(`+)([^`].*?)(?<!`)\1(?!`)")
_DISPLAY_MATH_SPAN = re.compile(r"(?<!\\)\$\$[^\n]*?\$\$")
_MATH_SPAN = re.compile(r"(?<![\\$])\$(?!\$)(?:\\.|[^$\\\n])+\$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def blank(match: re.Match[str]) -> str:
    """The matched text with every character but line breaks turned into a space."""
    return re.sub(r"[^\n]", " ", match.group(0))


def mask_code_spans(line: str) -> str:
    """Return `line` with inline code spans blanked out (same length, so columns stay put)."""
    return _CODE_SPAN.sub(blank, line)


def mask_inline(line: str) -> str:
    """Return `line` with inline code and inline math blanked out: what renders as Markdown and HTML."""
    return _MATH_SPAN.sub(blank, _DISPLAY_MATH_SPAN.sub(blank, mask_code_spans(line)))


@lru_cache(maxsize=1024)
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


@lru_cache(maxsize=1024)
def strip_comments(text: str) -> str:
    """Remove HTML comments, and the lines they leave empty."""
    out = []
    for line in _COMMENT.sub("\x00", text).splitlines(keepends=True):
        if line.replace("\x00", "").strip() == "" and "\x00" in line:
            continue
        out.append(line.replace("\x00", ""))
    return "".join(out)


def guidance_comments(text: str) -> list[str]:
    """Return the HTML comments in `text`."""
    return _COMMENT.findall(text)


# -- angle brackets: raw HTML tags and <slots> in prose ---------------------------------------------

HTML_ELEMENTS = frozenset("""
a abbr address applet area article aside audio b base basefont bdi bdo big blink blockquote body br button
canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed
fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i
iframe img input ins isindex kbd keygen label legend li link listing main map mark marquee math menu meta
meter nav nobr noembed noframes noscript object ol optgroup option output p param picture plaintext pre
progress q rb rp rt rtc ruby s samp script search section select slot small source span strike strong style
sub summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr
xmp animate foreignobject set use
""".split())
# Elements that run script, load something or take over the page: flagged whatever the attributes look like.
DANGEROUS = frozenset("""
script iframe frame frameset object embed applet img svg math style link meta base form input button
textarea select video audio source track picture canvas a body html head template noscript details dialog
marquee animate set use foreignobject xmp plaintext noembed noframes
""".split())
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)([^<>]*)(>?)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")


@dataclass(frozen=True)
class Tag:
    """An angle-bracket construct in rendered text: a raw HTML tag, or a `<slot>` left for a writer."""

    line: int
    text: str  # whitespace collapsed
    name: str  # lower case
    is_html: bool
    glued: bool = False  # right after a letter, digit or bracket (`p<q and q>r`): a less-than sign, not a slot


def angle_tags(text: str) -> list[Tag]:
    """Find raw HTML tags and `<angle slots>` in the prose of `text` (code, math and comments excluded)."""
    found: list[Tag] = []
    visible_text = blank_comments(text)
    if "<" not in visible_text:
        return found
    for line in scan_masked(text, visible_text):
        if line.zone != "prose" or "<" not in line.text:
            continue
        visible = _AUTOLINK.sub(blank, mask_inline(line.text))
        for match in _TAG.finditer(visible):
            name, rest, closed = match.group(1).lower(), match.group(2), match.group(3)
            whole = match.group(0)
            if not closed:
                # A tag broken over lines (`<img` then `src=x onerror=...` below) still renders as HTML.
                if name in DANGEROUS and (not rest.strip() or "=" in rest):
                    found.append(Tag(line.number, " ".join(whole.split()), name, True))
                continue
            closing = whole.startswith("</")
            attributes = rest.strip().rstrip("/").strip()
            if closing or "=" in attributes or "-" in name or name in DANGEROUS:
                is_html = True
            elif attributes:
                is_html = False  # `<image path/url>`, `<alt text>`: words, not attributes
            else:
                is_html = name in HTML_ELEMENTS
            glued = match.start() > 0 and (visible[match.start() - 1].isalnum() or visible[match.start() - 1] in ")]_")
            found.append(Tag(line.number, " ".join(whole.split()), name, is_html, glued))
    return found
