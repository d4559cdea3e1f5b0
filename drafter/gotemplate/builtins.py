"""The builtin functions of Go's text/template (funcs.go): and, or, not, len, index, print, printf, println, eq, ..."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .gofmt import sprint, sprintf, sprintln
from .gotime import GoTime
from .values import MISSING, TemplateError, go_type_name, truth


# Go's error texts (text/template/funcs.go).
_NO_COMPARISON = "missing argument for comparison"
_BAD_COMPARISON = "incompatible types for comparison"
_BAD_COMPARISON_TYPE = "invalid type for comparison"


def and_(first: Any, *rest: Any) -> Any:
    """The first false argument, else the last (the evaluator stops at the first false one)."""
    for value in (first, *rest):
        if not truth(value):
            return value
    return rest[-1] if rest else first


def or_(first: Any, *rest: Any) -> Any:
    """The first true argument, else the last (the evaluator stops at the first true one)."""
    for value in (first, *rest):
        if truth(value):
            return value
    return rest[-1] if rest else first


def not_(value: Any) -> bool:
    """The boolean negation of its argument's truth."""
    return not truth(value)


def length(value: Any) -> int:
    """len: the length of a string (in bytes), slice or map."""
    if value is None or value is MISSING:
        raise TemplateError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, (list, tuple, Mapping)):
        return len(value)
    raise TemplateError(f"len of type {go_type_name(value)}")


def index_step(value: Any, key: Any, *, strict: bool = True) -> Any:
    """value[key] for a slice, string (a byte) or map; out of range is an error if `strict`, else nil."""
    if isinstance(value, (list, tuple, str)):
        if key is None or key is MISSING:
            raise TemplateError("cannot index slice/array with nil")
        if isinstance(key, bool) or not isinstance(key, int):
            raise TemplateError(f"cannot index slice/array with type {go_type_name(key)}")
        sequence = value.encode() if isinstance(value, str) else value
        if 0 <= key < len(sequence):
            return sequence[key]
        if strict:
            raise TemplateError(f"index out of range: {key}")
        return None
    if isinstance(value, Mapping):
        if not isinstance(key, str):
            raise TemplateError(f"value has type {go_type_name(key)}; should be string")
        return value.get(key)  # a missing key gives the zero value, nil
    raise TemplateError(f"can't index item of type {go_type_name(value)}")


def index(item: Any, *keys: Any) -> Any:
    """index x 1 2: x[1][2]; an index out of range is an error, a missing map key gives the zero value (nil)."""
    if item is None or item is MISSING:
        raise TemplateError("index of untyped nil")
    value = item
    for key in keys:
        if value is None or value is MISSING:
            raise TemplateError("index of nil pointer")
        value = index_step(value, key)
    return value


def print_(*args: Any) -> str:
    """fmt.Sprint of the arguments."""
    return sprint(args)


def printf(format: str, *args: Any) -> str:
    """fmt.Sprintf."""
    return sprintf(format, args)


def println(*args: Any) -> str:
    """fmt.Sprintln of the arguments."""
    return sprintln(args)


def _basic_kind(value: Any) -> str:
    """Go's basicKind: the comparison class of a value, or "" for one eq compares only by identity."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return ""


def eq(first: Any, *others: Any) -> bool:
    """first == any of others; values of different kinds are an error unless one of them is nil."""
    if not others:
        raise TemplateError(_NO_COMPARISON)
    first_kind = _basic_kind(first)
    for other in others:
        other_kind = _basic_kind(other)
        if first_kind != other_kind:
            if first is not None and first is not MISSING and other is not None and other is not MISSING:
                raise TemplateError(_BAD_COMPARISON)
            continue
        if first_kind:
            if first == other:
                return True
        elif isinstance(first, (list, Mapping)) or isinstance(other, (list, Mapping)):
            raise TemplateError(f"non-comparable type {go_type_name(other)}")
        elif isinstance(first, GoTime) and isinstance(other, GoTime):
            if (first.dt, first.nanos, first.zone_name) == (other.dt, other.nanos, other.zone_name):
                return True
        elif first is other or (first in (None, MISSING) and other in (None, MISSING)):
            return True
    return False


def ne(first: Any, second: Any) -> bool:
    """first != second."""
    return not eq(first, second)


def _less(first: Any, second: Any) -> bool:
    first_kind, second_kind = _basic_kind(first), _basic_kind(second)
    if not first_kind or not second_kind:
        raise TemplateError(_BAD_COMPARISON_TYPE)
    if first_kind != second_kind:
        raise TemplateError(_BAD_COMPARISON)
    if first_kind == "bool":
        raise TemplateError(_BAD_COMPARISON_TYPE)
    return first < second


def lt(first: Any, second: Any) -> bool:
    """first < second, for two numbers of one kind or two strings."""
    return _less(first, second)


def le(first: Any, second: Any) -> bool:
    """first <= second."""
    return _less(first, second) or eq(first, second)


def gt(first: Any, second: Any) -> bool:
    """first > second."""
    return not le(first, second)


def ge(first: Any, second: Any) -> bool:
    """first >= second."""
    return not _less(first, second)


BUILTINS: Mapping[str, Callable[..., Any]] = {
    "and": and_,
    "or": or_,
    "not": not_,
    "len": length,
    "index": index,
    "print": print_,
    "printf": printf,
    "println": println,
    "eq": eq,
    "ne": ne,
    "lt": lt,
    "le": le,
    "gt": gt,
    "ge": ge,
}
