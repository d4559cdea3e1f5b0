"""Render Hugo archetypes exactly as `hugo new content` does, and find them.

Archetypes are Go text/template files. drafter must not hand them to Jinja (the `{{ }}` syntax looks
alike but means something else), so this module carries a small, faithful Go text/template engine:
a lexer and parser ported from Go's text/template/parse, an evaluator following text/template's
exec.go, and the handful of Hugo template functions archetypes use, each written to match the Go
library Hugo calls. Whatever it does not implement raises UnsupportedTemplate naming the construct,
the file and the line, so a draft is never written from a silently wrong render.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as _date
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from drafter.errors import ArchetypeError, UnsupportedTemplate

try:  # Python 3.11+
    import tomllib as _toml
except ModuleNotFoundError:  # pragma: no cover - Python 3.10 without tomli gets no TOML config
    try:
        import tomli as _toml  # type: ignore[no-redef]
    except ModuleNotFoundError:
        _toml = None  # type: ignore[assignment]

__all__ = [
    "SiteInfo",
    "PageContext",
    "render",
    "hugo_date",
    "find_site",
    "default_archetype",
    "locate_archetype",
    "find_archetype",
    "Located",
    "site_config",
    "load_site_info",
    "CONFIG_NAMES",
]


# --------------------------------------------------------------------------------------------
# Public data model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteInfo:
    """What an archetype can see of the Hugo site through `.Site`."""

    title: str = ""
    base_url: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)
    language: str = "en"
    # Hugo's `titleCaseStyle` setting: "ap" (default), "chicago", "go", "firstupper" or "none".
    title_case_style: str = "ap"


@dataclass(frozen=True)
class PageContext:
    """The page being created, as `hugo new content` describes it to the archetype."""

    content_base_name: str
    date: str
    section: str = "posts"
    kind: str = "page"
    site: SiteInfo = SiteInfo()
    now: datetime | None = None
    # What `.Type` renders: Hugo gives the --kind value when one is passed, else the section.
    content_type: str = ""
    # Path below content/, e.g. "posts/lora/index.md" for a bundle; empty means
    # "<section>/<content_base_name>.md".
    path: str = ""


# --------------------------------------------------------------------------------------------
# Internal failures; render() turns them into ArchetypeError / UnsupportedTemplate with a line
# --------------------------------------------------------------------------------------------


class _Fail(Exception):
    """A template error Hugo would also report (message mimics Hugo's)."""

    def __init__(self, message: str, pos: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class _Unsupported(Exception):
    """A construct this renderer does not implement (Hugo may or may not accept it)."""

    def __init__(self, construct: str, pos: int | None = None) -> None:
        super().__init__(construct)
        self.construct = construct
        self.pos = pos


# --------------------------------------------------------------------------------------------
# Go character classes (Python's str predicates differ from Go's unicode package at the edges)
# --------------------------------------------------------------------------------------------

_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)


def _cat(c: str) -> str:
    return unicodedata.category(c)


def _is_go_space(c: str) -> bool:
    return c in _GO_SPACE


def _is_letter(c: str) -> bool:
    return _cat(c)[0] == "L"


def _is_digit(c: str) -> bool:
    return _cat(c) == "Nd"


def _is_upper(c: str) -> bool:
    return _cat(c) == "Lu"


def _is_mark(c: str) -> bool:
    return _cat(c)[0] == "M"


def _is_punct(c: str) -> bool:
    return _cat(c)[0] == "P"


def _is_print(c: str) -> bool:
    return c == " " or _cat(c)[0] in "LMNPS"


def _go_upper_rune(c: str) -> str:
    # Go maps rune by rune with Unicode's simple case mapping; Python applies the full mapping
    # (ß -> SS), so keep the rune when Python would expand it.
    u = c.upper()
    if len(u) == 1:
        return u
    t = c.title()
    return t if len(t) == 1 else c


def _go_lower_rune(c: str) -> str:
    if c == "\u0130":
        return "i"
    low = c.lower()
    return low if len(low) == 1 else c


def _go_title_rune(c: str) -> str:
    t = c.title()
    return t if len(t) == 1 else c


def _go_upper(s: str) -> str:
    return "".join(_go_upper_rune(c) for c in s)


def _go_lower(s: str) -> str:
    return "".join(_go_lower_rune(c) for c in s)


def _go_trim_space(s: str) -> str:
    start, end = 0, len(s)
    while start < end and s[start] in _GO_SPACE:
        start += 1
    while end > start and s[end - 1] in _GO_SPACE:
        end -= 1
    return s[start:end]


# --------------------------------------------------------------------------------------------
# Lexer (port of text/template/parse/lex.go)
# --------------------------------------------------------------------------------------------

_T_TEXT = "text"
_T_EOF = "EOF"
_T_LEFT_DELIM = "{{"
_T_RIGHT_DELIM = "}}"
_T_SPACE = "space"
_T_FIELD = "field"
_T_IDENT = "identifier"
_T_VARIABLE = "variable"
_T_STRING = "string"
_T_RAW_STRING = "raw string"
_T_NUMBER = "number"
_T_CHAR_CONST = "character constant"
_T_BOOL = "bool"
_T_DOT = "."
_T_ASSIGN = "="
_T_DECLARE = ":="
_T_PIPE = "|"
_T_LPAREN = "("
_T_RPAREN = ")"
_T_CHAR = "char"
_T_COMMENT = "comment"

_KEYWORDS = {
    "block": "<block>",
    "break": "<break>",
    "continue": "<continue>",
    "define": "<define>",
    "else": "<else>",
    "end": "<end>",
    "if": "<if>",
    "range": "<range>",
    "nil": "<nil>",
    "template": "<template>",
    "with": "<with>",
}

_TRIM_SPACES = " \t\r\n"  # what `{{-` / `-}}` strip, and what separates action tokens


@dataclass(frozen=True)
class _Item:
    typ: str
    val: str
    pos: int

    def describe(self) -> str:
        if self.typ == _T_EOF:
            return "EOF"
        if self.typ in _KEYWORDS.values():
            return self.typ
        val = self.val if len(self.val) <= 10 else self.val[:10] + "..."
        return json.dumps(val, ensure_ascii=False)


def _is_alnum(c: str) -> bool:
    return c == "_" or _is_letter(c) or _is_digit(c)


def _fmt_rune(c: str) -> str:
    return f"U+{ord(c):04X} {c!r}"


def _quoted_end(src: str, pos: int, what: str) -> int:
    """The index of the quote closing the one at `pos`, honouring backslash escapes; Go forbids newlines inside."""
    quote, n, p = src[pos], len(src), pos + 1
    while True:
        if p >= n or src[p] == "\n":
            raise _Fail(f"unterminated {what}", pos)
        if src[p] == "\\":
            if p + 1 >= n or src[p + 1] == "\n":
                raise _Fail(f"unterminated {what}", pos)
            p += 2
            continue
        if src[p] == quote:
            return p
        p += 1


def _lex(src: str) -> list[_Item]:
    """Split a template into items exactly where Go's lexer would."""
    items: list[_Item] = []
    n = len(src)
    pos = 0

    def has_left_trim(p: int) -> bool:
        return p + 1 < n and src[p] == "-" and src[p + 1] in _TRIM_SPACES

    def at_right_delim(p: int) -> tuple[bool, bool]:
        if p + 1 < n and src[p] in _TRIM_SPACES and src[p + 1] == "-" and src.startswith("}}", p + 2):
            return True, True
        if src.startswith("}}", p):
            return True, False
        return False, False

    def at_terminator(p: int) -> bool:
        if p >= n:
            return True
        c = src[p]
        return c in _TRIM_SPACES or c in ".,|:()" or src.startswith("}}", p)

    while True:
        x = src.find("{{", pos)
        if x < 0:
            if pos < n:
                items.append(_Item(_T_TEXT, src[pos:], pos))
            items.append(_Item(_T_EOF, "", n))
            return items
        trim_left = has_left_trim(x + 2)
        end = x
        if trim_left:
            end = pos + len(src[pos:x].rstrip(_TRIM_SPACES))
        if end > pos:
            items.append(_Item(_T_TEXT, src[pos:end], pos))
        start = x
        pos = x + 2 + (2 if trim_left else 0)
        if src.startswith("/*", pos):
            close = src.find("*/", pos + 2)
            if close < 0:
                raise _Fail("unclosed comment", start)
            pos = close + 2
            delim, trim_right = at_right_delim(pos)
            if not delim:
                raise _Fail("comment ends before closing delimiter", start)
            items.append(_Item(_T_COMMENT, src[start:pos], start))
            pos += (2 if trim_right else 0) + 2
            if trim_right:
                pos = n - len(src[pos:].lstrip(_TRIM_SPACES))
            continue
        items.append(_Item(_T_LEFT_DELIM, "{{", start))
        depth = 0
        while True:
            delim, trim_right = at_right_delim(pos)
            if delim:
                if depth:
                    raise _Fail("unclosed left paren", pos)
                items.append(_Item(_T_RIGHT_DELIM, "}}", pos))
                pos += (2 if trim_right else 0) + 2
                if trim_right:
                    pos = n - len(src[pos:].lstrip(_TRIM_SPACES))
                break
            if pos >= n:
                raise _Fail("unclosed action", start)
            c = src[pos]
            if c in _TRIM_SPACES:
                sp = pos
                while pos < n and src[pos] in _TRIM_SPACES:
                    pos += 1
                if src.startswith("-}}", pos):
                    # " -}}" closes the action; the last space belongs to the trim marker.
                    pos -= 1
                    if pos == sp:
                        continue
                items.append(_Item(_T_SPACE, src[sp:pos], sp))
            elif c == "=":
                items.append(_Item(_T_ASSIGN, "=", pos))
                pos += 1
            elif c == ":":
                if not src.startswith(":=", pos):
                    raise _Fail("expected :=", pos)
                items.append(_Item(_T_DECLARE, ":=", pos))
                pos += 2
            elif c == "|":
                items.append(_Item(_T_PIPE, "|", pos))
                pos += 1
            elif c == '"':
                p = _quoted_end(src, pos, "quoted string")
                items.append(_Item(_T_STRING, src[pos : p + 1], pos))
                pos = p + 1
            elif c == "`":
                close = src.find("`", pos + 1)
                if close < 0:
                    raise _Fail("unterminated raw quoted string", pos)
                items.append(_Item(_T_RAW_STRING, src[pos : close + 1], pos))
                pos = close + 1
            elif c == "'":
                p = _quoted_end(src, pos, "character constant")
                items.append(_Item(_T_CHAR_CONST, src[pos : p + 1], pos))
                pos = p + 1
            elif c in "$.":
                if c == "." and pos + 1 < n and "0" <= src[pos + 1] <= "9":
                    pos = _lex_number(src, pos, items)
                    continue
                if c == "." and pos + 1 >= n:
                    raise _Fail('bad number syntax: "."', pos)
                p = pos + 1
                if at_terminator(p):
                    items.append(_Item(_T_VARIABLE if c == "$" else _T_DOT, c, pos))
                    pos = p
                    continue
                while p < n and _is_alnum(src[p]):
                    p += 1
                if not at_terminator(p):
                    raise _Fail(f"bad character {_fmt_rune(src[p])}", p)
                items.append(_Item(_T_VARIABLE if c == "$" else _T_FIELD, src[pos:p], pos))
                pos = p
            elif c in "+-" or "0" <= c <= "9":
                pos = _lex_number(src, pos, items)
            elif _is_alnum(c):
                p = pos
                while p < n and _is_alnum(src[p]):
                    p += 1
                if not at_terminator(p):
                    raise _Fail(f"bad character {_fmt_rune(src[p])}", p)
                word = src[pos:p]
                if word in _KEYWORDS:
                    items.append(_Item(_KEYWORDS[word], word, pos))
                elif word in ("true", "false"):
                    items.append(_Item(_T_BOOL, word, pos))
                else:
                    items.append(_Item(_T_IDENT, word, pos))
                pos = p
            elif c == "(":
                depth += 1
                items.append(_Item(_T_LPAREN, "(", pos))
                pos += 1
            elif c == ")":
                depth -= 1
                if depth < 0:
                    raise _Fail("unexpected right paren", pos)
                items.append(_Item(_T_RPAREN, ")", pos))
                pos += 1
            elif ord(c) < 0x80 and c.isprintable():
                items.append(_Item(_T_CHAR, c, pos))
                pos += 1
            else:
                raise _Fail(f"unrecognized character in action: {_fmt_rune(c)}", pos)


def _lex_number(src: str, pos: int, items: list[_Item]) -> int:
    n = len(src)
    p = pos

    def accept(chars: str) -> bool:
        nonlocal p
        if p < n and src[p] in chars:
            p += 1
            return True
        return False

    def accept_run(chars: str) -> None:
        nonlocal p
        while p < n and src[p] in chars:
            p += 1

    accept("+-")
    digits = "0123456789_"
    if accept("0"):
        if accept("xX"):
            digits = "0123456789abcdefABCDEF_"
        elif accept("oO"):
            digits = "01234567_"
        elif accept("bB"):
            digits = "01_"
    accept_run(digits)
    if accept("."):
        accept_run(digits)
    if len(digits) == 11 and accept("eE"):
        accept("+-")
        accept_run("0123456789_")
    if len(digits) == 23 and accept("pP"):
        accept("+-")
        accept_run("0123456789_")
    imaginary = accept("i")
    if p < n and _is_alnum(src[p]):
        raise _Fail(f"bad number syntax: {json.dumps(src[pos : p + 1])}", pos)
    if imaginary or (p < n and src[p] in "+-"):
        raise _Unsupported(f"complex number {src[pos : p + 1]}", pos)
    items.append(_Item(_T_NUMBER, src[pos:p], pos))
    return p


# --------------------------------------------------------------------------------------------
# Parse tree
# --------------------------------------------------------------------------------------------


@dataclass
class _Text:
    pos: int
    text: str


@dataclass
class _Pipe:
    pos: int
    decl: list[str]
    is_assign: bool
    cmds: list[_Command]


@dataclass
class _Command:
    pos: int
    args: list[Any]


@dataclass
class _Action:
    pos: int
    pipe: _Pipe


@dataclass
class _FieldNode:
    pos: int
    ident: list[str]


@dataclass
class _VariableNode:
    pos: int
    ident: list[str]


@dataclass
class _ChainNode:
    pos: int
    node: Any
    fields: list[str]


@dataclass
class _IdentNode:
    pos: int
    name: str


@dataclass
class _DotNode:
    pos: int


@dataclass
class _NilNode:
    pos: int


@dataclass
class _BoolNode:
    pos: int
    value: bool


@dataclass
class _NumberNode:
    pos: int
    text: str
    is_int: bool
    int_value: int
    is_float: bool
    float_value: float


@dataclass
class _StringNode:
    pos: int
    quoted: str
    value: str


@dataclass
class _ListNode:
    pos: int
    nodes: list[Any]


@dataclass
class _Control:
    pos: int
    kind: str  # "if", "with", "range"
    pipe: _Pipe
    body: _ListNode
    else_body: _ListNode | None


@dataclass
class _BreakNode:
    pos: int


@dataclass
class _ContinueNode:
    pos: int


@dataclass
class _EndNode:
    pos: int


@dataclass
class _ElseNode:
    pos: int


def _node_text(node: Any) -> str:
    """The source form of an operand, for error messages (Go's Node.String)."""
    if isinstance(node, _FieldNode):
        return "." + ".".join(node.ident)
    if isinstance(node, _VariableNode):
        return ".".join(node.ident)
    if isinstance(node, _ChainNode):
        inner = _node_text(node.node)
        if isinstance(node.node, _Pipe):
            inner = f"({inner})"
        return inner + "".join("." + f for f in node.fields)
    if isinstance(node, _IdentNode):
        return node.name
    if isinstance(node, _DotNode):
        return "."
    if isinstance(node, _NilNode):
        return "nil"
    if isinstance(node, _BoolNode):
        return "true" if node.value else "false"
    if isinstance(node, _NumberNode):
        return node.text
    if isinstance(node, _StringNode):
        return node.quoted
    if isinstance(node, _Pipe):
        decl = ""
        if node.decl:
            decl = ", ".join(node.decl) + (" = " if node.is_assign else " := ")
        return decl + " | ".join(_node_text(c) for c in node.cmds)
    if isinstance(node, _Command):
        return " ".join(f"({_node_text(a)})" if isinstance(a, _Pipe) else _node_text(a) for a in node.args)
    return "?"


# --------------------------------------------------------------------------------------------
# Go literal decoding (strconv.Unquote, strconv.ParseInt/ParseFloat with base 0)
# --------------------------------------------------------------------------------------------

_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}


def _unquote(text: str, pos: int) -> str:
    """strconv.Unquote for "..." and `...` literals."""
    if text[0] == "`":
        # Go drops carriage returns from raw strings.
        return text[1:-1].replace("\r", "")
    body = text[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        value, i = _unescape(body, i + 1, '"', pos)
        out += value
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise _Unsupported(f"string literal {text} that is not valid UTF-8", pos) from None


def _unescape(body: str, i: int, quote: str, pos: int) -> tuple[bytes, int]:
    if i >= len(body):
        raise _Fail("invalid syntax", pos)
    c = body[i]
    if c in _SIMPLE_ESCAPES:
        return bytes([_SIMPLE_ESCAPES[c]]), i + 1
    if c in "'\"":
        if c != quote:
            raise _Fail("invalid syntax", pos)
        return c.encode(), i + 1
    if c in "xuU":
        size = {"x": 2, "u": 4, "U": 8}[c]
        digits = body[i + 1 : i + 1 + size]
        if len(digits) != size or not all(d in "0123456789abcdefABCDEF" for d in digits):
            raise _Fail("invalid syntax", pos)
        value = int(digits, 16)
        if c == "x":
            return bytes([value]), i + 1 + size
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise _Fail("invalid syntax", pos)
        return chr(value).encode(), i + 1 + size
    if c in "01234567":
        digits = body[i : i + 3]
        if len(digits) != 3 or not all(d in "01234567" for d in digits) or int(digits, 8) > 255:
            raise _Fail("invalid syntax", pos)
        return bytes([int(digits, 8)]), i + 3
    raise _Fail("invalid syntax", pos)


_INT_RE = re.compile(
    r"[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)\Z"
)
_FLOAT_RE = re.compile(
    r"[+-]?(?:(?:[0-9](?:_?[0-9])*)?\.?(?:[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?"
    r"|inf|infinity|nan)\Z",
    re.IGNORECASE,
)


def _go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), or None."""
    if not _INT_RE.match(text):
        return None
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-").replace("_", "")
    # A leading 0 means octal in Go; Python's base 0 rejects it.
    legacy_octal = len(body) > 1 and body[0] == "0" and body[1] in "0123456789"
    value = int(body, 8) if legacy_octal else int(body, 0)
    value *= sign
    if not -(2**63) <= value < 2**63:
        return None
    return value


def _go_parse_float(text: str) -> float | None:
    """strconv.ParseFloat(text, 64) for decimal forms, or None (Python's float() is laxer)."""
    if not text or "_" in text or not _FLOAT_RE.match(text):
        return None
    if not any(ch.isdigit() for ch in text) and text.lstrip("+-").lower() not in (
        "inf",
        "infinity",
        "nan",
    ):
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _new_number(item: _Item) -> _NumberNode:
    text = item.val
    if item.typ == _T_CHAR_CONST:
        body = text[1:-1]
        if body.startswith("\\"):
            raw, end = _unescape(body, 1, "'", item.pos)
            if end != len(body):
                raise _Fail(f"malformed character constant: {text}", item.pos)
            try:
                ch = raw.decode()
            except UnicodeDecodeError:
                ch = chr(raw[0])
        else:
            if len(body) != 1:
                raise _Fail(f"malformed character constant: {text}", item.pos)
            ch = body
        value = ord(ch)
        return _NumberNode(item.pos, text, True, value, True, float(value))
    int_value = _go_parse_int(text)
    if int_value is not None:
        return _NumberNode(item.pos, text, True, int_value, True, float(int_value))
    if text.lower().startswith(("0x", "-0x", "+0x")) and any(ch in text for ch in "pP"):
        raise _Unsupported(f"hexadecimal float {text}", item.pos)
    float_value = _go_parse_float(text)
    if float_value is None:
        raise _Fail(f"illegal number syntax: {json.dumps(text)}", item.pos)
    if not any(ch in text for ch in ".eEpP"):
        raise _Fail(f"integer overflow: {text}", item.pos)
    is_int = math.isfinite(float_value) and float_value == int(float_value) and abs(float_value) < 2**63
    return _NumberNode(item.pos, text, is_int, int(float_value) if is_int else 0, True, float_value)


# --------------------------------------------------------------------------------------------
# Parser (port of text/template/parse/parse.go)
# --------------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, items: list[_Item], functions: Mapping[str, Any]) -> None:
        self.items = items
        self.i = 0
        self.functions = functions
        self.vars = ["$"]
        self.range_depth = 0

    # token cursor ---------------------------------------------------------------------------
    def next(self) -> _Item:
        item = self.items[self.i]
        if item.typ != _T_EOF:
            self.i += 1
        return item

    def backup(self, count: int = 1) -> None:
        self.i -= count

    def peek(self) -> _Item:
        return self.items[self.i]

    def next_non_space(self) -> _Item:
        while True:
            item = self.next()
            if item.typ != _T_SPACE:
                return item

    def peek_non_space(self) -> _Item:
        item = self.next_non_space()
        if item.typ != _T_EOF:
            self.backup()
        return item

    def expect(self, typ: str, context: str) -> _Item:
        item = self.next_non_space()
        if item.typ != typ:
            self.unexpected(item, context)
        return item

    def unexpected(self, item: _Item, context: str) -> None:
        raise _Fail(f"unexpected {item.describe()} in {context}", item.pos)

    # grammar --------------------------------------------------------------------------------
    def parse(self) -> _ListNode:
        root = _ListNode(0, [])
        while self.peek().typ != _T_EOF:
            node = self.text_or_action()
            if isinstance(node, _EndNode):
                raise _Fail("unexpected {{end}}", node.pos)
            if isinstance(node, _ElseNode):
                raise _Fail("unexpected {{else}}", node.pos)
            if node is not None:
                root.nodes.append(node)
        return root

    def item_list(self) -> tuple[_ListNode, Any]:
        lst = _ListNode(self.peek_non_space().pos, [])
        while self.peek_non_space().typ != _T_EOF:
            node = self.text_or_action()
            if isinstance(node, (_EndNode, _ElseNode)):
                return lst, node
            if node is not None:
                lst.nodes.append(node)
        raise _Fail("unexpected EOF", self.peek().pos)

    def text_or_action(self) -> Any:
        item = self.next_non_space()
        if item.typ == _T_TEXT:
            return _Text(item.pos, item.val)
        if item.typ == _T_LEFT_DELIM:
            return self.action()
        if item.typ == _T_COMMENT:
            return None
        self.unexpected(item, "input")
        return None

    def action(self) -> Any:
        item = self.next_non_space()
        typ = item.typ
        if typ == _KEYWORDS["else"]:
            return self.else_control()
        if typ == _KEYWORDS["end"]:
            self.expect(_T_RIGHT_DELIM, "end")
            return _EndNode(item.pos)
        if typ == _KEYWORDS["if"]:
            return self.control("if", item.pos)
        if typ == _KEYWORDS["with"]:
            return self.control("with", item.pos)
        if typ == _KEYWORDS["range"]:
            return self.control("range", item.pos)
        if typ in (_KEYWORDS["break"], _KEYWORDS["continue"]):
            word = item.val
            self.expect(_T_RIGHT_DELIM, f"{{{{{word}}}}}")
            if self.range_depth == 0:
                raise _Fail(f"{{{{{word}}}}} outside {{{{range}}}}", item.pos)
            return _BreakNode(item.pos) if word == "break" else _ContinueNode(item.pos)
        if typ in (_KEYWORDS["template"], _KEYWORDS["define"], _KEYWORDS["block"]):
            raise _Unsupported(f"{{{{{item.val}}}}}", item.pos)
        self.backup()
        pos = self.peek().pos
        return _Action(pos, self.pipeline("command", _T_RIGHT_DELIM))

    def else_control(self) -> _ElseNode:
        peek = self.peek_non_space()
        if peek.typ in (_KEYWORDS["if"], _KEYWORDS["with"]):
            # "{{else if x}}" is "{{else}}{{if x}}...{{end}}" sharing the final {{end}}.
            return _ElseNode(peek.pos)
        item = self.expect(_T_RIGHT_DELIM, "else")
        return _ElseNode(item.pos)

    def control(self, kind: str, pos: int) -> _Control:
        mark = len(self.vars)
        try:
            pipe = self.pipeline(kind, _T_RIGHT_DELIM)
            if kind == "range":
                self.range_depth += 1
            body, nxt = self.item_list()
            if kind == "range":
                self.range_depth -= 1
            else_body = None
            if isinstance(nxt, _ElseNode):
                if kind in ("if", "with") and self.peek().typ == _KEYWORDS[kind]:
                    inner = self.next()
                    else_body = _ListNode(nxt.pos, [self.control(kind, inner.pos)])
                else:
                    else_body, end = self.item_list()
                    if not isinstance(end, _EndNode):
                        raise _Fail("expected end; found {{else}}", end.pos)
            return _Control(pos, kind, pipe, body, else_body)
        finally:
            del self.vars[mark:]

    def pipeline(self, context: str, end: str) -> _Pipe:
        pipe = _Pipe(self.peek_non_space().pos, [], False, [])
        while True:
            var = self.peek_non_space()
            if var.typ != _T_VARIABLE:
                break
            var_index = self.i
            self.next()
            nxt = self.peek_non_space()
            if nxt.typ in (_T_ASSIGN, _T_DECLARE):
                pipe.is_assign = nxt.typ == _T_ASSIGN
                self.next_non_space()
                pipe.decl.append(var.val)
                self.vars.append(var.val)
                break
            if nxt.typ == _T_CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(var.val)
                self.vars.append(var.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in (_T_VARIABLE, _T_RIGHT_DELIM, _T_RPAREN):
                        continue
                    raise _Fail("range can only initialize variables", nxt.pos)
                raise _Fail(f"too many declarations in {context}", nxt.pos)
            # "$x foo": the variable is an operand, not a declaration.
            self.i = var_index
            break
        while True:
            item = self.next_non_space()
            if item.typ == end:
                self.check_pipeline(pipe, context, item)
                return pipe
            if item.typ in (
                _T_BOOL,
                _T_CHAR_CONST,
                _T_DOT,
                _T_FIELD,
                _T_IDENT,
                _T_NUMBER,
                _KEYWORDS["nil"],
                _T_RAW_STRING,
                _T_STRING,
                _T_VARIABLE,
                _T_LPAREN,
            ):
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(item, context)

    def check_pipeline(self, pipe: _Pipe, context: str, item: _Item) -> None:
        if not pipe.cmds:
            raise _Fail(f"missing value for {context}", item.pos)
        for index, cmd in enumerate(pipe.cmds[1:], start=2):
            if isinstance(cmd.args[0], (_BoolNode, _DotNode, _NilNode, _NumberNode, _StringNode)):
                raise _Fail(f"non executable command in pipeline stage {index}", cmd.pos)

    def command(self) -> _Command:
        cmd = _Command(self.peek_non_space().pos, [])
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            item = self.next()
            if item.typ == _T_SPACE:
                continue
            if item.typ in (_T_RIGHT_DELIM, _T_RPAREN):
                self.backup()
            elif item.typ != _T_PIPE:
                self.unexpected(item, "operand")
            break
        if not cmd.args:
            raise _Fail("empty command", cmd.pos)
        return cmd

    def operand(self) -> Any:
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == _T_FIELD:
            fields = []
            pos = self.peek().pos
            while self.peek().typ == _T_FIELD:
                fields.append(self.next().val[1:])
            if isinstance(node, _FieldNode):
                return _FieldNode(node.pos, node.ident + fields)
            if isinstance(node, _VariableNode):
                return _VariableNode(node.pos, node.ident + fields)
            if isinstance(node, (_BoolNode, _StringNode, _NumberNode, _NilNode, _DotNode)):
                raise _Fail(f"unexpected . after term {json.dumps(_node_text(node))}", pos)
            return _ChainNode(node.pos, node, fields)
        return node

    def term(self) -> Any:
        item = self.next_non_space()
        typ = item.typ
        if typ == _T_IDENT:
            if item.val not in self.functions:
                raise _Unsupported(item.val, item.pos)
            return _IdentNode(item.pos, item.val)
        if typ == _T_DOT:
            return _DotNode(item.pos)
        if typ == _KEYWORDS["nil"]:
            return _NilNode(item.pos)
        if typ == _T_VARIABLE:
            if item.val not in self.vars:
                raise _Fail(f"undefined variable {json.dumps(item.val)}", item.pos)
            return _VariableNode(item.pos, [item.val])
        if typ == _T_FIELD:
            return _FieldNode(item.pos, [item.val[1:]])
        if typ == _T_BOOL:
            return _BoolNode(item.pos, item.val == "true")
        if typ in (_T_NUMBER, _T_CHAR_CONST):
            return _new_number(item)
        if typ == _T_LPAREN:
            return self.pipeline("parenthesized pipeline", _T_RPAREN)
        if typ in (_T_STRING, _T_RAW_STRING):
            return _StringNode(item.pos, item.val, _unquote(item.val, item.pos))
        self.backup()
        return None


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


# An invalid reflect.Value: what a missing map key yields; prints as "<no value>".
_MISSING = _Sentinel("MISSING")
# text/template's missingVal: "no value piped into this command".
_NOARG = _Sentinel("NOARG")


class _GoEnum(int):
    """An integer Go type with a String method (time.Month, time.Weekday)."""

    names: Sequence[str] = ()
    offset = 0

    def __str__(self) -> str:
        return self.names[int(self) - self.offset]


class _Month(_GoEnum):
    names = (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
    offset = 1


class _Weekday(_GoEnum):
    names = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


class _TypedList(list):
    """A Go slice whose element type is not interface{} (e.g. []string from `slice "a" "b"`)."""

    def __init__(self, items: Sequence[Any], elem: str) -> None:
        super().__init__(items)
        self.elem = elem


def _make_slice(*args: Any) -> list[Any]:
    """collections.Slice: a typed slice when every argument has the same Go type."""
    if not args or args[0] is None:
        return list(args)
    first = _go_type_name(args[0])
    if all(_go_type_name(a) == first for a in args[1:]):
        return _TypedList(args, first)
    return list(args)


class _Params(dict):
    """Hugo's maps.Params: keys are lower-cased and looked up case-insensitively."""

    def lookup(self, key: str) -> Any:
        return self.get(key.lower(), _MISSING)


def _to_params(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _Params((str(k).lower(), _to_params(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_to_params(v) for v in value]
    return value


def _to_plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class _Member:
    fn: Callable[..., Any]
    params: tuple[str, ...] = ()
    variadic: str | None = None
    is_field: bool = False


class _GoObject:
    """A Go struct or interface value exposed to templates."""

    go_type = "struct"
    # Fields real Hugo 0.168 reports as missing ("can't evaluate field X"); anything neither
    # implemented nor listed here is treated as unsupported rather than guessed at.
    absent: frozenset[str] = frozenset()

    def member(self, name: str) -> _Member | None:
        return None

    def string(self) -> str:
        raise _Unsupported(f"printing {self.go_type}")


def _field_member(value: Any) -> _Member:
    return _Member(lambda: value, is_field=True)


def _method(fn: Callable[..., Any], *params: str, variadic: str | None = None) -> _Member:
    return _Member(fn, tuple(params), variadic)


# --------------------------------------------------------------------------------------------
# Go time: time.Time with Format/Year/...; layouts use Go's reference time
# --------------------------------------------------------------------------------------------

_STD_LONG_MONTH, _STD_MONTH, _STD_NUM_MONTH, _STD_ZERO_MONTH = 1, 2, 3, 4
_STD_LONG_WEEKDAY, _STD_WEEKDAY = 5, 6
_STD_DAY, _STD_UNDER_DAY, _STD_ZERO_DAY, _STD_UNDER_YEARDAY, _STD_ZERO_YEARDAY = 7, 8, 9, 10, 11
_STD_HOUR, _STD_HOUR12, _STD_ZERO_HOUR12 = 12, 13, 14
_STD_MINUTE, _STD_ZERO_MINUTE, _STD_SECOND, _STD_ZERO_SECOND = 15, 16, 17, 18
_STD_LONG_YEAR, _STD_YEAR, _STD_PM, _STD_LOWER_PM, _STD_TZ = 19, 20, 21, 22, 23
_STD_ISO_TZ, _STD_ISO_SECONDS_TZ, _STD_ISO_SHORT_TZ, _STD_ISO_COLON_TZ, _STD_ISO_COLON_SECONDS_TZ = (
    24,
    25,
    26,
    27,
    28,
)
_STD_NUM_TZ, _STD_NUM_SECONDS_TZ, _STD_NUM_SHORT_TZ, _STD_NUM_COLON_TZ, _STD_NUM_COLON_SECONDS_TZ = (
    29,
    30,
    31,
    32,
    33,
)
_STD_FRAC = 34  # carried with (digits, trim, separator)

_STD_0X = (_STD_ZERO_MONTH, _STD_ZERO_DAY, _STD_ZERO_HOUR12, _STD_ZERO_MINUTE, _STD_ZERO_SECOND, _STD_YEAR)
_TZ_PATTERNS = (
    ("070000", "SECONDS"),
    ("07:00:00", "COLON_SECONDS"),
    ("0700", ""),
    ("07:00", "COLON"),
    ("07", "SHORT"),
)
_TZ_CODES = {
    ("Z", "SECONDS"): _STD_ISO_SECONDS_TZ,
    ("Z", "COLON_SECONDS"): _STD_ISO_COLON_SECONDS_TZ,
    ("Z", ""): _STD_ISO_TZ,
    ("Z", "COLON"): _STD_ISO_COLON_TZ,
    ("Z", "SHORT"): _STD_ISO_SHORT_TZ,
    ("-", "SECONDS"): _STD_NUM_SECONDS_TZ,
    ("-", "COLON_SECONDS"): _STD_NUM_COLON_SECONDS_TZ,
    ("-", ""): _STD_NUM_TZ,
    ("-", "COLON"): _STD_NUM_COLON_TZ,
    ("-", "SHORT"): _STD_NUM_SHORT_TZ,
}


def _next_std_chunk(layout: str) -> tuple[str, Any, str]:
    """time.nextStdChunk: the literal prefix, the next layout element, and the rest."""
    n = len(layout)
    i = 0
    while i < n:
        c = layout[i]
        if c == "J" and layout.startswith("Jan", i):
            if layout.startswith("January", i):
                return layout[:i], _STD_LONG_MONTH, layout[i + 7 :]
            if not (i + 3 < n and "a" <= layout[i + 3] <= "z"):
                return layout[:i], _STD_MONTH, layout[i + 3 :]
        elif c == "M" and i + 3 <= n:
            if layout.startswith("Mon", i):
                if layout.startswith("Monday", i):
                    return layout[:i], _STD_LONG_WEEKDAY, layout[i + 6 :]
                if not (i + 3 < n and "a" <= layout[i + 3] <= "z"):
                    return layout[:i], _STD_WEEKDAY, layout[i + 3 :]
            if layout.startswith("MST", i):
                return layout[:i], _STD_TZ, layout[i + 3 :]
        elif c == "0":
            if i + 1 < n and "1" <= layout[i + 1] <= "6":
                return layout[:i], _STD_0X[ord(layout[i + 1]) - ord("1")], layout[i + 2 :]
            if layout.startswith("002", i):
                return layout[:i], _STD_ZERO_YEARDAY, layout[i + 3 :]
        elif c == "1":
            if i + 1 < n and layout[i + 1] == "5":
                return layout[:i], _STD_HOUR, layout[i + 2 :]
            return layout[:i], _STD_NUM_MONTH, layout[i + 1 :]
        elif c == "2":
            if layout.startswith("2006", i):
                return layout[:i], _STD_LONG_YEAR, layout[i + 4 :]
            return layout[:i], _STD_DAY, layout[i + 1 :]
        elif c == "_":
            if i + 1 < n and layout[i + 1] == "2":
                if layout.startswith("2006", i + 1):
                    return layout[: i + 1], _STD_LONG_YEAR, layout[i + 5 :]
                return layout[:i], _STD_UNDER_DAY, layout[i + 2 :]
            if layout.startswith("__2", i):
                return layout[:i], _STD_UNDER_YEARDAY, layout[i + 3 :]
        elif c == "3":
            return layout[:i], _STD_HOUR12, layout[i + 1 :]
        elif c == "4":
            return layout[:i], _STD_MINUTE, layout[i + 1 :]
        elif c == "5":
            return layout[:i], _STD_SECOND, layout[i + 1 :]
        elif c == "P" and layout.startswith("PM", i):
            return layout[:i], _STD_PM, layout[i + 2 :]
        elif c == "p" and layout.startswith("pm", i):
            return layout[:i], _STD_LOWER_PM, layout[i + 2 :]
        elif c in "-Z":
            for pattern, variant in _TZ_PATTERNS:
                if layout.startswith(pattern, i + 1):
                    return layout[:i], _TZ_CODES[(c, variant)], layout[i + 1 + len(pattern) :]
        elif c in ".," and i + 1 < n and layout[i + 1] in "09":
            ch = layout[i + 1]
            j = i + 1
            while j < n and layout[j] == ch:
                j += 1
            if not (j < n and "0" <= layout[j] <= "9"):
                return layout[:i], (_STD_FRAC, j - (i + 1), ch == "9", c), layout[j:]
        i += 1
    return layout, 0, ""


def _pad_int(value: int, width: int) -> str:
    if value < 0:
        return "-" + str(-value).rjust(width, "0")
    return str(value).rjust(width, "0")


class _GoTime(_GoObject):
    """time.Time: an aware datetime plus nanoseconds, Go zone name and monotonic flag."""

    go_type = "time.Time"

    def __init__(self, moment: datetime, zone_name: str, nanos: int | None = None, monotonic: bool = False):
        self.dt = moment
        self.zone_name = zone_name
        self.nanos = moment.microsecond * 1000 if nanos is None else nanos
        self.monotonic = monotonic

    @property
    def offset(self) -> int:
        delta = self.dt.utcoffset() or timedelta(0)
        return int(delta.total_seconds())

    def format(self, layout: str) -> str:
        out: list[str] = []
        dt = self.dt
        while layout:
            prefix, std, layout = _next_std_chunk(layout)
            out.append(prefix)
            if not std:
                break
            if isinstance(std, tuple):
                out.append(self._fraction(std))
                continue
            out.append(self._element(std, dt))
        return "".join(out)

    def _fraction(self, std: tuple[int, int, bool, str]) -> str:
        _, digits, trim, sep = std
        if trim and (digits == 0 or self.nanos == 0):
            return ""
        text = str(self.nanos).rjust(9, "0")[:digits]
        if trim:
            text = text.rstrip("0")
            return sep + text if text else ""
        return sep + text

    def _element(self, std: int, dt: datetime) -> str:
        if std == _STD_YEAR:
            return _pad_int(dt.year % 100, 2)
        if std == _STD_LONG_YEAR:
            return _pad_int(dt.year, 4)
        if std == _STD_MONTH:
            return _Month.names[dt.month - 1][:3]
        if std == _STD_LONG_MONTH:
            return _Month.names[dt.month - 1]
        if std == _STD_NUM_MONTH:
            return str(dt.month)
        if std == _STD_ZERO_MONTH:
            return _pad_int(dt.month, 2)
        weekday = (dt.weekday() + 1) % 7
        if std == _STD_WEEKDAY:
            return _Weekday.names[weekday][:3]
        if std == _STD_LONG_WEEKDAY:
            return _Weekday.names[weekday]
        if std == _STD_DAY:
            return str(dt.day)
        if std == _STD_UNDER_DAY:
            return str(dt.day).rjust(2, " ")
        if std == _STD_ZERO_DAY:
            return _pad_int(dt.day, 2)
        yday = dt.timetuple().tm_yday
        if std == _STD_UNDER_YEARDAY:
            return str(yday).rjust(3, " ")
        if std == _STD_ZERO_YEARDAY:
            return _pad_int(yday, 3)
        if std == _STD_HOUR:
            return _pad_int(dt.hour, 2)
        hour12 = dt.hour % 12 or 12
        if std == _STD_HOUR12:
            return str(hour12)
        if std == _STD_ZERO_HOUR12:
            return _pad_int(hour12, 2)
        if std == _STD_MINUTE:
            return str(dt.minute)
        if std == _STD_ZERO_MINUTE:
            return _pad_int(dt.minute, 2)
        if std == _STD_SECOND:
            return str(dt.second)
        if std == _STD_ZERO_SECOND:
            return _pad_int(dt.second, 2)
        if std == _STD_PM:
            return "PM" if dt.hour >= 12 else "AM"
        if std == _STD_LOWER_PM:
            return "pm" if dt.hour >= 12 else "am"
        offset = self.offset
        if std == _STD_TZ:
            if self.zone_name:
                return self.zone_name
            minutes = abs(offset) // 60
            return ("-" if offset < 0 else "+") + _pad_int(minutes // 60, 2) + _pad_int(minutes % 60, 2)
        iso = std in (
            _STD_ISO_TZ,
            _STD_ISO_SECONDS_TZ,
            _STD_ISO_SHORT_TZ,
            _STD_ISO_COLON_TZ,
            _STD_ISO_COLON_SECONDS_TZ,
        )
        if iso and offset == 0:
            return "Z"
        minutes = abs(offset) // 60
        text = ("-" if offset < 0 else "+") + _pad_int(minutes // 60, 2)
        colon_seconds = (_STD_ISO_COLON_SECONDS_TZ, _STD_NUM_COLON_SECONDS_TZ)
        if std in (_STD_ISO_COLON_TZ, _STD_NUM_COLON_TZ, *colon_seconds):
            text += ":"
        if std not in (_STD_NUM_SHORT_TZ, _STD_ISO_SHORT_TZ):
            text += _pad_int(minutes % 60, 2)
        if std in (_STD_ISO_SECONDS_TZ, _STD_NUM_SECONDS_TZ, *colon_seconds):
            if std in colon_seconds:
                text += ":"
            text += _pad_int(abs(offset) % 60, 2)
        return text

    def string(self) -> str:
        if self.monotonic:
            # Go appends the monotonic clock reading ("m=+0.05"), which no renderer can reproduce.
            raise _Unsupported("printing now without .Format")
        return self.format("2006-01-02 15:04:05.999999999 -0700 MST")

    def in_utc(self) -> _GoTime:
        return _GoTime(self.dt.astimezone(timezone.utc), "UTC", self.nanos)

    def add_date(self, years: int, months: int, days: int) -> _GoTime:
        month_index = self.dt.month - 1 + months
        year = self.dt.year + years + month_index // 12
        month = month_index % 12 + 1
        day = _date(year, month, 1) + timedelta(days=self.dt.day - 1 + days)
        moment = datetime.combine(day, self.dt.timetz())
        return _GoTime(moment, self.zone_name, self.nanos)

    def unix(self) -> int:
        return math.floor(self.dt.timestamp())

    def member(self, name: str) -> _Member | None:
        dt = self.dt
        members: dict[str, Callable[[], _Member]] = {
            "Format": lambda: _method(self.format, "string"),
            "Year": lambda: _method(lambda: dt.year),
            "Month": lambda: _method(lambda: _Month(dt.month)),
            "Day": lambda: _method(lambda: dt.day),
            "Hour": lambda: _method(lambda: dt.hour),
            "Minute": lambda: _method(lambda: dt.minute),
            "Second": lambda: _method(lambda: dt.second),
            "Nanosecond": lambda: _method(lambda: self.nanos),
            "YearDay": lambda: _method(lambda: dt.timetuple().tm_yday),
            "Weekday": lambda: _method(lambda: _Weekday((dt.weekday() + 1) % 7)),
            "Unix": lambda: _method(self.unix),
            "UTC": lambda: _method(self.in_utc),
            "Local": lambda: _method(lambda: _GoTime(self.dt, self.zone_name, self.nanos)),
            "AddDate": lambda: _method(self.add_date, "int", "int", "int"),
            "IsZero": lambda: _method(lambda: False),
            "String": lambda: _method(self.string),
        }
        maker = members.get(name)
        return maker() if maker else None


_RFC3339_RE = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?([Zz]|[+-]\d\d:\d\d)\Z"
)


def _parse_rfc3339(text: str) -> tuple[datetime, int] | None:
    m = _RFC3339_RE.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac = (m.group(7) or "").ljust(9, "0")
    nanos = int(frac) if frac else 0
    zone = m.group(8)
    if zone in ("Z", "z"):
        tz = timezone.utc
    else:
        sign = -1 if zone[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    try:
        moment = datetime(year, month, day, hour, minute, second, nanos // 1000, tzinfo=tz)
    except ValueError:
        return None
    return moment, nanos


def _zone_name(moment: datetime) -> str:
    """The abbreviation Go would print for MST, as far as a Python tzinfo can tell it."""
    tz = moment.tzinfo
    offset = moment.utcoffset()
    if isinstance(tz, timezone):
        if offset == timedelta(0):
            return "UTC"
        # A bare offset is Go's "fabricated location" unless it matches the machine's zone,
        # in which case Go reports the local abbreviation.
        local = datetime.now().astimezone()
        if local.utcoffset() == offset:
            return local.tzname() or ""
        return ""
    name = moment.tzname() or ""
    return "" if name.startswith(("UTC+", "UTC-")) else name


def _time_from_datetime(moment: datetime, monotonic: bool = False) -> _GoTime:
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return _GoTime(moment, _zone_name(moment), monotonic=monotonic)


# --------------------------------------------------------------------------------------------
# Go value formatting (fmt's %v and friends, strconv.Quote, strconv.FormatFloat)
# --------------------------------------------------------------------------------------------


def _float_digits(value: float) -> tuple[str, int]:
    """Shortest round-trip digits and decimal-point position (like strconv's decimal)."""
    sign, digits, exponent = Decimal(repr(abs(value))).as_tuple()
    text = "".join(str(d) for d in digits).rstrip("0") or "0"
    point = len(digits) + int(exponent)
    if text == "0":
        point = 1
    return text, point


def _format_float_g(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 64): what %v and print show for a float64."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    digits, point = _float_digits(value)
    exp = point - 1
    if digits == "0":
        return sign + "0"
    # Shortest formatting switches to an exponent outside [1e-4, 1e6), like %g with precision 6.
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return sign + "0." + "0" * (-point) + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return sign + digits[:point] + "." + digits[point:]


def _format_float_f(value: float) -> str:
    """strconv.FormatFloat(value, 'f', -1, 64): how Hugo's cast turns a float into a string."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    digits, point = _float_digits(value)
    if digits == "0":
        return sign + "0"
    if point <= 0:
        return sign + "0." + "0" * (-point) + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return sign + digits[:point] + "." + digits[point:]


_C_ESCAPES = {"\a": r"\a", "\b": r"\b", "\f": r"\f", "\n": r"\n", "\r": r"\r", "\t": r"\t", "\v": r"\v"}


def _go_quote(text: str, quote: str = '"') -> str:
    """strconv.Quote / QuoteRune."""
    out = [quote]
    for ch in text:
        if ch == quote or ch == "\\":
            out.append("\\" + ch)
        elif _is_print(ch):
            out.append(ch)
        elif ch in _C_ESCAPES:
            out.append(_C_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append(quote)
    return "".join(out)


def _go_type_name(value: Any) -> str:
    if value is None or value is _MISSING:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, _Month):
        return "time.Month"
    if isinstance(value, _Weekday):
        return "time.Weekday"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, _Params):
        return "maps.Params"
    if isinstance(value, Mapping):
        return "map[string]interface {}"
    if isinstance(value, _TypedList):
        return "[]" + value.elem
    if isinstance(value, (list, tuple)):
        return "[]interface {}"
    if isinstance(value, _GoObject):
        return value.go_type
    return type(value).__name__


def _format_value(value: Any) -> str:
    """fmt's %v for one operand."""
    return _fmt_verb(value, "v", _Spec())


@dataclass
class _Spec:
    minus: bool = False
    plus: bool = False
    sharp: bool = False
    space: bool = False
    zero: bool = False
    width: int | None = None
    precision: int | None = None


def _pad(text: str, spec: _Spec, numeric: bool = False) -> str:
    if spec.width is None or len(text) >= spec.width:
        return text
    fill = spec.width - len(text)
    if spec.minus:
        return text + " " * fill
    if spec.zero and numeric:
        sign = text[0] if text and text[0] in "+- " else ""
        return sign + "0" * fill + text[len(sign) :]
    return " " * fill + text


def _bad_verb(value: Any, verb: str) -> str:
    if value is None or value is _MISSING:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({_go_type_name(value)}={_format_value(value)})"


def _fmt_int(value: int, verb: str, spec: _Spec) -> str:
    if verb == "c":
        return _pad(chr(value), spec)
    if verb == "q":
        return _pad(_go_quote(chr(value), "'"), spec)
    if verb == "U":
        text = f"U+{value:04X}"
        if spec.sharp:
            text += f" '{chr(value)}'"
        return _pad(text, spec)
    base = {"d": 10, "v": 10, "b": 2, "o": 8, "O": 8, "x": 16, "X": 16}[verb]
    digits = format(abs(value), {10: "d", 2: "b", 8: "o", 16: "x"}[base])
    if verb == "X":
        digits = digits.upper()
    sign = "-" if value < 0 else ("+" if spec.plus else (" " if spec.space else ""))
    # fmt.fmtInteger: a precision or a zero flag both become a minimum digit count.
    min_digits = 0
    if spec.precision is not None:
        min_digits = spec.precision
        if min_digits == 0 and value == 0:
            return _pad("", spec)
    elif spec.zero and not spec.minus and spec.width is not None:
        min_digits = spec.width - (1 if sign else 0)
    digits = digits.rjust(min_digits, "0")
    prefix = ""
    if verb == "O":
        prefix = "0o"
    elif spec.sharp and base == 8 and not digits.startswith("0"):
        prefix = "0"
    elif spec.sharp and base == 16:
        prefix = "0x" if verb == "x" else "0X"
    elif spec.sharp and base == 2:
        prefix = "0b"
    return _pad(sign + prefix + digits, _Spec(minus=spec.minus, width=spec.width))


def _fmt_float(value: float, verb: str, spec: _Spec) -> str:
    if math.isnan(value) or math.isinf(value):
        text = "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
        return _pad(text, _Spec(minus=spec.minus, width=spec.width))
    if verb in ("v", "g", "G") and spec.precision is None:
        text = _format_float_g(value)
        if verb == "G":
            text = text.upper()
    elif verb in ("g", "G"):
        text = format(value, f".{max(spec.precision or 0, 1)}{verb}")
    elif verb in ("f", "F"):
        text = format(value, f".{6 if spec.precision is None else spec.precision}f")
    elif verb in ("e", "E"):
        text = format(value, f".{6 if spec.precision is None else spec.precision}{verb}")
    else:
        raise _Unsupported(f"printf verb %{verb} for a float")
    if spec.sharp:
        raise _Unsupported("printf flag # for a float")
    if spec.plus and not text.startswith("-"):
        text = "+" + text
    elif spec.space and not text.startswith("-"):
        text = " " + text
    return _pad(text, spec, numeric=True)


def _fmt_string(value: str, verb: str, spec: _Spec) -> str:
    if verb in ("s", "v"):
        text = value if spec.precision is None else value[: spec.precision]
        if spec.zero and not spec.minus:
            raise _Unsupported("printf flag 0 for a string")
        return _pad(text, spec)
    if verb == "q":
        if spec.sharp or spec.plus:
            raise _Unsupported(f"printf flags for %{verb}")
        text = value if spec.precision is None else value[: spec.precision]
        return _pad(_go_quote(text), spec)
    if verb in ("x", "X"):
        data = value.encode()
        if spec.precision is not None:
            data = data[: spec.precision]
        text = data.hex()
        if spec.space or spec.sharp:
            raise _Unsupported(f"printf flags for %{verb} on a string")
        return _pad(text.upper() if verb == "X" else text, spec)
    return _bad_verb(value, verb)


def _fmt_verb(value: Any, verb: str, spec: _Spec, depth: int = 0) -> str:
    """Format one operand the way fmt does for the given verb."""
    if value is _MISSING or value is None:
        if depth == 0 and verb not in ("v", "T"):
            return _bad_verb(None, verb)
        return _pad("<nil>", spec)
    if isinstance(value, _GoEnum):
        if verb in ("v", "s", "q", "x", "X"):
            return _fmt_string(str(value), verb, spec)
        return _fmt_int(int(value), verb, spec)
    if isinstance(value, _GoObject):
        if verb in ("v", "s", "q", "x", "X"):
            return _fmt_string(value.string(), verb, spec)
        raise _Unsupported(f"printf %{verb} of {value.go_type}")
    if isinstance(value, bool):
        if verb in ("v", "t"):
            return _pad("true" if value else "false", spec)
        return _bad_verb(value, verb)
    if isinstance(value, int):
        if verb in ("v", "d", "b", "o", "O", "x", "X", "c", "q", "U"):
            return _fmt_int(value, verb, spec)
        return _bad_verb(value, verb)
    if isinstance(value, float):
        if verb in ("v", "g", "G", "e", "E", "f", "F"):
            return _fmt_float(value, verb, spec)
        if verb in ("b", "x", "X"):
            raise _Unsupported(f"printf %{verb} of a float")
        return _bad_verb(value, verb)
    if isinstance(value, str):
        return _fmt_string(value, verb, spec)
    if isinstance(value, Mapping):
        parts = []
        for key in sorted(value, key=str):
            parts.append(
                _fmt_verb(key, verb, spec, depth + 1) + ":" + _fmt_verb(value[key], verb, spec, depth + 1)
            )
        return "map[" + " ".join(parts) + "]"
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(_fmt_verb(v, verb, spec, depth + 1) for v in value) + "]"
    raise _Unsupported(f"printing a {type(value).__name__} value")


_VERBS = set("vdsqtbcoOxXUeEfFgG")


def _sprintf(fmt: str, args: Sequence[Any]) -> str:
    """fmt.Sprintf for the verbs and flags archetypes plausibly use."""
    out: list[str] = []
    argi = 0
    i = 0
    n = len(fmt)
    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        i = j + 1
        spec = _Spec()
        while i < n and fmt[i] in "+-# 0":
            flag = fmt[i]
            if flag == "+":
                spec.plus = True
            elif flag == "-":
                spec.minus = True
            elif flag == "#":
                spec.sharp = True
            elif flag == " ":
                spec.space = True
            else:
                spec.zero = True
            i += 1
        if i < n and fmt[i] in "*[":
            raise _Unsupported("printf argument indexes or * widths")
        start = i
        while i < n and fmt[i].isdigit():
            i += 1
        if i > start:
            spec.width = int(fmt[start:i])
        if i < n and fmt[i] == ".":
            i += 1
            if i < n and fmt[i] in "*[":
                raise _Unsupported("printf argument indexes or * precisions")
            start = i
            while i < n and fmt[i].isdigit():
                i += 1
            spec.precision = int(fmt[start:i]) if i > start else 0
        if i >= n:
            out.append("%!(NOVERB)")
            break
        verb = fmt[i]
        i += 1
        if verb == "%":
            out.append("%")
            continue
        if verb not in _VERBS:
            if verb in "Tpw":
                raise _Unsupported(f"printf verb %{verb}")
            if argi >= len(args):
                out.append(f"%!{verb}(MISSING)")
            else:
                out.append(_bad_verb(args[argi], verb))
                argi += 1
            continue
        if argi >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = args[argi]
        argi += 1
        out.append(_fmt_verb(arg, verb, spec))
    if argi < len(args):
        extra = ", ".join(
            "<nil>" if a is None or a is _MISSING else f"{_go_type_name(a)}={_format_value(a)}"
            for a in args[argi:]
        )
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def _sprint(args: Sequence[Any]) -> str:
    """fmt.Sprint: spaces only between operands when neither side is a string."""
    out: list[str] = []
    for index, arg in enumerate(args):
        if index > 0 and not isinstance(arg, str) and not isinstance(args[index - 1], str):
            out.append(" ")
        out.append(_format_value(arg))
    return "".join(out)


def _sprintln(args: Sequence[Any]) -> str:
    return " ".join(_format_value(a) for a in args) + "\n"


# --------------------------------------------------------------------------------------------
# Conversions Hugo functions apply to their arguments (spf13/cast)
# --------------------------------------------------------------------------------------------


def _cast_string(value: Any) -> str:
    if value is None or value is _MISSING:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _GoEnum):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _format_float_f(value)
    if isinstance(value, _GoObject):
        return value.string()
    raise _Fail(f"unable to cast {_format_value(value)} of type {_go_type_name(value)} to string")


def _cast_int(value: Any, what: str = "") -> int:
    if value is None or value is _MISSING:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        text = value[:-2] if value.endswith(".0") else value
        parsed = _go_parse_int(text)
        if parsed is not None:
            return parsed
    raise _Fail(what or f"unable to cast {_go_type_name(value)} to int")


# --------------------------------------------------------------------------------------------
# Hugo string functions
# --------------------------------------------------------------------------------------------

# jdkato/prose transform (Hugo's title case): words AP style leaves lower case mid-title.
_SMALL_WORDS = frozenset("a an and as at but by en for if in nor of on or per the to vs vs. via v v.".split())
_PREPOSITIONS = frozenset(
    "with from into during including until against among throughout despite towards upon "
    "concerning about over through before between after since without under within along "
    "following across beyond around down near above".split()
)
_TITLE_SANITIZER = {
    "\u201c": '"',
    "\u201d": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
}
_TITLE_SEPARATORS = frozenset("\t\n\f\r -/")  # Go's \s plus '-' and '/' in `[^\s-/]`


def _title_words(s: str) -> list[tuple[int, int]]:
    """Spans matched by prose's `[\\p{N}\\p{L}]+[^\\s-/]*` (a word runs to the next separator)."""
    spans = []
    i = 0
    n = len(s)
    while i < n:
        if _cat(s[i])[0] in "LN":
            j = i
            while j < n and s[j] not in _TITLE_SEPARATORS:
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def _prose_title(s: str, chicago: bool) -> str:
    """transform.TitleConverter.Title, reproducing its byte-offset arithmetic."""
    t = "".join(_TITLE_SANITIZER.get(c, c) for c in s).encode()
    end = len(t)

    def char_at(index: int) -> int:
        if 0 <= index < len(t):
            return t[index]
        return t[0]

    out: list[str] = []
    last = 0
    idx = 0
    for start, stop in _title_words(s):
        out.append(s[last:start])
        last = stop
        word = s[start:stop]
        raw = word.encode()
        lowered = _go_lower(word)
        pos = t.find(raw, idx)
        pos = pos if pos >= 0 else -1
        if pos == -1:
            pos = idx - 1
        prev = char_at(pos - 1)
        # prose mixes units: positions are byte offsets, the word length is counted in runes.
        ext = len(word)
        idx = pos + ext
        bounding = pos == 0 or idx == end
        small = lowered in _SMALL_WORDS or (chicago and lowered in _PREPOSITIONS)
        if (
            not bounding
            and small
            and prev in (ord(" "), ord("-"), ord("/"))
            and char_at(pos - 2) not in (ord(":"), ord("-"))
            and (char_at(pos + ext) != ord("-") or char_at(pos - 1) == ord("-"))
        ):
            out.append(lowered)
        else:
            out.append(_go_title_rune(word[0]) + word[1:])
    out.append(s[last:])
    return "".join(out)


def _go_strings_title(s: str) -> str:
    """Go's deprecated strings.Title (titleCaseStyle "go")."""

    def is_separator(c: str) -> bool:
        if ord(c) <= 0x7F:
            return not (c.isascii() and (c.isalnum() or c == "_"))
        if _is_letter(c) or _is_digit(c):
            return False
        return _is_go_space(c)

    out = []
    prev = " "
    for c in s:
        out.append(_go_title_rune(c) if is_separator(prev) else c)
        prev = c
    return "".join(out)


def _title(s: str, style: str) -> str:
    style = style.lower()
    if style == "go":
        return _go_strings_title(s)
    if style == "none":
        return s
    if style == "firstupper":
        return _go_upper_rune(s[0]) + s[1:] if s else s
    return _prose_title(s, chicago=style == "chicago")


# gobuffalo/flect's acronym list (Hugo's humanize upper-cases these words).
_ACRONYMS = frozenset(
    """OK UTF8 HTML JSON JWT ID UUID SQL ACK ACL ADSL AES ANSI API ARP ATM BGP BSS CCITT CHAP CIDR
    CIR CLI CPE CPU CRC CRT CSMA CMOS DCE DEC DES DHCP DNS DRAM DSL DSLAM DTE DMI EHA EIA EIGRP EOF
    ESS FCC FCS FDDI FTP GBIC gbps GEPOF HDLC HTTP HTTPS IANA ICMP IDF IDS IEEE IETF IMAP IP IPS ISDN
    ISP kbps LACP LAN LAPB LAPF LLC MAC Mbps MC MDF MIB MoCA MPLS MTU NAC NAT NBMA NIC NRZ NRZI NVRAM
    OIDC OSI OSPF OUI PAP PAT PC PIM PCM PDU POP3 POTS PPP PPTP PTT PVST RAM RARP RFC RIP RLL ROM
    RSTP RTP RCP SDLC SFD SFP SLARP SLIP SMTP SNA SNAP SNMP SOF SRAM SSH SSID STP SYN TDM TFTP TIA
    TOFU UDP URL URI USB UTP VC VLAN VLSM VPN W3C WAN WEP WiFi WPA WWW""".split()
)
_FLECT_SPACES = frozenset("_ :-/")


def _flect_is_space(c: str) -> bool:
    return c in _FLECT_SPACES or _is_go_space(c)


def _flect_append(parts: list[str], *words: str) -> list[str]:
    for word in words:
        start, stop = 0, len(word)
        while start < stop and _flect_is_space(word[start]):
            start += 1
        while stop > start and _flect_is_space(word[stop - 1]):
            stop -= 1
        word = word[start:stop]
        if _go_upper(word) in _ACRONYMS:
            word = _go_upper(word)
        if word:
            parts.append(word)
    return parts


def _flect_parts(s: str) -> list[str]:
    """flect's toParts: split on spaces/_-:/ and camelCase, upper-casing known acronyms."""
    parts: list[str] = []
    s = _go_trim_space(s)
    if not s:
        return parts
    if _go_upper(s) in _ACRONYMS:
        return [_go_upper(s)]
    prev = "\0"
    buf: list[str] = []
    for c in s:
        starts_part = _flect_is_space(c) or (
            _is_upper(c) and (not _is_upper(prev) or _go_upper("".join(buf)) in _ACRONYMS)
        )
        if starts_part:
            _flect_append(parts, "".join(buf))
            buf = [c]
        elif _is_letter(c) or _is_digit(c) or _is_punct(c) or c == "`":
            buf.append(c)
        else:
            _flect_append(parts, "".join(buf))
            buf = []
        prev = c
    _flect_append(parts, "".join(buf))
    return parts


def _flect_titleize(s: str) -> str:
    return " ".join(_go_title_rune(p[0]) + p[1:] for p in _flect_parts(s))


def _flect_humanize(s: str) -> str:
    if not s:
        return ""
    if not _go_trim_space(s):
        return s
    parts = _flect_parts(s)
    if not parts:
        # flect indexes Parts[0] unchecked; Hugo reports the resulting panic.
        raise _Fail("runtime error: index out of range [0] with length 0")
    joined = _flect_append([], _flect_titleize(parts[0]))
    if len(parts) > 1:
        _flect_append(joined, *parts[1:])
    return " ".join(joined)


_ATOI_RE = re.compile(r"[+-]?[0-9]+\Z")


def _humanize(value: Any) -> str:
    word = _cast_string(value)
    if not word:
        return ""
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if is_int or (_ATOI_RE.match(word) and -(2**63) <= int(word) < 2**63):
        number = int(word)
        if abs(number) % 100 in (11, 12, 13):
            suffix = "th"
        else:
            suffix = {1: "st", 2: "nd", 3: "rd"}.get(abs(number) % 10, "th")
        return f"{number}{suffix}"
    return _flect_humanize(_go_lower(_flect_humanize(word)))


def _anchorize(s: str) -> str:
    """Hugo's goldmark "github" anchor sanitizer."""
    out = []
    for c in _go_trim_space(s):
        if c in "- ":
            out.append("-")
        elif c == "_" or _is_letter(c) or _is_digit(c):
            out.append(_go_lower_rune(c))
    return "".join(out)


_HEX = "0123456789abcdefABCDEF"


def _path_sanitize(s: str) -> str:
    """Hugo's paths.Sanitize: keep letters, digits, marks and . / \\ _ # + ~ - @ %XX."""
    raw = s.encode()

    def allowed(c: str, byte_index: int) -> bool:
        if c == " ":
            return False
        if _is_letter(c) or _is_digit(c) or c in "./\\_#+~-@" or _is_mark(c):
            return True
        return (
            c == "%"
            and byte_index + 2 < len(raw)
            and chr(raw[byte_index + 1]) in _HEX
            and chr(raw[byte_index + 2]) in _HEX
        )

    indexed = []
    offset = 0
    for c in s:
        indexed.append((c, offset))
        offset += len(c.encode())
    if all(allowed(c, i) for c, i in indexed):
        return s
    out: list[str] = []
    prepend = False
    was_hyphen = False
    for c, i in indexed:
        if allowed(c, i):
            was_hyphen = c == "-"
            if prepend:
                if not was_hyphen:
                    out.append("-")
                prepend = False
            out.append(c)
        elif out and not was_hyphen and _is_go_space(c):
            prepend = True
    return "".join(out)


def _url_should_escape(byte: int, fragment: bool) -> bool:
    c = chr(byte)
    if c.isascii() and c.isalnum():
        return False
    if c in "-_.~":
        return False
    if c in "$&+,/:;=?@":
        return False if fragment else c == "?"
    return not (fragment and c in "!()*")


def _url_escape(data: bytes, fragment: bool) -> str:
    return "".join(chr(b) if not _url_should_escape(b, fragment) else f"%{b:02X}" for b in data)


def _url_unescape(data: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == ord("%"):
            out.append(int(data[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def _url_valid_encoded(data: bytes, fragment: bool) -> bool:
    return all(chr(b) in "!$&'()*+,;=:@[]%" or not _url_should_escape(b, fragment) for b in data)


def _url_component(text: str, fragment: bool) -> str:
    """net/url: unescape into Path (or Fragment), then EscapedPath (or EscapedFragment)."""
    raw = text.encode()
    escaped = _url_escape(_url_unescape(raw), fragment)
    # Go keeps the caller's own escaping (RawPath) when it is a valid alternative encoding.
    if escaped != text and _url_valid_encoded(raw, fragment):
        return text
    return escaped


def _urlize(s: str) -> str:
    """Hugo's urlize: sanitize, lower-case, then round-trip through Go's url.Parse/String."""
    path = _go_lower(_path_sanitize(s))
    path, hash_sign, frag = path.partition("#")
    if path.startswith("//") and not path.startswith("///"):
        raise _Unsupported("urlize of a string starting with //")
    result = _url_component(path, fragment=False)
    if hash_sign and frag:
        result += "#" + _url_component(frag, fragment=True)
    return result


def _substr(value: Any, *nums: Any) -> str:
    s = _cast_string(value)
    runes = list(s)
    rlen = len(runes)
    if not nums:
        raise _Fail("too few arguments")
    if len(nums) > 2:
        raise _Fail("too many arguments")
    start = _cast_int(nums[0], "start argument must be an integer")
    length = rlen if len(nums) == 1 else _cast_int(nums[1], "length argument must be an integer")
    if rlen == 0:
        return ""
    if start < 0:
        start += rlen
    start = max(start, 0)
    if start > rlen - 1:
        return ""
    stop = rlen
    if length == 0:
        return ""
    if length < 0:
        stop += length
    else:
        stop = start + length
    if start >= stop or stop < 0:
        return ""
    return "".join(runes[start : min(stop, rlen)])


def _slicestr(value: Any, *bounds: Any) -> str:
    s = _cast_string(value)
    if len(bounds) > 2:
        raise _Fail("too many arguments")
    runes = list(s)
    start = _cast_int(bounds[0]) if bounds else 0
    stop = _cast_int(bounds[1]) if len(bounds) > 1 else len(runes)
    if start < 0 or start > stop or stop > len(runes):
        raise _Fail(f"runtime error: slice bounds out of range [{start}:{stop}]")
    return "".join(runes[start:stop])


def _replace(s: Any, old: Any, new: Any, *limit: Any) -> str:
    text, before, after = _cast_string(s), _cast_string(old), _cast_string(new)
    if not limit:
        return text.replace(before, after)
    count = _cast_int(limit[0])
    return text.replace(before, after, count if count >= 0 else -1)


def _trim_left_set(s: str, cutset: str) -> str:
    return s.lstrip(cutset)


def _trim_right_set(s: str, cutset: str) -> str:
    return s.rstrip(cutset)


def _split(s: Any, sep: Any) -> list[Any]:
    text, delimiter = _cast_string(s), _cast_string(sep)
    if delimiter == "":
        return _TypedList(list(text), "string")
    return _TypedList(text.split(delimiter), "string")


# --------------------------------------------------------------------------------------------
# Hugo comparison and collection functions
# --------------------------------------------------------------------------------------------


def _truth(value: Any) -> bool:
    if value is None or value is _MISSING:
        return False
    if isinstance(value, (str, list, tuple, Mapping)):
        return len(value) > 0
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return True


def _normalize_eq(value: Any) -> Any:
    if value is None or value is _MISSING:
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    if isinstance(value, _GoTime):
        return ("time", value.dt.timestamp(), value.nanos % 1000)
    return value


def _eq_pair(left: Any, right: Any) -> bool:
    if isinstance(left, tuple) or isinstance(right, tuple) or left is None or right is None:
        return left == right
    return _deep_equal(left, right)


def _deep_equal(a: Any, b: Any) -> bool:
    # reflect.DeepEqual: values of different Go types are never equal.
    if _go_type_name(a) != _go_type_name(b):
        return False
    if isinstance(a, Mapping):
        return a.keys() == b.keys() and all(_deep_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_deep_equal(x, y) for x, y in zip(a, b, strict=False))
    if isinstance(a, _GoObject):
        return a is b
    return a == b


def _eq(first: Any, *others: Any) -> bool:
    if not others:
        raise _Fail("missing arguments for comparison")
    left = _normalize_eq(first)
    return any(_eq_pair(left, _normalize_eq(other)) for other in others)


def _ne(first: Any, *others: Any) -> bool:
    if not others:
        raise _Fail("missing arguments for comparison")
    return not any(_eq(first, other) for other in others)


def _compare_operand(value: Any) -> tuple[float, str | None]:
    if isinstance(value, bool):
        return (1.0 if value else 0.0), None
    if isinstance(value, (int, float)):
        return float(value), None
    if isinstance(value, str):
        parsed = _go_parse_float(value)
        if parsed is None:
            return 0.0, value
        return parsed, None
    if isinstance(value, (list, tuple, Mapping)):
        return float(len(value)), None
    if isinstance(value, _GoTime):
        return float(value.unix()), None
    if value is None or value is _MISSING:
        return 0.0, None
    raise _Unsupported(f"comparing a {_go_type_name(value)}")


def _compare_get(a: Any, b: Any) -> tuple[float, float]:
    if isinstance(a, str) and isinstance(b, str):
        return (0.0, 1.0) if a < b else ((1.0, 0.0) if a > b else (0.0, 0.0))
    left, left_str = _compare_operand(a)
    right, right_str = _compare_operand(b)
    if left_str is not None and right_str is not None:
        if left_str < right_str:
            return 0.0, 1.0
        if left_str > right_str:
            return 1.0, 0.0
        return 0.0, 0.0
    return left, right


def _ordering(op: Callable[[float, float], bool]) -> Callable[..., bool]:
    def compare(first: Any, *others: Any) -> bool:
        if not others:
            raise _Fail("missing arguments for comparison")
        return all(op(*_compare_get(first, other)) for other in others)

    return compare


def _default(dflt: Any, *given: Any) -> Any:
    if not given:
        return dflt
    if len(given) != 1:
        raise _Fail(f"wrong number of args for default: want 2 got {len(given) + 1}")
    value = given[0]
    if value is None or value is _MISSING:
        return dflt
    if isinstance(value, bool):
        is_set = True
    elif isinstance(value, (str, list, tuple, Mapping)):
        is_set = len(value) != 0
    elif isinstance(value, (int, float)):
        is_set = value != 0
    else:
        is_set = True
    return value if is_set else dflt


def _len(value: Any) -> int:
    if value is None or value is _MISSING:
        raise _Fail("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, (list, tuple, Mapping)):
        return len(value)
    raise _Fail(f"len of type {_go_type_name(value)}")


def _index(item: Any, *keys: Any) -> Any:
    if item is None or item is _MISSING:
        return None
    if len(keys) == 1 and isinstance(keys[0], (list, tuple)):
        keys = tuple(keys[0])
    value = item
    for key in keys:
        if value is None or value is _MISSING:
            return None
        if isinstance(value, (list, tuple, str)):
            if isinstance(key, bool) or not isinstance(key, int):
                if key is None or key is _MISSING:
                    raise _Fail("cannot index slice/array with nil")
                raise _Fail(f"cannot index slice/array with type {_go_type_name(key)}")
            seq = value.encode() if isinstance(value, str) else value
            if key < 0 or key >= len(seq):
                return None
            value = seq[key]
        elif isinstance(value, _Params):
            value = value.get(_cast_string(key).lower())
        elif isinstance(value, Mapping):
            if not isinstance(key, str):
                raise _Fail(f"value has type {_go_type_name(key)}; should be string")
            value = value.get(key)
        else:
            raise _Fail(f"can't index item of type {_go_type_name(value)}")
    return value


def _in(collection: Any, item: Any) -> bool:
    if collection is None or collection is _MISSING:
        return False
    if isinstance(collection, str):
        return _cast_string(item) in collection
    if isinstance(collection, (list, tuple)):
        return any(_eq(element, item) for element in collection)
    raise _Unsupported(f"in over a {_go_type_name(collection)}")


def _delimit(collection: Any, sep: Any, *last: Any) -> str:
    if not isinstance(collection, (list, tuple)):
        raise _Unsupported(f"delimit over a {_go_type_name(collection)}")
    words = [_cast_string(x) for x in collection]
    separator = _cast_string(sep)
    if last and len(words) > 1:
        return separator.join(words[:-1]) + _cast_string(last[0]) + words[-1]
    return separator.join(words)


def _arithmetic(op: str) -> Callable[..., Any]:
    """Hugo's add/sub/mul/div: integers stay integers, a float makes a float, add joins strings."""

    def number(value: Any) -> int | float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return value

    def apply(left: Any, right: Any) -> Any:
        if op == "+" and isinstance(left, str) and isinstance(right, str):
            return left + right
        a, b = number(left), number(right)
        if a is None or b is None:
            raise _Fail("can't apply the operator to the values")
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            raise _Fail("can't divide the value by 0")
        if isinstance(a, int) and isinstance(b, int):
            quotient = abs(a) // abs(b)
            return quotient if (a < 0) == (b < 0) else -quotient
        return a / b

    def reduce(first: Any, second: Any, *rest: Any) -> Any:
        result = apply(first, second)
        for value in rest:
            result = apply(result, value)
        return result

    return reduce


def _mod(a: Any, b: Any) -> int:
    left, right = _cast_int(a), _cast_int(b)
    if right == 0:
        raise _Fail("the number can't be divided by zero at modulo operation")
    remainder = abs(left) % abs(right)
    return -remainder if left < 0 else remainder


def _as_time(value: Any, language: str) -> _GoTime:
    if isinstance(value, _GoTime):
        return value
    if isinstance(value, str):
        parsed = _parse_rfc3339(value)
        if parsed is not None:
            moment, nanos = parsed
            return _GoTime(moment, _zone_name(moment), nanos)
        raise _Unsupported(f"converting {value!r} to a time (only RFC 3339 with an offset is supported)")
    raise _Unsupported(f"converting a {_go_type_name(value)} to a time")


# Hugo's localized layouts, as its English locale renders them.
_EN_LAYOUTS = {
    ":date_full": "Monday, January 2, 2006",
    ":date_long": "January 2, 2006",
    ":date_medium": "Jan 2, 2006",
    ":date_short": "1/2/06",
    # CLDR puts a narrow no-break space before the day period.
    ":time_full": "3:04:05\u202fpm MST",
    ":time_long": "3:04:05\u202fpm MST",
    ":time_medium": "3:04:05\u202fpm",
    ":time_short": "3:04\u202fpm",
}


def _date_format(layout: Any, value: Any, language: str) -> str:
    layout_text = _cast_string(layout)
    if layout_text.startswith(":"):
        if layout_text not in _EN_LAYOUTS or language.lower() not in ("en", ""):
            raise _Unsupported(f"time.Format layout {layout_text} for language {language!r}")
        layout_text = _EN_LAYOUTS[layout_text]
    if language.lower() not in ("en", "") and re.search(r"Jan|Mon", layout_text):
        # Hugo localizes month and day names for the site language.
        raise _Unsupported(f"time.Format with month/day names for language {language!r}")
    return _as_time(value, language).format(layout_text)


# --------------------------------------------------------------------------------------------
# The data `hugo new content` hands the archetype
# --------------------------------------------------------------------------------------------


class _LanguageObject(_GoObject):
    go_type = "*langs.Language"

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def member(self, name: str) -> _Member | None:
        if name == "Lang":
            return _method(lambda: self.lang)
        return None

    def string(self) -> str:
        return self.lang


class _SiteObject(_GoObject):
    go_type = "page.Site"
    absent = frozenset(
        "Author Authors Social DisqusShortname GoogleAnalytics IsServer LastChange "
        "IsMultiLingual Lang Permalinks".split()
    )

    def __init__(self, site: SiteInfo) -> None:
        self.site = site
        self.params = _to_params(site.params)
        self.data = _to_plain(site.data)

    def member(self, name: str) -> _Member | None:
        values = {
            "Title": lambda: self.site.title,
            "BaseURL": lambda: self.site.base_url,
            "Params": lambda: self.params,
            "Data": lambda: self.data,
            "Language": lambda: _LanguageObject(self.site.language),
        }
        getter = values.get(name)
        return _method(getter) if getter else None


class _FileObject(_GoObject):
    go_type = "*source.File"
    absent = frozenset({"Classifier"})

    def __init__(self, context: PageContext) -> None:
        path = context.path or (
            f"{context.section}/{context.content_base_name}.md"
            if context.section
            else f"{context.content_base_name}.md"
        )
        self.path = path.replace("\\", "/").lstrip("/")
        directory, _, logical = self.path.rpartition("/")
        self.dir = directory + "/" if directory else "/"
        self.logical_name = logical
        base, dot, ext = logical.rpartition(".")
        if not dot:
            base, ext = logical, ""
        self.base = base
        self.ext = ext
        lang_suffix = "." + context.site.language
        self.translation_base = base[: -len(lang_suffix)] if base.endswith(lang_suffix) else base
        self.content_base = context.content_base_name
        self.section = context.section

    def member(self, name: str) -> _Member | None:
        values = {
            "Path": self.path,
            "Dir": self.dir,
            "LogicalName": self.logical_name,
            "BaseFileName": self.base,
            "TranslationBaseName": self.translation_base,
            "ContentBaseName": self.content_base,
            "Ext": self.ext,
            "Section": self.section,
            "Lang": "",
            "UniqueID": hashlib.md5(self.path.encode()).hexdigest(),
            "IsZero": False,
            "IsContentAdapter": False,
            "String": self.base,
        }
        if name in values:
            value = values[name]
            return _method(lambda: value)
        return None

    def string(self) -> str:
        return self.base


class _PageObject(_GoObject):
    go_type = "page.Page"

    def __init__(self, context: PageContext, file: _FileObject) -> None:
        self.context = context
        self.file = file

    def member(self, name: str) -> _Member | None:
        section = self.context.section
        values = {
            "Kind": self.context.kind,
            "Section": section,
            "Type": section or "page",
            "File": self.file,
            # `hugo new content` builds the page from a placeholder file titled so.
            "Title": "Content Placeholder",
        }
        if name in values:
            value = values[name]
            return _method(lambda: value)
        return None


class _ArchetypeData(_GoObject):
    """Hugo's archetypeFileData: Type, Date, Page, the embedded source.File, Site(), Name()."""

    go_type = "*hugolib.archetypeFileData"
    absent = frozenset(
        "Classifier Kind Title Params Content Draft Permalink RelPermalink Description Summary "
        "Weight Lastmod PublishDate ExpiryDate Slug Aliases Keywords Layout LinkTitle IsPage "
        "IsSection IsHome Parent Resources Language Sites Hugo GitInfo WordCount ReadingTime "
        "Author Authors Data".split()
    )

    def __init__(self, context: PageContext) -> None:
        self.context = context
        self.file = _FileObject(context)
        self.site = _SiteObject(context.site)
        self.page = _PageObject(context, self.file)

    def member(self, name: str) -> _Member | None:
        context = self.context
        if name == "Type":
            return _field_member(context.content_type or context.section or "page")
        if name == "Date":
            return _field_member(context.date)
        if name == "Page":
            return _field_member(self.page)
        if name == "File":
            return _field_member(self.file)
        if name == "Site":
            return _method(lambda: self.site)
        if name == "Name":
            return _method(lambda: context.content_base_name)
        return self.file.member(name)

    def string(self) -> str:
        # The embedded source.File's String method is promoted to the archetype data.
        return self.file.string()


class _Namespace(_GoObject):
    """A Hugo template namespace such as `strings` (its methods are the namespaced functions)."""

    def __init__(self, name: str, members: Mapping[str, _Member]) -> None:
        self.name = name
        self.go_type = f"*{name}.Namespace"
        self.members = members

    def member(self, name: str) -> _Member | None:
        return self.members.get(name)


# --------------------------------------------------------------------------------------------
# Evaluator (port of text/template/exec.go)
# --------------------------------------------------------------------------------------------


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def _any_fn(fn: Callable[..., Any], count: int, variadic: bool = False) -> _Member:
    return _Member(fn, ("any",) * count, "any" if variadic else None)


class _Evaluator:
    def __init__(self, context: PageContext) -> None:
        self.context = context
        self.root = _ArchetypeData(context)
        self.pos = 0
        self.vars: list[list[Any]] = [["$", self.root]]
        self.out: list[str] = []
        now = context.now
        if now is None:
            parsed = _parse_rfc3339(context.date)
            now_time = (
                _GoTime(parsed[0], _zone_name(parsed[0]), parsed[1], monotonic=True)
                if parsed
                else _time_from_datetime(datetime.now().astimezone(), monotonic=True)
            )
        else:
            now_time = _time_from_datetime(now, monotonic=True)
        self.now = now_time
        self.functions = self._functions()

    # function table ---------------------------------------------------------------------------
    def _functions(self) -> dict[str, _Member]:
        site = self.context.site
        lang = site.language
        title_style = site.title_case_style

        def s(fn: Callable[[str], Any]) -> Callable[[Any], Any]:
            return lambda value: fn(_cast_string(value))

        title = _any_fn(s(lambda v: _title(v, title_style)), 1)
        lower = _any_fn(s(_go_lower), 1)
        upper = _any_fn(s(_go_upper), 1)
        urlize = _any_fn(s(_urlize), 1)
        anchorize = _any_fn(s(_anchorize), 1)
        humanize = _any_fn(_humanize, 1)
        replace = _Member(_replace, ("any", "any", "any"), "any")
        substr = _Member(_substr, ("any",), "any")
        slicestr = _Member(_slicestr, ("any",), "any")
        trim = _any_fn(lambda v, cut: _cast_string(v).strip(_cast_string(cut)), 2)
        printf = _Member(lambda f, *a: _sprintf(f, a), ("string",), "any")
        print_ = _Member(lambda *a: _sprint(a), (), "any")
        println = _Member(lambda *a: _sprintln(a), (), "any")
        default = _Member(_default, ("any",), "any")
        eq = _Member(_eq, ("any",), "any")
        ne = _Member(_ne, ("any",), "any")
        lt = _Member(_ordering(lambda a, b: a < b), ("any",), "any")
        le = _Member(_ordering(lambda a, b: a <= b), ("any",), "any")
        gt = _Member(_ordering(lambda a, b: a > b), ("any",), "any")
        ge = _Member(_ordering(lambda a, b: a >= b), ("any",), "any")
        index = _Member(_index, ("any",), "any")
        length = _any_fn(_len, 1)
        split = _any_fn(_split, 2)
        now = _Member(lambda: self.now)
        as_time = _any_fn(lambda v: _as_time(v, lang), 1)
        date_format = _any_fn(lambda layout, v: _date_format(layout, v, lang), 2)
        delimit = _Member(_delimit, ("any", "any"), "any")

        strings_ns = _Namespace(
            "strings",
            {
                "Contains": _any_fn(lambda a, b: _cast_string(b) in _cast_string(a), 2),
                "ContainsAny": _any_fn(lambda a, b: any(c in _cast_string(a) for c in _cast_string(b)), 2),
                "HasPrefix": _any_fn(lambda a, b: _cast_string(a).startswith(_cast_string(b)), 2),
                "HasSuffix": _any_fn(lambda a, b: _cast_string(a).endswith(_cast_string(b)), 2),
                "TrimPrefix": _any_fn(
                    lambda p, v: (
                        _cast_string(v)[len(_cast_string(p)) :]
                        if _cast_string(v).startswith(_cast_string(p))
                        else _cast_string(v)
                    ),
                    2,
                ),
                "TrimSuffix": _any_fn(
                    lambda suf, v: (
                        _cast_string(v)[: len(_cast_string(v)) - len(_cast_string(suf))]
                        if _cast_string(suf) and _cast_string(v).endswith(_cast_string(suf))
                        else _cast_string(v)
                    ),
                    2,
                ),
                "TrimLeft": _any_fn(lambda cut, v: _trim_left_set(_cast_string(v), _cast_string(cut)), 2),
                "TrimRight": _any_fn(lambda cut, v: _trim_right_set(_cast_string(v), _cast_string(cut)), 2),
                "TrimSpace": _any_fn(lambda v: _go_trim_space(_cast_string(v)), 1),
                "Trim": trim,
                "Chomp": _any_fn(lambda v: _cast_string(v).rstrip("\r\n"), 1),
                "Replace": replace,
                "Title": title,
                "ToLower": lower,
                "ToUpper": upper,
                "FirstUpper": _any_fn(s(lambda v: _title(v, "firstupper")), 1),
                "Substr": substr,
                "SliceString": slicestr,
                "Split": split,
                "Repeat": _any_fn(lambda count, v: _cast_string(v) * max(_cast_int(count), 0), 2),
            },
        )
        functions: dict[str, _Member] = {
            "and": _Member(lambda *a: a, ("any",), "any"),
            "or": _Member(lambda *a: a, ("any",), "any"),
            "not": _any_fn(lambda v: not _truth(v), 1),
            "eq": eq,
            "ne": ne,
            "lt": lt,
            "le": le,
            "gt": gt,
            "ge": ge,
            "default": default,
            "len": length,
            "index": index,
            "print": print_,
            "printf": printf,
            "println": println,
            "now": now,
            "replace": replace,
            "title": title,
            "humanize": humanize,
            "lower": lower,
            "upper": upper,
            "urlize": urlize,
            "anchorize": anchorize,
            "substr": substr,
            "slicestr": slicestr,
            "trim": trim,
            "split": split,
            "in": _any_fn(_in, 2),
            "delimit": delimit,
            "slice": _Member(_make_slice, (), "any"),
            "add": _Member(_arithmetic("+"), ("any", "any"), "any"),
            "sub": _Member(_arithmetic("-"), ("any", "any"), "any"),
            "mul": _Member(_arithmetic("*"), ("any", "any"), "any"),
            "div": _Member(_arithmetic("/"), ("any", "any"), "any"),
            "mod": _any_fn(_mod, 2),
            "dateFormat": date_format,
            "site": _Member(lambda: self.root.site),
            "strings": _Member(lambda: strings_ns),
            "urls": _Member(lambda: _Namespace("urls", {"URLize": urlize, "Anchorize": anchorize})),
            "inflect": _Member(lambda: _Namespace("inflect", {"Humanize": humanize})),
            "fmt": _Member(
                lambda: _Namespace("fmt", {"Printf": printf, "Print": print_, "Println": println})
            ),
            "compare": _Member(
                lambda: _Namespace(
                    "compare",
                    {"Eq": eq, "Ne": ne, "Lt": lt, "Le": le, "Gt": gt, "Ge": ge, "Default": default},
                )
            ),
            "collections": _Member(
                lambda: _Namespace(
                    "collections",
                    {"Index": index, "In": _any_fn(_in, 2), "Delimit": delimit},
                )
            ),
            # Hugo's `time` is both a namespace (no arguments) and time.AsTime (one argument).
            "time": _Member(
                lambda *a: (
                    _Namespace("time", {"Now": now, "Format": date_format, "AsTime": as_time})
                    if not a
                    else _as_time(a[0], lang)
                ),
                (),
                "any",
            ),
            "hugo": _Member(lambda: _Namespace("hugo", {"Data": _Member(lambda: self.root.site.data)})),
        }
        return functions

    # helpers ----------------------------------------------------------------------------------
    def at(self, node: Any) -> None:
        self.pos = node.pos

    def var_value(self, name: str) -> Any:
        for entry in reversed(self.vars):
            if entry[0] == name:
                return entry[1]
        raise _Fail(f"undefined variable: {name}")

    def set_var(self, name: str, value: Any) -> None:
        for entry in reversed(self.vars):
            if entry[0] == name:
                entry[1] = value
                return
        raise _Fail(f"undefined variable: {name}")

    # walking ----------------------------------------------------------------------------------
    def walk(self, dot: Any, node: Any) -> None:
        self.at(node)
        if isinstance(node, _Text):
            self.out.append(node.text)
        elif isinstance(node, _Action):
            value = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(value)
        elif isinstance(node, _ListNode):
            for child in node.nodes:
                self.walk(dot, child)
        elif isinstance(node, _Control):
            if node.kind == "range":
                self.walk_range(dot, node)
            else:
                self.walk_if_or_with(dot, node)
        elif isinstance(node, _BreakNode):
            raise _Break()
        elif isinstance(node, _ContinueNode):
            raise _Continue()

    def walk_if_or_with(self, dot: Any, node: _Control) -> None:
        mark = len(self.vars)
        try:
            value = self.eval_pipeline(dot, node.pipe)
            if _truth(value):
                self.walk(value if node.kind == "with" else dot, node.body)
            elif node.else_body is not None:
                self.walk(dot, node.else_body)
        finally:
            del self.vars[mark:]

    def walk_range(self, dot: Any, node: _Control) -> None:
        mark = len(self.vars)
        try:
            value = self.eval_pipeline(dot, node.pipe)
            body_mark = len(self.vars)
            decl = node.pipe.decl

            def one(index: Any, element: Any) -> None:
                if decl:
                    if node.pipe.is_assign:
                        self.set_var(decl[0], index if len(decl) > 1 else element)
                    else:
                        self.vars[-1][1] = element
                if len(decl) > 1:
                    if node.pipe.is_assign:
                        self.set_var(decl[1], element)
                    else:
                        self.vars[-2][1] = index
                try:
                    self.walk(element, node.body)
                except _Continue:
                    pass
                finally:
                    del self.vars[body_mark:]

            ran = False
            try:
                if isinstance(value, (list, tuple)):
                    for i, element in enumerate(value):
                        ran = True
                        one(i, element)
                elif isinstance(value, Mapping):
                    for key in sorted(value, key=str):
                        ran = True
                        one(key, value[key])
                elif isinstance(value, int) and not isinstance(value, (bool, _GoEnum)):
                    if len(decl) > 1:
                        raise _Fail(f"can't use {value} to iterate over more than one variable")
                    for i in range(value):
                        ran = True
                        one(i, i)
                elif value is None or value is _MISSING:
                    pass
                else:
                    raise _Fail(f"range can't iterate over {_format_value(value)}")
            except _Break:
                return
            if not ran and node.else_body is not None:
                self.walk(dot, node.else_body)
        finally:
            del self.vars[mark:]

    def print_value(self, value: Any) -> None:
        if value is _MISSING:
            self.out.append("<no value>")
            return
        self.out.append(_format_value(value))

    # pipelines --------------------------------------------------------------------------------
    def eval_pipeline(self, dot: Any, pipe: _Pipe) -> Any:
        self.at(pipe)
        value: Any = _NOARG
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
            if value is None:
                # An interface holding nil becomes an invalid value between commands.
                value = _MISSING
        for name in pipe.decl:
            if pipe.is_assign:
                self.set_var(name, value)
            else:
                self.vars.append([name, value])
        return value

    def eval_command(self, dot: Any, cmd: _Command, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, _FieldNode):
            self.at(first)
            return self.eval_field_chain(dot, dot, first, first.ident, cmd.args, final)
        if isinstance(first, _ChainNode):
            return self.eval_chain(dot, first, cmd.args, final)
        if isinstance(first, _IdentNode):
            return self.eval_function(dot, first, cmd.args, final)
        if isinstance(first, _Pipe):
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if isinstance(first, _VariableNode):
            return self.eval_variable(dot, first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if isinstance(first, _BoolNode):
            return first.value
        if isinstance(first, _DotNode):
            return dot
        if isinstance(first, _NilNode):
            raise _Fail("nil is not a command")
        if isinstance(first, _NumberNode):
            return self.ideal_constant(first)
        if isinstance(first, _StringNode):
            return first.value
        raise _Fail(f"can't evaluate command {_node_text(first)!r}")

    def not_a_function(self, args: list[Any], final: Any) -> None:
        if len(args) > 1 or final is not _NOARG:
            raise _Fail(f"can't give argument to non-function {_node_text(args[0])}")

    def ideal_constant(self, node: _NumberNode) -> Any:
        self.at(node)
        text = node.text
        is_hex_int = len(text) > 2 and text[0] == "0" and text[1] in "xX" and not any(c in text for c in "pP")
        if node.is_float and not is_hex_int and text[0] != "'" and any(c in text for c in ".eEpP"):
            return node.float_value
        if node.is_int:
            return node.int_value
        raise _Fail(f"{text} overflows int")

    def eval_chain(self, dot: Any, chain: _ChainNode, args: list[Any], final: Any) -> Any:
        self.at(chain)
        if isinstance(chain.node, _NilNode):
            raise _Fail(f"indirection through explicit nil in {_node_text(chain)}")
        receiver = self.eval_arg(dot, chain.node, "any")
        return self.eval_field_chain(dot, receiver, chain, chain.fields, args, final)

    def eval_variable(self, dot: Any, node: _VariableNode, args: list[Any], final: Any) -> Any:
        self.at(node)
        idents = node.ident
        value = self.var_value(idents[0])
        if len(idents) == 1:
            self.not_a_function(args, final)
            return value
        return self.eval_field_chain(dot, value, node, idents[1:], args, final)

    def eval_field_chain(
        self, dot: Any, receiver: Any, node: Any, ident: list[str], args: list[Any], final: Any
    ) -> Any:
        for name in ident[:-1]:
            receiver = self.eval_field(dot, name, node, [], _NOARG, receiver)
        return self.eval_field(dot, ident[-1], node, args, final, receiver)

    def eval_field(self, dot: Any, name: str, node: Any, args: list[Any], final: Any, receiver: Any) -> Any:
        if receiver is _MISSING:
            return _MISSING
        has_args = len(args) > 1 or final is not _NOARG
        if receiver is None:
            raise _Fail(f"nil pointer evaluating interface {{}}.{name}")
        if isinstance(receiver, _GoObject):
            member = receiver.member(name)
            if member is None:
                if name in receiver.absent or not name[:1].isupper():
                    raise _Fail(f"can't evaluate field {name} in type {receiver.go_type}")
                raise _Unsupported(f"{_node_text(node)} (.{name} on {receiver.go_type})")
            if member.is_field:
                if has_args:
                    raise _Fail(f"{name} has arguments but cannot be invoked as function")
                return member.fn()
            return self.call(dot, member, name, args, final)
        if isinstance(receiver, Mapping):
            if has_args:
                raise _Fail(f"{name} is not a method but has arguments")
            if isinstance(receiver, _Params):
                return receiver.lookup(name)
            return receiver.get(name, _MISSING)
        raise _Fail(f"can't evaluate field {name} in type {_go_type_name(receiver)}")

    def eval_function(self, dot: Any, node: _IdentNode, args: list[Any], final: Any) -> Any:
        self.at(node)
        member = self.functions.get(node.name)
        if member is None:  # pragma: no cover - the parser rejects unknown functions
            raise _Unsupported(node.name)
        return self.call(dot, member, node.name, args, final)

    def call(self, dot: Any, member: _Member, name: str, args: list[Any], final: Any) -> Any:
        arg_nodes = args[1:]
        count = len(arg_nodes) + (0 if final is _NOARG else 1)
        fixed = len(member.params)
        if member.variadic is not None:
            if count < fixed:
                raise _Fail(f"wrong number of args for {name}: want at least {fixed} got {len(arg_nodes)}")
        elif count != fixed:
            raise _Fail(f"wrong number of args for {name}: want {fixed} got {count}")

        def kind_at(i: int) -> str:
            return member.params[i] if i < fixed else (member.variadic or "any")

        if name in ("and", "or") and member.params == ("any",) and member.variadic == "any":
            value: Any = _MISSING
            for node in arg_nodes:
                value = self.eval_arg(dot, node, "raw")
                if _truth(value) == (name == "or"):
                    return value
            if final is not _NOARG:
                value = final
            return value
        values = [self.eval_arg(dot, node, kind_at(i)) for i, node in enumerate(arg_nodes)]
        if final is not _NOARG:
            values.append(self.validate(final, kind_at(len(values))))
        if args:
            self.at(args[0])
        try:
            return member.fn(*values)
        except _Fail as failure:
            if failure.message.startswith(("wrong number of args", "missing arguments")):
                raise
            raise _Fail(f"error calling {name}: {failure.message}") from None

    def validate(self, value: Any, kind: str) -> Any:
        if kind == "raw":
            return value
        if value is _MISSING:
            if kind == "any":
                return None
            raise _Fail(f"invalid value; expected {kind}")
        if kind == "string" and not isinstance(value, str):
            raise _Fail(f"wrong type for value; expected string; got {_go_type_name(value)}")
        if kind == "int" and (not isinstance(value, int) or isinstance(value, bool)):
            raise _Fail(f"wrong type for value; expected int; got {_go_type_name(value)}")
        return value

    def eval_arg(self, dot: Any, node: Any, kind: str) -> Any:
        self.at(node)
        if isinstance(node, _DotNode):
            return self.validate(dot, kind)
        if isinstance(node, _NilNode):
            if kind in ("any", "raw"):
                return None
            raise _Fail(f"cannot assign nil to {kind}")
        if isinstance(node, _FieldNode):
            return self.validate(self.eval_field_chain(dot, dot, node, node.ident, [node], _NOARG), kind)
        if isinstance(node, _VariableNode):
            return self.validate(self.eval_variable(dot, node, [], _NOARG), kind)
        if isinstance(node, _Pipe):
            return self.validate(self.eval_pipeline(dot, node), kind)
        if isinstance(node, _IdentNode):
            return self.validate(self.eval_function(dot, node, [node], _NOARG), kind)
        if isinstance(node, _ChainNode):
            return self.validate(self.eval_chain(dot, node, [], _NOARG), kind)
        if kind == "string":
            if isinstance(node, _StringNode):
                return node.value
            raise _Fail(f"expected string; found {_node_text(node)}")
        if kind == "int":
            if isinstance(node, _NumberNode) and node.is_int:
                return node.int_value
            raise _Fail(f"expected integer; found {_node_text(node)}")
        if isinstance(node, _BoolNode):
            return node.value
        if isinstance(node, _NumberNode):
            return self.ideal_constant(node)
        if isinstance(node, _StringNode):
            return node.value
        raise _Fail(f"can't handle {_node_text(node)} for arg")


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------

# `hugo new content` hides shortcode delimiters from the template engine and restores them after.
_SHORTCODE_PRE = {"{{<": "{x{<", "{{%": "{x{%", ">}}": ">}x}", "%}}": "%}x}"}
_SHORTCODE_POST = {v: k for k, v in _SHORTCODE_PRE.items()}
_SHORTCODE_PRE_RE = re.compile("|".join(re.escape(k) for k in _SHORTCODE_PRE))
_SHORTCODE_POST_RE = re.compile("|".join(re.escape(k) for k in _SHORTCODE_POST))


def render(template: str, context: PageContext, path: str = "archetype") -> str:
    """Render an archetype's Go-template expressions the way `hugo new content` does."""
    source = _SHORTCODE_PRE_RE.sub(lambda m: _SHORTCODE_PRE[m.group(0)], template)
    newlines = [i for i, c in enumerate(source) if c == "\n"]

    def line_of(pos: int | None) -> int | None:
        if pos is None:
            return None
        return bisect.bisect_left(newlines, pos) + 1

    evaluator = _Evaluator(context)
    try:
        tree = _Parser(_lex(source), evaluator.functions).parse()
    except _Fail as failure:
        problem = f"template does not parse: {failure.message}"
        raise ArchetypeError(path, problem, line_of(failure.pos)) from None
    except _Unsupported as unsupported:
        raise UnsupportedTemplate(path, unsupported.construct, line_of(unsupported.pos)) from None
    try:
        evaluator.walk(evaluator.root, tree)
    except _Fail as failure:
        pos = failure.pos if failure.pos is not None else evaluator.pos
        raise ArchetypeError(path, f"template fails: {failure.message}", line_of(pos)) from None
    except _Unsupported as unsupported:
        pos = unsupported.pos if unsupported.pos is not None else evaluator.pos
        raise UnsupportedTemplate(path, unsupported.construct, line_of(pos)) from None
    except (_Break, _Continue):  # pragma: no cover - the parser confines these to range
        raise ArchetypeError(path, "{{break}} or {{continue}} outside {{range}}") from None
    result = "".join(evaluator.out)
    return _SHORTCODE_POST_RE.sub(lambda m: _SHORTCODE_POST[m.group(0)], result)


def hugo_date(moment: datetime) -> str:
    """Format a moment as Hugo's `.Date` (Go's time.RFC3339: whole seconds, "Z" for UTC)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return _time_from_datetime(moment).format("2006-01-02T15:04:05Z07:00")


CONFIG_NAMES = (
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
)


def find_site(start: Path) -> Path | None:
    """Walk up from start to the nearest directory holding a Hugo site config file."""
    current = Path(start).resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        if any((directory / name).is_file() for name in CONFIG_NAMES):
            return directory
    return None


def default_archetype() -> Path:
    """The archetype drafter ships with (drafter/archetypes/model.md)."""
    return Path(__file__).resolve().parent / "archetypes" / "model.md"


@dataclass(frozen=True)
class Located:
    """An archetype found for a new post: the template file, and whether it is a page-bundle folder."""

    path: Path  # the template: <name>.md, or <name>/index.md of a bundle archetype
    name: str = ""  # the archetype name it matched (kind, section or "default"); "" for explicit/built-in
    bundle: Path | None = None  # the archetype folder whose other files are copied beside index.md
    origin: str = "site"  # "site", "theme", "explicit" or "builtin"

    @property
    def resources(self) -> list[Path]:
        """The bundle's files other than index.md, as Hugo copies them (paths inside the folder)."""
        if self.bundle is None:
            return []
        return sorted(p.relative_to(self.bundle) for p in self.bundle.rglob("*")
                      if p.is_file() and p != self.path)


def site_themes(site: Path) -> list[Path]:
    """The theme folders of a site's config (`theme` as a string or list, under `themesDir`), existing ones."""
    config = site_config(site)
    themes = config.get("theme") or []
    if isinstance(themes, str):
        themes = [part.strip() for part in themes.split(",") if part.strip()]
    themes_dir = Path(site) / str(config.get("themesdir") or "themes")
    return [themes_dir / str(name) for name in themes if (themes_dir / str(name)).is_dir()]


def _archetype_at(folder: Path, name: str) -> tuple[Path, Path | None] | None:
    """`<folder>/<name>.md`, else the bundle archetype `<folder>/<name>/index.md`."""
    single = folder / f"{name}.md"
    if single.is_file():
        return single, None
    bundle = folder / name
    if (bundle / "index.md").is_file():
        return bundle / "index.md", bundle
    return None


def find_archetype(site: Path | None, kind: str = "model", explicit: Path | None = None, *,
                   section: str = "posts", themes: bool = True) -> Located:
    """Find the archetype as `hugo new content` does, and say where it came from.

    Names are tried in the order kind, section, "default"; each in the site's archetypes/ first, then
    in each theme's (Hugo overlays the theme's archetypes folder under the site's, name by name). A
    name matches `<name>.md` or a bundle folder `<name>/index.md`. Outside a site, or with no match,
    drafter's own model-explainer archetype.
    """
    if explicit is not None:
        explicit = Path(explicit)
        if explicit.is_dir():
            if (explicit / "index.md").is_file():
                return Located(explicit / "index.md", explicit.name, explicit, "explicit")
            raise ArchetypeError(str(explicit), "is a directory without an index.md; pass an archetype .md file "
                                               "or a bundle archetype folder holding index.md")
        if not explicit.is_file():
            raise ArchetypeError(str(explicit), "does not exist; pass the path of an archetype .md file")
        return Located(explicit, explicit.stem, None, "explicit")
    if site is not None:
        folders = [(Path(site) / "archetypes", "site")]
        if themes:
            folders += [(theme / "archetypes", "theme") for theme in site_themes(Path(site))]
        names = list(dict.fromkeys(n for n in (kind, section, "default") if n))
        for name in names:
            for folder, origin in folders:
                found = _archetype_at(folder, name)
                if found is not None:
                    return Located(found[0], name, found[1], origin)
    return Located(default_archetype(), "", None, "builtin")


def locate_archetype(site: Path | None, kind: str = "model", explicit: Path | None = None, *,
                     section: str = "posts", themes: bool = True) -> Path:
    """Pick the archetype file (see find_archetype): explicit, else the site's or its theme's, else drafter's own."""
    return find_archetype(site, kind, explicit, section=section, themes=themes).path


_YAML_11 = ("bool", "int", "float")


class _StringTimestampLoader:
    """Builds a PyYAML loader that keeps timestamps as text, as Hugo's YAML decoding does."""

    _loader: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls._loader is None:
            import yaml

            class Loader(yaml.SafeLoader):
                pass

            # Hugo's YAML follows the 1.2 core schema: `yes`, `on`, `010` and `1:20` stay as
            # written (PyYAML's 1.1 rules would turn them into booleans and sexagesimals).
            Loader.yaml_implicit_resolvers = {
                first: [(tag, rx) for tag, rx in resolvers if tag.rsplit(":", 1)[-1] not in _YAML_11]
                for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
            }
            Loader.add_implicit_resolver(
                "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
            )
            Loader.add_implicit_resolver(
                "tag:yaml.org,2002:int",
                re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
                list("-+0123456789"),
            )
            Loader.add_implicit_resolver(
                "tag:yaml.org,2002:float",
                re.compile(
                    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
                ),
                list("-+0123456789."),
            )

            def construct_int(loader: Any, node: Any) -> int:
                text = loader.construct_scalar(node)
                if text.startswith(("0o", "0x")):
                    return int(text, 0)
                return int(text, 10)

            Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
            Loader.add_constructor(
                "tag:yaml.org,2002:timestamp",
                lambda loader, node: loader.construct_scalar(node),
            )
            cls._loader = Loader
        return cls._loader


def _read_structured(path: Path) -> Any:
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8-sig")
    if suffix == ".json":
        # Go decodes every JSON number as float64, which changes how large numbers print.
        return json.loads(text, parse_int=float)
    if suffix in (".yaml", ".yml"):
        import yaml

        return yaml.load(text, Loader=_StringTimestampLoader.get())  # noqa: S506 - SafeLoader subclass
    if suffix == ".toml":
        if _toml is None:  # pragma: no cover
            return None
        return _toml.loads(text)
    return None


def _data_tree(directory: Path) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    if not directory.is_dir():
        return tree
    for entry in sorted(directory.iterdir()):
        if entry.is_dir():
            sub = _data_tree(entry)
            if sub:
                existing = tree.get(entry.name)
                tree[entry.name] = {**existing, **sub} if isinstance(existing, dict) else sub
        elif entry.suffix.lower() in (".json", ".yaml", ".yml", ".toml"):
            try:
                value = _read_structured(entry)
            except Exception:  # noqa: BLE001 - one unreadable data file must not hide the others
                continue
            if value is None:
                continue
            existing = tree.get(entry.stem)
            if isinstance(existing, dict) and isinstance(value, dict):
                value = {**value, **existing}
            tree[entry.stem] = value
    return tree


def load_site_info(site: Path) -> SiteInfo:
    """Read title, baseURL, params and data/ of a Hugo site, best effort."""
    lowered = site_config(site)
    params = lowered.get("params")
    data_dir = lowered.get("datadir") or "data"
    title_style = lowered.get("titlecasestyle") or "ap"
    language = lowered.get("defaultcontentlanguage") or "en"
    return SiteInfo(
        title=str(lowered.get("title") or ""),
        base_url=str(lowered.get("baseurl") or ""),
        params=_to_params(params) if isinstance(params, Mapping) else {},
        data=_data_tree(Path(site) / str(data_dir)),
        language=str(language).lower(),
        title_case_style=str(title_style),
    )


def site_config(site: Path) -> dict[str, Any]:
    """A Hugo site's configuration (root config file, then config/_default/), top-level keys lower-cased."""
    site = Path(site)
    config: dict[str, Any] = {}
    for name in CONFIG_NAMES:
        candidate = site / name
        if candidate.is_file():
            try:
                loaded = _read_structured(candidate)
            except Exception:  # noqa: BLE001 - a broken config still leaves the defaults usable
                loaded = None
            if isinstance(loaded, dict):
                config = loaded
            break
    default_dir = site / "config" / "_default"
    if default_dir.is_dir():
        for entry in sorted(default_dir.iterdir()):
            try:
                loaded = _read_structured(entry) if entry.is_file() else None
            except Exception:  # noqa: BLE001
                loaded = None
            if not isinstance(loaded, dict):
                continue
            stem = entry.stem.lower()
            if stem in ("hugo", "config"):
                config = {**loaded, **config}
            else:
                config.setdefault(stem, loaded)
    return {str(k).lower(): v for k, v in config.items()}
