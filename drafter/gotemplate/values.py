"""Go values as the engine sees them: errors, the missing value, Go objects and their members, types, truth."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class TemplateError(Exception):
    """An error Go's text/template also reports; a function raises it to fail the execution (Go's returned error)."""

    def __init__(self, message: str, pos: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos  # offset in the source; Template sets `line` from it
        self.line: int | None = None


class ParseError(TemplateError):
    """A template Go's parser rejects."""


class UndefinedFunction(ParseError):
    """A call of a function neither the builtins nor the caller's table define."""

    def __init__(self, name: str, pos: int | None = None) -> None:
        super().__init__(f"function {name!r} not defined".replace("'", '"'), pos)
        self.name = name


class Unsupported(Exception):
    """A construct this engine does not implement (Go may or may not accept it): refused, never guessed at."""

    def __init__(self, construct: str, pos: int | None = None) -> None:
        super().__init__(construct)
        self.construct = construct
        self.pos = pos
        self.line: int | None = None


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


# An invalid reflect.Value: what a missing map key yields; prints as "<no value>".
MISSING = _Sentinel("MISSING")
# text/template's missingVal: "no value piped into this command".
NOARG = _Sentinel("NOARG")


class GoEnum(int):
    """An integer Go type with a String method (time.Month, time.Weekday)."""

    names: Sequence[str] = ()
    offset = 0

    def __str__(self) -> str:
        return self.names[int(self) - self.offset]


class TypedList(list):
    """A Go slice whose element type is not interface{} (e.g. []string from `slice "a" "b"`)."""

    def __init__(self, items: Sequence[Any], elem: str) -> None:
        super().__init__(items)
        self.elem = elem

    @property
    def go_type(self) -> str:
        """The slice's Go type, e.g. `[]string`."""
        return "[]" + self.elem


@dataclass(frozen=True)
class Member:
    """A callable as the evaluator calls it: Go kinds ("any", "string", "int") of its fixed and variadic parameters."""

    fn: Callable[..., Any]
    params: tuple[str, ...] = ()
    variadic: str | None = None
    is_field: bool = False


class GoObject:
    """A Go struct or interface value exposed to templates."""

    go_type = "struct"
    # Fields real Hugo 0.168 reports as missing ("can't evaluate field X"); anything neither
    # implemented nor listed here is treated as unsupported rather than guessed at.
    absent: frozenset[str] = frozenset()

    def member(self, name: str) -> Member | None:
        """The field or method `name`, or None when the type has none."""
        return None

    def string(self) -> str:
        """What fmt prints for the value (its String method)."""
        raise Unsupported(f"printing {self.go_type}")


def field(value: Any) -> Member:
    """A struct field holding `value` (it takes no arguments)."""
    return Member(lambda: value, is_field=True)


def method(fn: Callable[..., Any], *params: str, variadic: str | None = None) -> Member:
    """A method taking parameters of the given Go kinds."""
    return Member(fn, tuple(params), variadic)


def pass_data(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a template function that receives the data given to execute (Go's `$`) before its arguments."""
    fn.pass_data = True  # type: ignore[attr-defined]
    return fn


_KINDS = {"str": "string", "int": "int"}


@functools.cache
def member_of(fn: Callable[..., Any]) -> Member:
    """A plain function as the evaluator calls it, read from its signature as Go reads a func's type.

    Parameters annotated `str` or `int` take Go's string or int (a literal of another type is an error);
    any other parameter takes any value; `*args` makes the function variadic.
    """
    fixed: list[str] = []
    variadic = None
    parameters = list(inspect.signature(fn).parameters.values())
    if getattr(fn, "pass_data", False):
        parameters = parameters[1:]
    for parameter in parameters:
        annotation = parameter.annotation
        name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        kind = _KINDS.get(name, "any")
        if parameter.kind is parameter.VAR_POSITIONAL:
            variadic = kind
        elif parameter.default is parameter.empty and parameter.kind is not parameter.VAR_KEYWORD:
            fixed.append(kind)
    return Member(fn, tuple(fixed), variadic)


def go_type_name(value: Any) -> str:
    """The Go type of a value as fmt's %T and error messages name it (a `go_type` attribute names its own)."""
    if value is None or value is MISSING:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    named = getattr(value, "go_type", None)
    if isinstance(named, str):
        return named
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "map[string]interface {}"
    if isinstance(value, (list, tuple)):
        return "[]interface {}"
    return type(value).__name__


def truth(value: Any) -> bool:
    """Go's truth in if, with, and, or, not: false, 0, nil, and empty strings, slices and maps are false."""
    if value is None or value is MISSING:
        return False
    if isinstance(value, (str, list, tuple, Mapping)):
        return len(value) > 0
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return True

