"""Go's strconv as templates need it: Unquote, ParseInt/ParseFloat with base 0, Quote, FormatFloat."""

from __future__ import annotations

import math
import re

from .gorunes import is_print
from .values import TemplateError, Unsupported


_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}


def unquote(text: str, pos: int) -> str:
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
        value, i = unescape(body, i + 1, '"', pos)
        out += value
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise Unsupported(f"string literal {text} that is not valid UTF-8", pos) from None


def unescape(body: str, i: int, quote: str, pos: int) -> tuple[bytes, int]:
    """One backslash escape at body[i:] as bytes, and the index after it."""
    if i >= len(body):
        raise TemplateError("invalid syntax", pos)
    c = body[i]
    if c in _SIMPLE_ESCAPES:
        return bytes([_SIMPLE_ESCAPES[c]]), i + 1
    if c in "'\"":
        if c != quote:
            raise TemplateError("invalid syntax", pos)
        return c.encode(), i + 1
    if c in "xuU":
        size = {"x": 2, "u": 4, "U": 8}[c]
        digits = body[i + 1 : i + 1 + size]
        if len(digits) != size or not all(d in "0123456789abcdefABCDEF" for d in digits):
            raise TemplateError("invalid syntax", pos)
        value = int(digits, 16)
        if c == "x":
            return bytes([value]), i + 1 + size
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise TemplateError("invalid syntax", pos)
        return chr(value).encode(), i + 1 + size
    if c in "01234567":
        digits = body[i : i + 3]
        if len(digits) != 3 or not all(d in "01234567" for d in digits) or int(digits, 8) > 255:
            raise TemplateError("invalid syntax", pos)
        return bytes([int(digits, 8)]), i + 3
    raise TemplateError("invalid syntax", pos)


_INT_RE = re.compile(
    r"[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)\Z"
)
_FLOAT_RE = re.compile(
    r"[+-]?(?:(?:[0-9](?:_?[0-9])*)?\.?(?:[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?"
    r"|inf|infinity|nan)\Z",
    re.IGNORECASE,
)


def go_parse_int(text: str) -> int | None:
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


def go_parse_float(text: str) -> float | None:
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


def _float_digits(value: float) -> tuple[str, int]:
    """Shortest round-trip digits and decimal-point position (like strconv's decimal), read from repr."""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    written = whole + fraction
    digits = written.lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(written) - len(digits))
    digits = digits.rstrip("0")
    return (digits, point) if digits else ("0", 1)


def format_float_g(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 64): what %v and print show for a float64."""
    if not math.isfinite(value) or value == 0:
        return format_float_f(value)
    digits, point = _float_digits(value)
    exp = point - 1
    if -4 <= exp < 6:  # shortest formatting uses an exponent outside [1e-4, 1e6), like %g with precision 6
        return format_float_f(value)
    sign = "-" if value < 0 else ""
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def format_float_f(value: float) -> str:
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


def go_quote(text: str, quote: str = '"') -> str:
    """strconv.Quote / QuoteRune."""
    out = [quote]
    for ch in text:
        if ch == quote or ch == "\\":
            out.append("\\" + ch)
        elif is_print(ch):
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


