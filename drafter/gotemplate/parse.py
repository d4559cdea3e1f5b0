"""The parser of Go's text/template (a port of text/template/parse/parse.go)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from .lex import (Item, KEYWORDS, T_ASSIGN, T_BOOL, T_CHAR, T_CHAR_CONST, T_COMMENT, T_DECLARE, T_DOT, T_EOF,
                  T_FIELD, T_IDENT, T_LEFT_DELIM, T_LPAREN, T_NUMBER, T_PIPE, T_RAW_STRING, T_RIGHT_DELIM,
                  T_RPAREN, T_SPACE, T_STRING, T_TEXT, T_VARIABLE)
from .nodes import (Action, BoolNode, BreakNode, ChainNode, Command, ContinueNode, Control, DotNode, ElseNode,
                    EndNode, FieldNode, IdentNode, ListNode, NilNode, NumberNode, Pipe, StringNode, Text,
                    VariableNode, node_text)
from .strconv import go_parse_float, go_parse_int, unescape, unquote
from .values import TemplateError, UndefinedFunction, Unsupported


def _new_number(item: Item) -> NumberNode:
    text = item.val
    if item.typ == T_CHAR_CONST:
        body = text[1:-1]
        if body.startswith("\\"):
            raw, end = unescape(body, 1, "'", item.pos)
            if end != len(body):
                raise TemplateError(f"malformed character constant: {text}", item.pos)
            try:
                ch = raw.decode()
            except UnicodeDecodeError:
                ch = chr(raw[0])
        else:
            if len(body) != 1:
                raise TemplateError(f"malformed character constant: {text}", item.pos)
            ch = body
        value = ord(ch)
        return NumberNode(item.pos, text, True, value, True, float(value))
    int_value = go_parse_int(text)
    if int_value is not None:
        return NumberNode(item.pos, text, True, int_value, True, float(int_value))
    if text.lower().startswith(("0x", "-0x", "+0x")) and any(ch in text for ch in "pP"):
        raise Unsupported(f"hexadecimal float {text}", item.pos)
    float_value = go_parse_float(text)
    if float_value is None:
        raise TemplateError(f"illegal number syntax: {json.dumps(text)}", item.pos)
    if not any(ch in text for ch in ".eEpP"):
        raise TemplateError(f"integer overflow: {text}", item.pos)
    is_int = math.isfinite(float_value) and float_value == int(float_value) and abs(float_value) < 2**63
    return NumberNode(item.pos, text, is_int, int(float_value) if is_int else 0, True, float_value)


class Parser:
    """Builds the tree of one template from its tokens; `functions` holds every name a call may use."""

    def __init__(self, items: list[Item], functions: Mapping[str, Any]) -> None:
        self.items = items
        self.i = 0
        self.functions = functions
        self.vars = ["$"]
        self.range_depth = 0

    # token cursor ---------------------------------------------------------------------------
    def next(self) -> Item:
        """The next item, consumed (EOF stays EOF)."""
        item = self.items[self.i]
        if item.typ != T_EOF:
            self.i += 1
        return item

    def backup(self, count: int = 1) -> None:
        """Give back the last `count` items, to be read again."""
        self.i -= count

    def peek(self) -> Item:
        """The next item, not consumed."""
        return self.items[self.i]

    def next_non_space(self) -> Item:
        """The next item that is not a space, consumed."""
        while True:
            item = self.next()
            if item.typ != T_SPACE:
                return item

    def peek_non_space(self) -> Item:
        """The next item that is not a space, not consumed."""
        item = self.next_non_space()
        if item.typ != T_EOF:
            self.backup()
        return item

    def expect(self, typ: str, context: str) -> Item:
        """The next non-space item, which must be of type `typ`, else an error naming `context`."""
        item = self.next_non_space()
        if item.typ != typ:
            self.unexpected(item, context)
        return item

    def unexpected(self, item: Item, context: str) -> None:
        """Raise the error for an item that cannot stand where it is."""
        raise TemplateError(f"unexpected {item.describe()} in {context}", item.pos)

    # grammar --------------------------------------------------------------------------------
    def parse(self) -> ListNode:
        """The whole template as one list node (Go's Tree.parse; {{define}}, {{template}} and {{block}} are unsupported)."""
        root = ListNode(0, [])
        while self.peek().typ != T_EOF:
            node = self.text_or_action()
            if isinstance(node, EndNode):
                raise TemplateError("unexpected {{end}}", node.pos)
            if isinstance(node, ElseNode):
                raise TemplateError("unexpected {{else}}", node.pos)
            if node is not None:
                root.nodes.append(node)
        return root

    def item_list(self) -> tuple[ListNode, Any]:
        """Nodes up to an {{end}} or {{else}}, and the item that ended them (Go's itemList)."""
        lst = ListNode(self.peek_non_space().pos, [])
        while self.peek_non_space().typ != T_EOF:
            node = self.text_or_action()
            if isinstance(node, (EndNode, ElseNode)):
                return lst, node
            if node is not None:
                lst.nodes.append(node)
        raise TemplateError("unexpected EOF", self.peek().pos)

    def text_or_action(self) -> Any:
        """One text, comment or action node (Go's textOrAction)."""
        item = self.next_non_space()
        if item.typ == T_TEXT:
            return Text(item.pos, item.val)
        if item.typ == T_LEFT_DELIM:
            return self.action()
        if item.typ == T_COMMENT:
            return None
        self.unexpected(item, "input")
        return None

    def action(self) -> Any:
        """The node of one {{...}}: a control keyword's, or a pipeline to print (Go's action)."""
        item = self.next_non_space()
        typ = item.typ
        if typ == KEYWORDS["else"]:
            return self.else_control()
        if typ == KEYWORDS["end"]:
            self.expect(T_RIGHT_DELIM, "end")
            return EndNode(item.pos)
        if typ == KEYWORDS["if"]:
            return self.control("if", item.pos)
        if typ == KEYWORDS["with"]:
            return self.control("with", item.pos)
        if typ == KEYWORDS["range"]:
            return self.control("range", item.pos)
        if typ in (KEYWORDS["break"], KEYWORDS["continue"]):
            word = item.val
            self.expect(T_RIGHT_DELIM, f"{{{{{word}}}}}")
            if self.range_depth == 0:
                raise TemplateError(f"{{{{{word}}}}} outside {{{{range}}}}", item.pos)
            return BreakNode(item.pos) if word == "break" else ContinueNode(item.pos)
        if typ in (KEYWORDS["template"], KEYWORDS["define"], KEYWORDS["block"]):
            raise Unsupported(f"{{{{{item.val}}}}}", item.pos)
        self.backup()
        pos = self.peek().pos
        return Action(pos, self.pipeline("command", T_RIGHT_DELIM))

    def else_control(self) -> ElseNode:
        """An {{else}}, or the `else if` / `else with` shorthand for a nested control."""
        peek = self.peek_non_space()
        if peek.typ in (KEYWORDS["if"], KEYWORDS["with"]):
            # "{{else if x}}" is "{{else}}{{if x}}...{{end}}" sharing the final {{end}}.
            return ElseNode(peek.pos)
        item = self.expect(T_RIGHT_DELIM, "else")
        return ElseNode(item.pos)

    def control(self, kind: str, pos: int) -> Control:
        """The pipeline, list and else list of {{if}}, {{range}} or {{with}}, its variables scoped to it."""
        mark = len(self.vars)
        try:
            pipe = self.pipeline(kind, T_RIGHT_DELIM)
            if kind == "range":
                self.range_depth += 1
            body, nxt = self.item_list()
            if kind == "range":
                self.range_depth -= 1
            else_body = None
            if isinstance(nxt, ElseNode):
                if kind in ("if", "with") and self.peek().typ == KEYWORDS[kind]:
                    inner = self.next()
                    else_body = ListNode(nxt.pos, [self.control(kind, inner.pos)])
                else:
                    else_body, end = self.item_list()
                    if not isinstance(end, EndNode):
                        raise TemplateError("expected end; found {{else}}", end.pos)
            return Control(pos, kind, pipe, body, else_body)
        finally:
            del self.vars[mark:]

    def pipeline(self, context: str, end: str) -> Pipe:
        """A pipeline up to `end`, with its variable declarations (Go's pipeline)."""
        pipe = Pipe(self.peek_non_space().pos, [], False, [])
        while True:
            var = self.peek_non_space()
            if var.typ != T_VARIABLE:
                break
            var_index = self.i
            self.next()
            nxt = self.peek_non_space()
            if nxt.typ in (T_ASSIGN, T_DECLARE):
                pipe.is_assign = nxt.typ == T_ASSIGN
                self.next_non_space()
                pipe.decl.append(var.val)
                self.vars.append(var.val)
                break
            if nxt.typ == T_CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(var.val)
                self.vars.append(var.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in (T_VARIABLE, T_RIGHT_DELIM, T_RPAREN):
                        continue
                    raise TemplateError("range can only initialize variables", nxt.pos)
                raise TemplateError(f"too many declarations in {context}", nxt.pos)
            # "$x foo": the variable is an operand, not a declaration.
            self.i = var_index
            break
        while True:
            item = self.next_non_space()
            if item.typ == end:
                self.check_pipeline(pipe, context, item)
                return pipe
            if item.typ in (
                T_BOOL,
                T_CHAR_CONST,
                T_DOT,
                T_FIELD,
                T_IDENT,
                T_NUMBER,
                KEYWORDS["nil"],
                T_RAW_STRING,
                T_STRING,
                T_VARIABLE,
                T_LPAREN,
            ):
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(item, context)

    def check_pipeline(self, pipe: Pipe, context: str, item: Item) -> None:
        """Refuse an empty pipeline, or a non-command after the first stage of a pipe."""
        if not pipe.cmds:
            raise TemplateError(f"missing value for {context}", item.pos)
        for index, cmd in enumerate(pipe.cmds[1:], start=2):
            if isinstance(cmd.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                raise TemplateError(f"non executable command in pipeline stage {index}", cmd.pos)

    def command(self) -> Command:
        """One command: operands up to a pipe, a right delimiter or a right paren (Go's command)."""
        cmd = Command(self.peek_non_space().pos, [])
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            item = self.next()
            if item.typ == T_SPACE:
                continue
            if item.typ in (T_RIGHT_DELIM, T_RPAREN):
                self.backup()
            elif item.typ != T_PIPE:
                self.unexpected(item, "operand")
            break
        if not cmd.args:
            raise TemplateError("empty command", cmd.pos)
        return cmd

    def operand(self) -> Any:
        """A term with any field chain after it, `x.Field` (Go's operand)."""
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == T_FIELD:
            fields = []
            pos = self.peek().pos
            while self.peek().typ == T_FIELD:
                fields.append(self.next().val[1:])
            if isinstance(node, FieldNode):
                return FieldNode(node.pos, node.ident + fields)
            if isinstance(node, VariableNode):
                return VariableNode(node.pos, node.ident + fields)
            if isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                raise TemplateError(f"unexpected . after term {json.dumps(node_text(node))}", pos)
            return ChainNode(node.pos, node, fields)
        return node

    def term(self) -> Any:
        """A literal, a function name, dot, nil, a variable or a parenthesised pipeline (Go's term)."""
        item = self.next_non_space()
        typ = item.typ
        if typ == T_IDENT:
            if item.val not in self.functions:
                raise UndefinedFunction(item.val, item.pos)
            return IdentNode(item.pos, item.val)
        if typ == T_DOT:
            return DotNode(item.pos)
        if typ == KEYWORDS["nil"]:
            return NilNode(item.pos)
        if typ == T_VARIABLE:
            if item.val not in self.vars:
                raise TemplateError(f"undefined variable {json.dumps(item.val)}", item.pos)
            return VariableNode(item.pos, [item.val])
        if typ == T_FIELD:
            return FieldNode(item.pos, [item.val[1:]])
        if typ == T_BOOL:
            return BoolNode(item.pos, item.val == "true")
        if typ in (T_NUMBER, T_CHAR_CONST):
            return _new_number(item)
        if typ == T_LPAREN:
            return self.pipeline("parenthesized pipeline", T_RPAREN)
        if typ in (T_STRING, T_RAW_STRING):
            return StringNode(item.pos, item.val, unquote(item.val, item.pos))
        self.backup()
        return None


