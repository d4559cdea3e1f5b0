"""Go's fmt for templates: %v and the printf verbs and flags, Sprint, Sprintln."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .strconv import format_float_g, go_quote
from .values import GoEnum, GoObject, MISSING, Unsupported, go_type_name


def format_value(value: Any) -> str:
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
    if value is None or value is MISSING:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({go_type_name(value)}={format_value(value)})"


def _fmt_int(value: int, verb: str, spec: _Spec) -> str:
    if verb == "c":
        return _pad(chr(value), spec)
    if verb == "q":
        return _pad(go_quote(chr(value), "'"), spec)
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
        text = format_float_g(value)
        if verb == "G":
            text = text.upper()
    elif verb in ("g", "G"):
        text = format(value, f".{max(spec.precision or 0, 1)}{verb}")
    elif verb in ("f", "F"):
        text = format(value, f".{6 if spec.precision is None else spec.precision}f")
    elif verb in ("e", "E"):
        text = format(value, f".{6 if spec.precision is None else spec.precision}{verb}")
    else:
        raise Unsupported(f"printf verb %{verb} for a float")
    if spec.sharp:
        raise Unsupported("printf flag # for a float")
    if spec.plus and not text.startswith("-"):
        text = "+" + text
    elif spec.space and not text.startswith("-"):
        text = " " + text
    return _pad(text, spec, numeric=True)


def _fmt_string(value: str, verb: str, spec: _Spec) -> str:
    if verb in ("s", "v"):
        text = value if spec.precision is None else value[: spec.precision]
        if spec.zero and not spec.minus:
            raise Unsupported("printf flag 0 for a string")
        return _pad(text, spec)
    if verb == "q":
        if spec.sharp or spec.plus:
            raise Unsupported(f"printf flags for %{verb}")
        text = value if spec.precision is None else value[: spec.precision]
        return _pad(go_quote(text), spec)
    if verb in ("x", "X"):
        data = value.encode()
        if spec.precision is not None:
            data = data[: spec.precision]
        text = data.hex()
        if spec.space or spec.sharp:
            raise Unsupported(f"printf flags for %{verb} on a string")
        return _pad(text.upper() if verb == "X" else text, spec)
    return _bad_verb(value, verb)


def _fmt_verb(value: Any, verb: str, spec: _Spec, depth: int = 0) -> str:
    """Format one operand the way fmt does for the given verb."""
    if value is MISSING or value is None:
        if depth == 0 and verb not in ("v", "T"):
            return _bad_verb(None, verb)
        return _pad("<nil>", spec)
    if isinstance(value, GoEnum):
        if verb in ("v", "s", "q", "x", "X"):
            return _fmt_string(str(value), verb, spec)
        return _fmt_int(int(value), verb, spec)
    if isinstance(value, GoObject):
        if verb in ("v", "s", "q", "x", "X"):
            return _fmt_string(value.string(), verb, spec)
        raise Unsupported(f"printf %{verb} of {value.go_type}")
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
            raise Unsupported(f"printf %{verb} of a float")
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
    raise Unsupported(f"printing a {type(value).__name__} value")


_VERBS = set("vdsqtbcoOxXUeEfFgG")


def sprintf(fmt: str, args: Sequence[Any]) -> str:
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
            raise Unsupported("printf argument indexes or * widths")
        start = i
        while i < n and fmt[i].isdigit():
            i += 1
        if i > start:
            spec.width = int(fmt[start:i])
        if i < n and fmt[i] == ".":
            i += 1
            if i < n and fmt[i] in "*[":
                raise Unsupported("printf argument indexes or * precisions")
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
                raise Unsupported(f"printf verb %{verb}")
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
            "<nil>" if a is None or a is MISSING else f"{go_type_name(a)}={format_value(a)}"
            for a in args[argi:]
        )
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def sprint(args: Sequence[Any]) -> str:
    """fmt.Sprint: spaces only between operands when neither side is a string."""
    out: list[str] = []
    for index, arg in enumerate(args):
        if index > 0 and not isinstance(arg, str) and not isinstance(args[index - 1], str):
            out.append(" ")
        out.append(format_value(arg))
    return "".join(out)


def sprintln(args: Sequence[Any]) -> str:
    """fmt.Sprintln: operands separated by spaces, then a newline."""
    return " ".join(format_value(a) for a in args) + "\n"


