"""The parse tree of a Go template (text/template/parse/node.go) and each node's source text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Text:
    """Plain text between actions."""

    pos: int
    text: str


@dataclass
class Pipe:
    """A pipeline, with the variables it declares or assigns."""

    pos: int
    decl: list[str]
    is_assign: bool
    cmds: list[Command]


@dataclass
class Command:
    """One stage of a pipeline: an operand and its arguments."""

    pos: int
    args: list[Any]


@dataclass
class Action:
    """{{ pipeline }}: its value is printed."""

    pos: int
    pipe: Pipe


@dataclass
class FieldNode:
    """.A.B: fields of dot."""

    pos: int
    ident: list[str]


@dataclass
class VariableNode:
    """$x.A: a variable and fields of it."""

    pos: int
    ident: list[str]


@dataclass
class ChainNode:
    """(pipeline).A: fields of a parenthesised value."""

    pos: int
    node: Any
    fields: list[str]


@dataclass
class IdentNode:
    """A function name."""

    pos: int
    name: str


@dataclass
class DotNode:
    """.: the cursor."""

    pos: int


@dataclass
class NilNode:
    """nil."""

    pos: int


@dataclass
class BoolNode:
    """true or false."""

    pos: int
    value: bool


@dataclass
class NumberNode:
    """A number literal, with the Go types it can take."""

    pos: int
    text: str
    is_int: bool
    int_value: int
    is_float: bool
    float_value: float


@dataclass
class StringNode:
    """A quoted string literal."""

    pos: int
    quoted: str
    value: str


@dataclass
class ListNode:
    """A sequence of nodes."""

    pos: int
    nodes: list[Any]


@dataclass
class Control:
    """{{if}}, {{with}} or {{range}}, with its body and else branch."""

    pos: int
    kind: str  # "if", "with", "range"
    pipe: Pipe
    body: ListNode
    else_body: ListNode | None


@dataclass
class BreakNode:
    """{{break}}."""

    pos: int


@dataclass
class ContinueNode:
    """{{continue}}."""

    pos: int


@dataclass
class EndNode:
    """{{end}} (only while parsing)."""

    pos: int


@dataclass
class ElseNode:
    """{{else}} (only while parsing)."""

    pos: int


def node_text(node: Any) -> str:
    """The source form of an operand, for error messages (Go's Node.String)."""
    if isinstance(node, FieldNode):
        return "." + ".".join(node.ident)
    if isinstance(node, VariableNode):
        return ".".join(node.ident)
    if isinstance(node, ChainNode):
        inner = node_text(node.node)
        if isinstance(node.node, Pipe):
            inner = f"({inner})"
        return inner + "".join("." + f for f in node.fields)
    if isinstance(node, IdentNode):
        return node.name
    if isinstance(node, DotNode):
        return "."
    if isinstance(node, NilNode):
        return "nil"
    if isinstance(node, BoolNode):
        return "true" if node.value else "false"
    if isinstance(node, NumberNode):
        return node.text
    if isinstance(node, StringNode):
        return node.quoted
    if isinstance(node, Pipe):
        decl = ""
        if node.decl:
            decl = ", ".join(node.decl) + (" = " if node.is_assign else " := ")
        return decl + " | ".join(node_text(c) for c in node.cmds)
    if isinstance(node, Command):
        return " ".join(f"({node_text(a)})" if isinstance(a, Pipe) else node_text(a) for a in node.args)
    return "?"


