"""Tests for drafter.gotemplate alone: Go's text/template with plain data and a small function table, no Hugo."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pytest

from drafter.gotemplate import (GoObject, Member, ParseError, Template, TemplateError, UndefinedFunction, Unsupported,
                                field, method, pass_data)
from drafter.gotemplate.gotime import time_from_datetime

DATA = {"Name": "x", "L": ["a", "b"], "M": {"b": 2, "a": 1}, "E": [], "A": 1, "B": 0}


def shout(value: str) -> str:
    """A caller's function taking a Go string."""
    return value.upper()


def join(sep, *words):
    """A caller's variadic function."""
    return sep.join(str(w) for w in words)


@pass_data
def name_of(data) -> str:
    """A caller's function that reads the data given to execute."""
    return data["Name"]


FUNCS = {"shout": shout, "join": join, "nameOf": name_of}


def run(text: str, data: object = None, funcs: dict | None = None) -> str:
    return Template("t").funcs(FUNCS if funcs is None else funcs).parse(text).execute(DATA if data is None else data)


@pytest.mark.parametrize(("text", "expected"), [
    ("{{ .Name }}", "x"),
    ("{{ .Missing }}", "<no value>"),
    ("a  \n\t{{- .Name -}} \r\n b", "axb"),
    ("a {{-3}} b", "a -3 b"),
    ("{{/* a comment */}}x", "x"),
    ("{% if x %}{{ .Name }}{% endif %} {# c #}", "{% if x %}x{% endif %} {# c #}"),
    ("{{ range $i, $v := .L }}{{ $i }}={{ $v }};{{ end }}", "0=a;1=b;"),
    ("{{ range .M }}{{ . }}{{ end }}", "12"),  # maps range in key order
    ("{{ range $k, $v := .M }}{{ $k }}{{ end }}", "ab"),
    ("{{ range .E }}x{{ else }}empty{{ end }}", "empty"),
    ("{{ range 3 }}{{ . }}{{ end }}", "012"),
    ('{{ range .L }}{{ if eq . "b" }}{{ break }}{{ end }}{{ . }}{{ end }}', "a"),
    ('{{ range .L }}{{ if eq . "a" }}{{ continue }}{{ end }}{{ . }}{{ end }}', "b"),
    ("{{ with .Name }}[{{ . }}]{{ end }}{{ with .E }}no{{ else }}none{{ end }}", "[x]none"),
    ("{{ if and .A .B }}y{{ else if .A }}a{{ else }}n{{ end }}", "a"),
    ('{{ or 0 "" "z" }} {{ and 1 0 }} {{ not 0 }} {{ and 1 "last" }}', "z 0 true last"),
    ("{{ $x := 1 }}{{ $x = 2 }}{{ $x }} {{ $ }}", "2 map[A:1 B:0 E:[] L:[a b] M:map[a:1 b:2] Name:x]"),
    ('{{ len "héllo" }} {{ len .L }} {{ len .M }}', "6 2 2"),
    ('{{ index .L 1 }} {{ index .M "a" }} {{ index .M "zz" }}', "b 1 <no value>"),
    ('{{ printf "%05.2f|%-4s|%q|%x|%v|%d%%" 3.14159 "ab" "q" 255 .L 7 }}', '03.14|ab  |"q"|ff|[a b]|7%'),
    ('{{ print "a" 1 2 "b" }}|{{ println 1 "x" }}', "a1 2b|1 x\n"),
    ('{{ .Name | printf "%s!" }} {{ "y" | printf "%s-%s" "x" }}', "x! x-y"),
    ('{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt 1.5 2.5 }} {{ ge "b" "a" }}',
     "true true true true true false true"),
    ("{{ 1.5 }} {{ 0x10 }} {{ 'a' }} {{ 1e3 }} {{ -7 }} {{ true }}", "1.5 16 97 1000 -7 true"),
    ("{{ 1e21 }} {{ 0.00001 }} {{ 0.0001 }} {{ 123456789.0 }} {{ 100000.0 }} {{ 1e6 }} {{ -2.5e-7 }}",
     "1e+21 1e-05 0.0001 1.23456789e+08 100000 1e+06 -2.5e-07"),  # %v of a float64: strconv's shortest 'g'
    ('{{ "tab\\t" }}|{{ `raw\\t` }}', "tab\t|raw\\t"),
    ("{{ shout .Name }} {{ .Name | shout }} {{ join \"-\" 1 2 3 }} {{ nameOf }}", "X X 1-2-3 x"),
    ("{{ (shout .Name) | printf \"%s%s\" .Name }}", "xX"),
])
def test_executes_like_go(text: str, expected: str) -> None:
    assert run(text) == expected


def test_the_callers_function_wins_over_a_builtin() -> None:
    """As with Go's Funcs: a table entry named like a builtin replaces it."""
    assert run("{{ len .Name }}", funcs={"len": lambda value: 42}) == "42"
    assert run("{{ len .Name }}", funcs={}) == "1"


class Point(GoObject):
    """A Go struct with a field and a method taking an int."""

    go_type = "main.Point"

    def member(self, name: str) -> Member | None:
        if name == "X":
            return field(3)
        if name == "Scale":
            return method(lambda by: 3 * by, "int")
        return None

    def string(self) -> str:
        return "(3)"


@pytest.mark.parametrize(("text", "expected"), [
    ("{{ .P.X }}", "3"),
    ("{{ .P.Scale 2 }}", "6"),
    ("{{ .P }}", "(3)"),
    ("{{ printf \"%v|%s\" .P .P }}", "(3)|(3)"),
])
def test_go_objects_expose_fields_and_methods(text: str, expected: str) -> None:
    assert run(text, {"P": Point()}) == expected


NOW = datetime(2026, 11, 27, 9, 5, 7, 123456, tzinfo=timezone.utc)


@pytest.mark.parametrize(("layout", "expected"), [
    ("2006-01-02", "2026-11-27"),
    ("Monday, January 2, 2006", "Friday, November 27, 2026"),
    ("Jan _2 '06 3:04PM", "Nov 27 '26 9:05AM"),
    ("15:04:05.000 .999999 ,9", "09:05:07.123 .123456 ,1"),
    ("MST Z07:00 -0700 -07", "UTC Z +0000 +00"),
    ("002 __2 Janx Monday01", "331 331 Janx Friday11"),
])
def test_time_format_uses_go_layouts(layout: str, expected: str) -> None:
    assert run('{{ .T.Format "' + layout + '" }}', {"T": time_from_datetime(NOW)}) == expected


@pytest.mark.parametrize(("text", "error", "line", "needle"), [
    ("{{ .Name ", ParseError, 1, "unclosed action"),
    ("a\n{{ if .A }}\nno end", ParseError, 3, "unexpected EOF"),
    ("{{ end }}", ParseError, 1, "unexpected {{end}}"),
    ("x\n{{ $nope }}", ParseError, 2, 'undefined variable "$nope"'),
    ('{{ "open }}', ParseError, 1, "unterminated quoted string"),
    ("{{/* open }}", ParseError, 1, "unclosed comment"),
    ("{{ break }}", ParseError, 1, "{{break}} outside {{range}}"),
    ('{{ "a" | "b" }}', ParseError, 1, "non executable command"),
    ("a\n\n{{ frobnicate }}", UndefinedFunction, 3, 'function "frobnicate" not defined'),
    ('{{ eq 1 "a" }}', TemplateError, 1, "error calling eq: incompatible types for comparison"),
    ("{{ lt true false }}", TemplateError, 1, "error calling lt: invalid type for comparison"),
    ("{{ index .L 5 }}", TemplateError, 1, "error calling index: index out of range: 5"),
    ("{{ len 3 }}", TemplateError, 1, "error calling len: len of type int"),
    ("{{ shout }}", TemplateError, 1, "wrong number of args for shout: want 1 got 0"),
    ("{{ shout 1 }}", TemplateError, 1, "expected string; found 1"),
    ("{{ printf 1 }}", TemplateError, 1, "expected string; found 1"),
    ("a\nb\n{{ .Name.Field }}", TemplateError, 3, "can't evaluate field Field in type string"),
    ("{{ .Name 1 }}", TemplateError, 1, "Name is not a method but has arguments"),
    ('{{ define "x" }}{{ end }}', Unsupported, 1, "define"),
])
def test_errors_like_go(text: str, error: type, line: int, needle: str) -> None:
    with pytest.raises(error) as raised:
        run(text)
    if error is not Unsupported:
        assert needle in raised.value.message
        if error is TemplateError:
            assert not isinstance(raised.value, ParseError)
    else:
        assert needle in raised.value.construct
    assert raised.value.line == line


def test_functions_are_checked_when_parsing() -> None:
    """Go resolves function names at parse time, so a name added after parse does not count."""
    template = Template("t")
    with pytest.raises(UndefinedFunction):
        template.parse("{{ shout .Name }}")
    assert template.funcs(FUNCS).parse("{{ shout .Name }}").execute(DATA) == "X"


def test_the_engine_imports_nothing_of_hugo_or_drafter() -> None:
    """The engine is a package of its own: importing it loads no other drafter module."""
    code = ("import sys, drafter.gotemplate; "
            "print(sorted(m for m in sys.modules if m.startswith('drafter') and not m.startswith('drafter.gotemplate')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['drafter']"
