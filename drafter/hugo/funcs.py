"""Hugo's template functions as one table of plain functions, with the namespaces (strings, time, ...).

Like Jinja's filters.py: each function takes the template's arguments, a function needing the page (its
site, language, moment) is marked `pass_data` and gets the archetype's data first, and FUNCS maps the
names templates call to them. They override text/template's builtins of the same name, as in Hugo.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..gotemplate import GoObject, Member, TemplateError, Unsupported, pass_data
from ..gotemplate.builtins import index_step, print_, printf, println
from ..gotemplate.gotime import GoTime, parse_rfc3339, zone_name
from ..gotemplate.gorunes import go_lower, go_trim_space, go_upper
from ..gotemplate.strconv import go_parse_float
from ..gotemplate.values import MISSING, TypedList, go_type_name, member_of
from .site import Params
from .strings import (anchorize, cast_int, cast_string, humanize, replace, slicestr, split, substr, title_case,
                      urlize)


def slice_(*args: Any) -> list[Any]:
    """collections.Slice: a typed slice when every argument has the same Go type."""
    if not args or args[0] is None:
        return list(args)
    first = go_type_name(args[0])
    if all(go_type_name(a) == first for a in args[1:]):
        return TypedList(args, first)
    return list(args)


def _normalize_eq(value: Any) -> Any:
    if value is None or value is MISSING:
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    if isinstance(value, GoTime):
        return ("time", value.dt.timestamp(), value.nanos % 1000)
    return value


def _eq_pair(left: Any, right: Any) -> bool:
    if isinstance(left, tuple) or isinstance(right, tuple) or left is None or right is None:
        return left == right
    return _deep_equal(left, right)


def _deep_equal(a: Any, b: Any) -> bool:
    # reflect.DeepEqual: values of different Go types are never equal.
    if go_type_name(a) != go_type_name(b):
        return False
    if isinstance(a, Mapping):
        return a.keys() == b.keys() and all(_deep_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_deep_equal(x, y) for x, y in zip(a, b, strict=False))
    if isinstance(a, GoObject):
        return a is b
    return a == b


def eq(first: Any, *others: Any) -> bool:
    """Hugo's eq: first equals any of others; numbers compare by value whatever their type."""
    if not others:
        raise TemplateError("missing arguments for comparison")
    left = _normalize_eq(first)
    return any(_eq_pair(left, _normalize_eq(other)) for other in others)


def ne(first: Any, *others: Any) -> bool:
    """Hugo's ne: first equals none of others."""
    if not others:
        raise TemplateError("missing arguments for comparison")
    return not any(eq(first, other) for other in others)


def _compare_operand(value: Any) -> tuple[float, str | None]:
    if isinstance(value, bool):
        return (1.0 if value else 0.0), None
    if isinstance(value, (int, float)):
        return float(value), None
    if isinstance(value, str):
        parsed = go_parse_float(value)
        if parsed is None:
            return 0.0, value
        return parsed, None
    if isinstance(value, (list, tuple, Mapping)):
        return float(len(value)), None
    if isinstance(value, GoTime):
        return float(value.unix()), None
    if value is None or value is MISSING:
        return 0.0, None
    raise Unsupported(f"comparing a {go_type_name(value)}")


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


def default(dflt: Any, *given: Any) -> Any:
    """Hugo's default: the given value if it is set (not nil, zero or empty), else `dflt`."""
    if not given:
        return dflt
    if len(given) != 1:
        raise TemplateError(f"wrong number of args for default: want 2 got {len(given) + 1}")
    value = given[0]
    if value is None or value is MISSING:
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


def index(item: Any, *keys: Any) -> Any:
    """Hugo's collections.Index: nil (not an error) for an index out of range or a missing key."""
    if item is None or item is MISSING:
        return None
    if len(keys) == 1 and isinstance(keys[0], (list, tuple)):
        keys = tuple(keys[0])
    value = item
    for key in keys:
        if value is None or value is MISSING:
            return None
        if isinstance(value, Params):
            value = value.get(cast_string(key))  # any key, in any case
        else:
            value = index_step(value, key, strict=False)
    return value


def in_(collection: Any, item: Any) -> bool:
    """Hugo's in: a slice holds the item, or a string the substring."""
    if collection is None or collection is MISSING:
        return False
    if isinstance(collection, str):
        return cast_string(item) in collection
    if isinstance(collection, (list, tuple)):
        return any(eq(element, item) for element in collection)
    raise Unsupported(f"in over a {go_type_name(collection)}")


def delimit(collection: Any, sep: Any, *last: Any) -> str:
    """Hugo's delimit: the items joined by sep (the last pair by `last`, if given)."""
    if not isinstance(collection, (list, tuple)):
        raise Unsupported(f"delimit over a {go_type_name(collection)}")
    words = [cast_string(x) for x in collection]
    separator = cast_string(sep)
    if last and len(words) > 1:
        return separator.join(words[:-1]) + cast_string(last[0]) + words[-1]
    return separator.join(words)


def mod(a: Any, b: Any) -> int:
    """Hugo's mod: the integer remainder, with the sign of a."""
    left, right = cast_int(a), cast_int(b)
    if right == 0:
        raise TemplateError("the number can't be divided by zero at modulo operation")
    remainder = abs(left) % abs(right)
    return -remainder if left < 0 else remainder


def _as_time(value: Any, language: str) -> GoTime:
    if isinstance(value, GoTime):
        return value
    if isinstance(value, str):
        parsed = parse_rfc3339(value)
        if parsed is not None:
            moment, nanos = parsed
            return GoTime(moment, zone_name(moment), nanos)
        raise Unsupported(f"converting {value!r} to a time (only RFC 3339 with an offset is supported)")
    raise Unsupported(f"converting a {go_type_name(value)} to a time")


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
    layout_text = cast_string(layout)
    if layout_text.startswith(":"):
        if layout_text not in _EN_LAYOUTS or language.lower() not in ("en", ""):
            raise Unsupported(f"time.Format layout {layout_text} for language {language!r}")
        layout_text = _EN_LAYOUTS[layout_text]
    if language.lower() not in ("en", "") and re.search(r"Jan|Mon", layout_text):
        # Hugo localizes month and day names for the site language.
        raise Unsupported(f"time.Format with month/day names for language {language!r}")
    return _as_time(value, language).format(layout_text)


def _ordered(op: Callable[[float, float], bool], first: Any, others: tuple[Any, ...]) -> bool:
    if not others:
        raise TemplateError("missing arguments for comparison")
    return all(op(*_compare_get(first, other)) for other in others)


def lt(first: Any, *others: Any) -> bool:
    """Hugo's lt: first is less than every other (numbers by value, strings as strings)."""
    return _ordered(lambda a, b: a < b, first, others)


def le(first: Any, *others: Any) -> bool:
    """Hugo's le."""
    return _ordered(lambda a, b: a <= b, first, others)


def gt(first: Any, *others: Any) -> bool:
    """Hugo's gt."""
    return _ordered(lambda a, b: a > b, first, others)


def ge(first: Any, *others: Any) -> bool:
    """Hugo's ge."""
    return _ordered(lambda a, b: a >= b, first, others)


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _apply(op: str, left: Any, right: Any) -> Any:
    """One step of Hugo's arithmetic: integers stay integers, a float makes a float, `+` joins strings."""
    if op == "+" and isinstance(left, str) and isinstance(right, str):
        return left + right
    a, b = _number(left), _number(right)
    if a is None or b is None:
        raise TemplateError("can't apply the operator to the values")
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise TemplateError("can't divide the value by 0")
    if isinstance(a, int) and isinstance(b, int):
        quotient = abs(a) // abs(b)
        return quotient if (a < 0) == (b < 0) else -quotient
    return a / b


def _fold(op: str, values: tuple[Any, ...]) -> Any:
    result = _apply(op, values[0], values[1])
    for value in values[2:]:
        result = _apply(op, result, value)
    return result


def add(first: Any, second: Any, *rest: Any) -> Any:
    """Hugo's add (math.Add)."""
    return _fold("+", (first, second, *rest))


def sub(first: Any, second: Any, *rest: Any) -> Any:
    """Hugo's sub (math.Sub)."""
    return _fold("-", (first, second, *rest))


def mul(first: Any, second: Any, *rest: Any) -> Any:
    """Hugo's mul (math.Mul)."""
    return _fold("*", (first, second, *rest))


def div(first: Any, second: Any, *rest: Any) -> Any:
    """Hugo's div (math.Div): integer division truncates toward zero."""
    return _fold("/", (first, second, *rest))


@pass_data
def title(data: Any, value: Any) -> str:
    """Hugo's title, in the site's titleCaseStyle."""
    return title_case(cast_string(value), data.context.site.title_case_style)


def first_upper(value: Any) -> str:
    """strings.FirstUpper."""
    return title_case(cast_string(value), "firstupper")


def lower(value: Any) -> str:
    """Hugo's lower."""
    return go_lower(cast_string(value))


def upper(value: Any) -> str:
    """Hugo's upper."""
    return go_upper(cast_string(value))


def trim(value: Any, cutset: Any) -> str:
    """Hugo's trim: the characters of cutset stripped from both ends."""
    return cast_string(value).strip(cast_string(cutset))


def contains(value: Any, substring: Any) -> bool:
    """strings.Contains."""
    return cast_string(substring) in cast_string(value)


def contains_any(value: Any, chars: Any) -> bool:
    """strings.ContainsAny."""
    text = cast_string(value)
    return any(c in text for c in cast_string(chars))


def has_prefix(value: Any, prefix: Any) -> bool:
    """strings.HasPrefix."""
    return cast_string(value).startswith(cast_string(prefix))


def has_suffix(value: Any, suffix: Any) -> bool:
    """strings.HasSuffix."""
    return cast_string(value).endswith(cast_string(suffix))


def trim_prefix(prefix: Any, value: Any) -> str:
    """strings.TrimPrefix (the prefix first, as Hugo's argument order has it)."""
    text, start = cast_string(value), cast_string(prefix)
    return text[len(start):] if text.startswith(start) else text


def trim_suffix(suffix: Any, value: Any) -> str:
    """strings.TrimSuffix."""
    text, end = cast_string(value), cast_string(suffix)
    return text[: len(text) - len(end)] if end and text.endswith(end) else text


def trim_left(cutset: Any, value: Any) -> str:
    """strings.TrimLeft."""
    return cast_string(value).lstrip(cast_string(cutset))


def trim_right(cutset: Any, value: Any) -> str:
    """strings.TrimRight."""
    return cast_string(value).rstrip(cast_string(cutset))


def trim_space(value: Any) -> str:
    """strings.TrimSpace (Go's white space)."""
    return go_trim_space(cast_string(value))


def chomp(value: Any) -> str:
    """strings.Chomp: trailing newlines removed."""
    return cast_string(value).rstrip("\r\n")


def repeat(count: Any, value: Any) -> str:
    """strings.Repeat."""
    return cast_string(value) * max(cast_int(count), 0)


@pass_data
def now(data: Any) -> GoTime:
    """Hugo's now: the moment of the run."""
    return data.now


@pass_data
def as_time(data: Any, value: Any) -> GoTime:
    """time.AsTime."""
    return _as_time(value, data.context.site.language)


@pass_data
def date_format(data: Any, layout: Any, value: Any) -> str:
    """Hugo's dateFormat (time.Format): a Go layout, or one of Hugo's `:date_long` and friends."""
    return _date_format(layout, value, data.context.site.language)


@pass_data
def site(data: Any) -> GoObject:
    """Hugo's site: the `.Site` of the page."""
    return data.site


@pass_data
def hugo_data(data: Any) -> Mapping[str, Any]:
    """hugo.Data: the site's data/ folder."""
    return data.site.data


class Namespace(GoObject):
    """A Hugo template namespace such as `strings`: its methods are plain functions."""

    def __init__(self, name: str, functions: Mapping[str, Callable[..., Any]]) -> None:
        self.name = name
        self.go_type = f"*{name}.Namespace"
        self.functions = functions

    def member(self, name: str) -> Member | None:
        """The namespaced function `name`, called as the evaluator calls any function."""
        fn = self.functions.get(name)
        return member_of(fn) if fn is not None else None


STRINGS = Namespace("strings", {
    "Contains": contains, "ContainsAny": contains_any, "HasPrefix": has_prefix, "HasSuffix": has_suffix,
    "TrimPrefix": trim_prefix, "TrimSuffix": trim_suffix, "TrimLeft": trim_left, "TrimRight": trim_right,
    "TrimSpace": trim_space, "Trim": trim, "Chomp": chomp, "Replace": replace, "Title": title,
    "ToLower": lower, "ToUpper": upper, "FirstUpper": first_upper, "Substr": substr, "SliceString": slicestr,
    "Split": split, "Repeat": repeat,
})
URLS = Namespace("urls", {"URLize": urlize, "Anchorize": anchorize})
INFLECT = Namespace("inflect", {"Humanize": humanize})
FMT = Namespace("fmt", {"Printf": printf, "Print": print_, "Println": println})
COMPARE = Namespace("compare", {"Eq": eq, "Ne": ne, "Lt": lt, "Le": le, "Gt": gt, "Ge": ge, "Default": default})
COLLECTIONS = Namespace("collections", {"Index": index, "In": in_, "Delimit": delimit})
TIME = Namespace("time", {"Now": now, "Format": date_format, "AsTime": as_time})
HUGO = Namespace("hugo", {"Data": hugo_data})


def _namespace(namespace: Namespace) -> Callable[[], Namespace]:
    def get() -> Namespace:
        return namespace

    get.__doc__ = f"The `{namespace.name}` namespace."
    return get


@pass_data
def time(data: Any, *value: Any) -> Any:
    """Hugo's time: the namespace with no argument, time.AsTime with one."""
    return TIME if not value else _as_time(value[0], data.context.site.language)


FUNCS: Mapping[str, Callable[..., Any]] = {
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge,
    "default": default, "index": index, "in": in_, "delimit": delimit, "slice": slice_,
    "add": add, "sub": sub, "mul": mul, "div": div, "mod": mod,
    "replace": replace, "title": title, "humanize": humanize, "lower": lower, "upper": upper,
    "urlize": urlize, "anchorize": anchorize, "substr": substr, "slicestr": slicestr, "trim": trim,
    "split": split,
    "now": now, "dateFormat": date_format, "time": time, "site": site,
    "strings": _namespace(STRINGS), "urls": _namespace(URLS), "inflect": _namespace(INFLECT),
    "fmt": _namespace(FMT), "compare": _namespace(COMPARE), "collections": _namespace(COLLECTIONS),
    "hugo": _namespace(HUGO),
}
