"""Go's text/template as a caller uses it: Template(name).funcs(table).parse(text), then execute(data)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from typing import Any

from .builtins import BUILTINS
from .exec import Break, Continue, Evaluator
from .lex import lex
from .nodes import ListNode
from .parse import Parser
from .values import ParseError, TemplateError, Unsupported


class Template:
    """One parsed template; functions of the caller's table win over the builtins of the same name, as in Go."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.functions: dict[str, Callable[..., Any]] = dict(BUILTINS)
        self.tree: ListNode | None = None
        self._newlines: list[int] = []

    def funcs(self, table: Mapping[str, Callable[..., Any]]) -> Template:
        """Add plain functions callable by name (before parse, as in Go); returns the template."""
        self.functions.update(table)
        return self

    def parse(self, text: str) -> Template:
        """Parse `text`; a ParseError or Unsupported says what and on which line."""
        self._newlines = [i for i, c in enumerate(text) if c == "\n"]
        try:
            self.tree = Parser(lex(text), self.functions).parse()
        except ParseError as error:
            raise self._located(error, None) from None
        except TemplateError as error:
            raise self._located(ParseError(error.message, error.pos), None) from None
        except Unsupported as error:
            raise self._located(error, None) from None
        return self

    def execute(self, data: Any) -> str:
        """The template's output with `data` as dot and `$`; a TemplateError or Unsupported names the line."""
        if self.tree is None:
            raise TemplateError(f'template: {self.name}: "{self.name}" is an incomplete or empty template')
        evaluator = Evaluator(data, self.functions)
        try:
            evaluator.walk(data, self.tree)
        except (TemplateError, Unsupported) as error:
            raise self._located(error, evaluator.pos) from None
        except (Break, Continue):  # pragma: no cover - the parser confines these to range
            raise TemplateError("{{break}} or {{continue}} outside {{range}}") from None
        return "".join(evaluator.out)

    def _located(self, error: TemplateError | Unsupported, fallback: int | None) -> TemplateError | Unsupported:
        """The error with `line` set from its offset (else from where the evaluator was)."""
        pos = error.pos if error.pos is not None else fallback
        error.line = None if pos is None else bisect.bisect_left(self._newlines, pos) + 1
        return error
