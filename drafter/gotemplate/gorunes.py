"""Go's unicode character classes and case mapping, where Python's str predicates differ at the edges."""

from __future__ import annotations

import unicodedata


_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)


def cat(c: str) -> str:
    """The Unicode general category of a character."""
    return unicodedata.category(c)


def is_go_space(c: str) -> bool:
    """unicode.IsSpace."""
    return c in _GO_SPACE


def is_letter(c: str) -> bool:
    """unicode.IsLetter."""
    return cat(c)[0] == "L"


def is_digit(c: str) -> bool:
    """unicode.IsDigit."""
    return cat(c) == "Nd"


def is_upper(c: str) -> bool:
    """unicode.IsUpper."""
    return cat(c) == "Lu"


def is_mark(c: str) -> bool:
    """unicode.IsMark."""
    return cat(c)[0] == "M"


def is_punct(c: str) -> bool:
    """unicode.IsPunct."""
    return cat(c)[0] == "P"


def is_print(c: str) -> bool:
    """strconv.IsPrint."""
    return c == " " or cat(c)[0] in "LMNPS"


def go_upper_rune(c: str) -> str:
    # Go maps rune by rune with Unicode's simple case mapping; Python applies the full mapping
    # (ß -> SS), so keep the rune when Python would expand it.
    """unicode.ToUpper of one character (never more than one, unlike str.upper)."""
    u = c.upper()
    if len(u) == 1:
        return u
    t = c.title()
    return t if len(t) == 1 else c


def go_lower_rune(c: str) -> str:
    """unicode.ToLower of one character."""
    if c == "\u0130":
        return "i"
    low = c.lower()
    return low if len(low) == 1 else c


def go_title_rune(c: str) -> str:
    """unicode.ToTitle of one character."""
    t = c.title()
    return t if len(t) == 1 else c


def go_upper(s: str) -> str:
    """strings.ToUpper."""
    return "".join(go_upper_rune(c) for c in s)


def go_lower(s: str) -> str:
    """strings.ToLower."""
    return "".join(go_lower_rune(c) for c in s)


def go_trim_space(s: str) -> str:
    """strings.TrimSpace (Go's white space)."""
    start, end = 0, len(s)
    while start < end and s[start] in _GO_SPACE:
        start += 1
    while end > start and s[end - 1] in _GO_SPACE:
        end -= 1
    return s[start:end]


