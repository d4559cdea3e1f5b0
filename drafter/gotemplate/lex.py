"""The lexer of Go's text/template (a port of text/template/parse/lex.go)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .gorunes import is_digit, is_letter
from .values import TemplateError, Unsupported


T_TEXT = "text"
T_EOF = "EOF"
T_LEFT_DELIM = "{{"
T_RIGHT_DELIM = "}}"
T_SPACE = "space"
T_FIELD = "field"
T_IDENT = "identifier"
T_VARIABLE = "variable"
T_STRING = "string"
T_RAW_STRING = "raw string"
T_NUMBER = "number"
T_CHAR_CONST = "character constant"
T_BOOL = "bool"
T_DOT = "."
T_ASSIGN = "="
T_DECLARE = ":="
T_PIPE = "|"
T_LPAREN = "("
T_RPAREN = ")"
T_CHAR = "char"
T_COMMENT = "comment"

KEYWORDS = {
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
class Item:
    """One token: its type, its text and its offset in the source."""

    typ: str
    val: str
    pos: int

    def describe(self) -> str:
        """The token as Go's parser names it in error messages."""
        if self.typ == T_EOF:
            return "EOF"
        if self.typ in KEYWORDS.values():
            return self.typ
        val = self.val if len(self.val) <= 10 else self.val[:10] + "..."
        return json.dumps(val, ensure_ascii=False)


def _is_alnum(c: str) -> bool:
    return c == "_" or is_letter(c) or is_digit(c)


def _fmt_rune(c: str) -> str:
    return f"U+{ord(c):04X} {c!r}"


def _quoted_end(src: str, pos: int, what: str) -> int:
    """The index of the quote closing the one at `pos`, honouring backslash escapes; Go forbids newlines inside."""
    quote, n, p = src[pos], len(src), pos + 1
    while True:
        if p >= n or src[p] == "\n":
            raise TemplateError(f"unterminated {what}", pos)
        if src[p] == "\\":
            if p + 1 >= n or src[p + 1] == "\n":
                raise TemplateError(f"unterminated {what}", pos)
            p += 2
            continue
        if src[p] == quote:
            return p
        p += 1


def lex(src: str) -> list[Item]:
    """Split a template into items exactly where Go's lexer would."""
    items: list[Item] = []
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
                items.append(Item(T_TEXT, src[pos:], pos))
            items.append(Item(T_EOF, "", n))
            return items
        trim_left = has_left_trim(x + 2)
        end = x
        if trim_left:
            end = pos + len(src[pos:x].rstrip(_TRIM_SPACES))
        if end > pos:
            items.append(Item(T_TEXT, src[pos:end], pos))
        start = x
        pos = x + 2 + (2 if trim_left else 0)
        if src.startswith("/*", pos):
            close = src.find("*/", pos + 2)
            if close < 0:
                raise TemplateError("unclosed comment", start)
            pos = close + 2
            delim, trim_right = at_right_delim(pos)
            if not delim:
                raise TemplateError("comment ends before closing delimiter", start)
            items.append(Item(T_COMMENT, src[start:pos], start))
            pos += (2 if trim_right else 0) + 2
            if trim_right:
                pos = n - len(src[pos:].lstrip(_TRIM_SPACES))
            continue
        items.append(Item(T_LEFT_DELIM, "{{", start))
        depth = 0
        while True:
            delim, trim_right = at_right_delim(pos)
            if delim:
                if depth:
                    raise TemplateError("unclosed left paren", pos)
                items.append(Item(T_RIGHT_DELIM, "}}", pos))
                pos += (2 if trim_right else 0) + 2
                if trim_right:
                    pos = n - len(src[pos:].lstrip(_TRIM_SPACES))
                break
            if pos >= n:
                raise TemplateError("unclosed action", start)
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
                items.append(Item(T_SPACE, src[sp:pos], sp))
            elif c == "=":
                items.append(Item(T_ASSIGN, "=", pos))
                pos += 1
            elif c == ":":
                if not src.startswith(":=", pos):
                    raise TemplateError("expected :=", pos)
                items.append(Item(T_DECLARE, ":=", pos))
                pos += 2
            elif c == "|":
                items.append(Item(T_PIPE, "|", pos))
                pos += 1
            elif c == '"':
                p = _quoted_end(src, pos, "quoted string")
                items.append(Item(T_STRING, src[pos : p + 1], pos))
                pos = p + 1
            elif c == "`":
                close = src.find("`", pos + 1)
                if close < 0:
                    raise TemplateError("unterminated raw quoted string", pos)
                items.append(Item(T_RAW_STRING, src[pos : close + 1], pos))
                pos = close + 1
            elif c == "'":
                p = _quoted_end(src, pos, "character constant")
                items.append(Item(T_CHAR_CONST, src[pos : p + 1], pos))
                pos = p + 1
            elif c in "$.":
                if c == "." and pos + 1 < n and "0" <= src[pos + 1] <= "9":
                    pos = _lex_number(src, pos, items)
                    continue
                if c == "." and pos + 1 >= n:
                    raise TemplateError('bad number syntax: "."', pos)
                p = pos + 1
                if at_terminator(p):
                    items.append(Item(T_VARIABLE if c == "$" else T_DOT, c, pos))
                    pos = p
                    continue
                while p < n and _is_alnum(src[p]):
                    p += 1
                if not at_terminator(p):
                    raise TemplateError(f"bad character {_fmt_rune(src[p])}", p)
                items.append(Item(T_VARIABLE if c == "$" else T_FIELD, src[pos:p], pos))
                pos = p
            elif c in "+-" or "0" <= c <= "9":
                pos = _lex_number(src, pos, items)
            elif _is_alnum(c):
                p = pos
                while p < n and _is_alnum(src[p]):
                    p += 1
                if not at_terminator(p):
                    raise TemplateError(f"bad character {_fmt_rune(src[p])}", p)
                word = src[pos:p]
                if word in KEYWORDS:
                    items.append(Item(KEYWORDS[word], word, pos))
                elif word in ("true", "false"):
                    items.append(Item(T_BOOL, word, pos))
                else:
                    items.append(Item(T_IDENT, word, pos))
                pos = p
            elif c == "(":
                depth += 1
                items.append(Item(T_LPAREN, "(", pos))
                pos += 1
            elif c == ")":
                depth -= 1
                if depth < 0:
                    raise TemplateError("unexpected right paren", pos)
                items.append(Item(T_RPAREN, ")", pos))
                pos += 1
            elif ord(c) < 0x80 and c.isprintable():
                items.append(Item(T_CHAR, c, pos))
                pos += 1
            else:
                raise TemplateError(f"unrecognized character in action: {_fmt_rune(c)}", pos)


def _lex_number(src: str, pos: int, items: list[Item]) -> int:
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
        raise TemplateError(f"bad number syntax: {json.dumps(src[pos : p + 1])}", pos)
    if imaginary or (p < n and src[p] in "+-"):
        raise Unsupported(f"complex number {src[pos : p + 1]}", pos)
    items.append(Item(T_NUMBER, src[pos:p], pos))
    return p


