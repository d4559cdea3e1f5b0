"""The evaluator of Go's text/template (a port of text/template/exec.go); data and functions come from the caller."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import builtins
from .gofmt import format_value
from .nodes import (Action, BoolNode, BreakNode, ChainNode, Command, ContinueNode, Control, DotNode, FieldNode,
                    IdentNode, ListNode, NilNode, NumberNode, Pipe, StringNode, Text, VariableNode, node_text)
from .values import (GoEnum, GoObject, MISSING, Member, NOARG, TemplateError, Unsupported, go_type_name, member_of,
                     truth)


class Break(Exception):
    """{{break}}: leaves the innermost range."""


class Continue(Exception):
    """{{continue}}: the next iteration of the innermost range."""


class Evaluator:
    """Walks a parsed template over `data` (Go's dot and `$`), calling `functions` by name; writes to `out`."""

    def __init__(self, data: Any, functions: Mapping[str, Callable[..., Any]]) -> None:
        self.root = data
        self.functions = functions
        self.pos = 0
        self.vars: list[list[Any]] = [["$", data]]
        self.out: list[str] = []

    # helpers ----------------------------------------------------------------------------------
    def at(self, node: Any) -> None:
        """Remember the node being evaluated, for the position in an error (Go's state.at)."""
        self.pos = node.pos

    def var_value(self, name: str) -> Any:
        """The value of the innermost variable `name` in scope (Go's state.varValue)."""
        for entry in reversed(self.vars):
            if entry[0] == name:
                return entry[1]
        raise TemplateError(f"undefined variable: {name}")

    def set_var(self, name: str, value: Any) -> None:
        """Assign to the innermost variable `name` in scope, as `$x = ...` does (Go's state.setVar)."""
        for entry in reversed(self.vars):
            if entry[0] == name:
                entry[1] = value
                return
        raise TemplateError(f"undefined variable: {name}")

    # walking ----------------------------------------------------------------------------------
    def walk(self, dot: Any, node: Any) -> None:
        """Execute one node with `dot` as the cursor, appending its output (Go's state.walk)."""
        self.at(node)
        if isinstance(node, Text):
            self.out.append(node.text)
        elif isinstance(node, Action):
            value = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(value)
        elif isinstance(node, ListNode):
            for child in node.nodes:
                self.walk(dot, child)
        elif isinstance(node, Control):
            if node.kind == "range":
                self.walk_range(dot, node)
            else:
                self.walk_if_or_with(dot, node)
        elif isinstance(node, BreakNode):
            raise Break()
        elif isinstance(node, ContinueNode):
            raise Continue()

    def walk_if_or_with(self, dot: Any, node: Control) -> None:
        """Execute {{if}} or {{with}}: the list when the pipeline is true, else the else branch."""
        mark = len(self.vars)
        try:
            value = self.eval_pipeline(dot, node.pipe)
            if truth(value):
                self.walk(value if node.kind == "with" else dot, node.body)
            elif node.else_body is not None:
                self.walk(dot, node.else_body)
        finally:
            del self.vars[mark:]

    def walk_range(self, dot: Any, node: Control) -> None:
        """Execute {{range}} over a slice, a map (in key order) or an integer, with {{break}} and {{continue}}."""
        mark = len(self.vars)
        try:
            value = self.eval_pipeline(dot, node.pipe)
            body_mark = len(self.vars)
            decl = node.pipe.decl

            def one(index: Any, element: Any) -> None:
                if decl:
                    if node.pipe.is_assign:
                        self.set_var(decl[0], index if len(decl) > 1 else element)
                    else:
                        self.vars[-1][1] = element
                if len(decl) > 1:
                    if node.pipe.is_assign:
                        self.set_var(decl[1], element)
                    else:
                        self.vars[-2][1] = index
                try:
                    self.walk(element, node.body)
                except Continue:
                    pass
                finally:
                    del self.vars[body_mark:]

            ran = False
            try:
                if isinstance(value, (list, tuple)):
                    for i, element in enumerate(value):
                        ran = True
                        one(i, element)
                elif isinstance(value, Mapping):
                    for key in sorted(value, key=str):
                        ran = True
                        one(key, value[key])
                elif isinstance(value, int) and not isinstance(value, (bool, GoEnum)):
                    if len(decl) > 1:
                        raise TemplateError(f"can't use {value} to iterate over more than one variable")
                    for i in range(value):
                        ran = True
                        one(i, i)
                elif value is None or value is MISSING:
                    pass
                else:
                    raise TemplateError(f"range can't iterate over {format_value(value)}")
            except Break:
                return
            if not ran and node.else_body is not None:
                self.walk(dot, node.else_body)
        finally:
            del self.vars[mark:]

    def print_value(self, value: Any) -> None:
        """Append a value as Go's fmt.Fprint would print it (`<no value>` for a missing key)."""
        if value is MISSING:
            self.out.append("<no value>")
            return
        self.out.append(format_value(value))

    # pipelines --------------------------------------------------------------------------------
    def eval_pipeline(self, dot: Any, pipe: Pipe) -> Any:
        """Evaluate a pipeline, each command's value passed as the next one's final argument."""
        self.at(pipe)
        value: Any = NOARG
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
            if value is None:
                # An interface holding nil becomes an invalid value between commands.
                value = MISSING
        for name in pipe.decl:
            if pipe.is_assign:
                self.set_var(name, value)
            else:
                self.vars.append([name, value])
        return value

    def eval_command(self, dot: Any, cmd: Command, final: Any) -> Any:
        """Evaluate one command of a pipeline: a field, chain, function, variable or constant."""
        first = cmd.args[0]
        if isinstance(first, FieldNode):
            self.at(first)
            return self.eval_field_chain(dot, dot, first, first.ident, cmd.args, final)
        if isinstance(first, ChainNode):
            return self.eval_chain(dot, first, cmd.args, final)
        if isinstance(first, IdentNode):
            return self.eval_function(dot, first, cmd.args, final)
        if isinstance(first, Pipe):
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if isinstance(first, VariableNode):
            return self.eval_variable(dot, first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if isinstance(first, BoolNode):
            return first.value
        if isinstance(first, DotNode):
            return dot
        if isinstance(first, NilNode):
            raise TemplateError("nil is not a command")
        if isinstance(first, NumberNode):
            return self.ideal_constant(first)
        if isinstance(first, StringNode):
            return first.value
        raise TemplateError(f"can't evaluate command {node_text(first)!r}")

    def not_a_function(self, args: list[Any], final: Any) -> None:
        """Refuse arguments given to something that is not a function (Go's notAFunction)."""
        if len(args) > 1 or final is not NOARG:
            raise TemplateError(f"can't give argument to non-function {node_text(args[0])}")

    def ideal_constant(self, node: NumberNode) -> Any:
        """A number literal as Go's untyped constant: an int, a float, a rune or a complex."""
        self.at(node)
        text = node.text
        is_hex_int = len(text) > 2 and text[0] == "0" and text[1] in "xX" and not any(c in text for c in "pP")
        if node.is_float and not is_hex_int and text[0] != "'" and any(c in text for c in ".eEpP"):
            return node.float_value
        if node.is_int:
            return node.int_value
        raise TemplateError(f"{text} overflows int")

    def eval_chain(self, dot: Any, chain: ChainNode, args: list[Any], final: Any) -> Any:
        """Evaluate a chained field access on a parenthesised value, `(pipeline).Field.Other`."""
        self.at(chain)
        if isinstance(chain.node, NilNode):
            raise TemplateError(f"indirection through explicit nil in {node_text(chain)}")
        receiver = self.eval_arg(dot, chain.node, "any")
        return self.eval_field_chain(dot, receiver, chain, chain.fields, args, final)

    def eval_variable(self, dot: Any, node: VariableNode, args: list[Any], final: Any) -> Any:
        """Evaluate `$x` and any fields after it, `$x.A.B`."""
        self.at(node)
        idents = node.ident
        value = self.var_value(idents[0])
        if len(idents) == 1:
            self.not_a_function(args, final)
            return value
        return self.eval_field_chain(dot, value, node, idents[1:], args, final)

    def eval_field_chain(
        self, dot: Any, receiver: Any, node: Any, ident: list[str], args: list[Any], final: Any
    ) -> Any:
        """Follow `.A.B.C` from `receiver`, the last field getting the arguments."""
        for name in ident[:-1]:
            receiver = self.eval_field(dot, name, node, [], NOARG, receiver)
        return self.eval_field(dot, ident[-1], node, args, final, receiver)

    def eval_field(self, dot: Any, name: str, node: Any, args: list[Any], final: Any, receiver: Any) -> Any:
        """One field or method of `receiver` (a map key, a struct field or a method), called with its arguments."""
        if receiver is MISSING:
            return MISSING
        has_args = len(args) > 1 or final is not NOARG
        if receiver is None:
            raise TemplateError(f"nil pointer evaluating interface {{}}.{name}")
        if isinstance(receiver, GoObject):
            member = receiver.member(name)
            if member is None:
                if name in receiver.absent or not name[:1].isupper():
                    raise TemplateError(f"can't evaluate field {name} in type {receiver.go_type}")
                raise Unsupported(f"{node_text(node)} (.{name} on {receiver.go_type})")
            if member.is_field:
                if has_args:
                    raise TemplateError(f"{name} has arguments but cannot be invoked as function")
                return member.fn()
            return self.call(dot, member, name, args, final)
        if isinstance(receiver, Mapping):
            if has_args:
                raise TemplateError(f"{name} is not a method but has arguments")
            return receiver.get(name, MISSING)  # a mapping may look keys up its own way (Hugo's case-blind Params)
        raise TemplateError(f"can't evaluate field {name} in type {go_type_name(receiver)}")

    def eval_function(self, dot: Any, node: IdentNode, args: list[Any], final: Any) -> Any:
        """Call the template function `node` names from the caller's function table."""
        self.at(node)
        fn = self.functions.get(node.name)
        if fn is None:  # pragma: no cover - the parser rejects unknown functions
            raise Unsupported(node.name)
        return self.call(dot, member_of(fn), node.name, args, final)

    def call(self, dot: Any, member: Member, name: str, args: list[Any], final: Any) -> Any:
        """Call a function or method with its arguments checked against its parameter kinds (Go's evalCall)."""
        arg_nodes = args[1:]
        count = len(arg_nodes) + (0 if final is NOARG else 1)
        fixed = len(member.params)
        if member.variadic is not None:
            if count < fixed:
                raise TemplateError(f"wrong number of args for {name}: want at least {fixed} got {len(arg_nodes)}")
        elif count != fixed:
            raise TemplateError(f"wrong number of args for {name}: want {fixed} got {count}")

        def kind_at(i: int) -> str:
            return member.params[i] if i < fixed else (member.variadic or "any")

        if member.fn is builtins.and_ or member.fn is builtins.or_:  # Go evaluates their arguments lazily
            value: Any = MISSING
            for node in arg_nodes:
                value = self.eval_arg(dot, node, "raw")
                if truth(value) == (member.fn is builtins.or_):
                    return value
            if final is not NOARG:
                value = final
            return value
        values = [self.eval_arg(dot, node, kind_at(i)) for i, node in enumerate(arg_nodes)]
        if final is not NOARG:
            values.append(self.validate(final, kind_at(len(values))))
        if args:
            self.at(args[0])
        if getattr(member.fn, "pass_data", False):
            values.insert(0, self.root)
        try:
            return member.fn(*values)
        except TemplateError as failure:
            if failure.message.startswith(("wrong number of args", "missing arguments")):
                raise
            raise TemplateError(f"error calling {name}: {failure.message}") from None

    def validate(self, value: Any, kind: str) -> Any:
        """Check an argument's value against the parameter kind the function takes (Go's validateType)."""
        if kind == "raw":
            return value
        if value is MISSING:
            if kind == "any":
                return None
            raise TemplateError(f"invalid value; expected {kind}")
        if kind == "string" and not isinstance(value, str):
            raise TemplateError(f"wrong type for value; expected string; got {go_type_name(value)}")
        if kind == "int" and (not isinstance(value, int) or isinstance(value, bool)):
            raise TemplateError(f"wrong type for value; expected int; got {go_type_name(value)}")
        return value

    def eval_arg(self, dot: Any, node: Any, kind: str) -> Any:
        """Evaluate one argument node for a parameter of `kind` (Go's evalArg)."""
        self.at(node)
        if isinstance(node, DotNode):
            return self.validate(dot, kind)
        if isinstance(node, NilNode):
            if kind in ("any", "raw"):
                return None
            raise TemplateError(f"cannot assign nil to {kind}")
        if isinstance(node, FieldNode):
            return self.validate(self.eval_field_chain(dot, dot, node, node.ident, [node], NOARG), kind)
        if isinstance(node, VariableNode):
            return self.validate(self.eval_variable(dot, node, [], NOARG), kind)
        if isinstance(node, Pipe):
            return self.validate(self.eval_pipeline(dot, node), kind)
        if isinstance(node, IdentNode):
            return self.validate(self.eval_function(dot, node, [node], NOARG), kind)
        if isinstance(node, ChainNode):
            return self.validate(self.eval_chain(dot, node, [], NOARG), kind)
        if kind == "string":
            if isinstance(node, StringNode):
                return node.value
            raise TemplateError(f"expected string; found {node_text(node)}")
        if kind == "int":
            if isinstance(node, NumberNode) and node.is_int:
                return node.int_value
            raise TemplateError(f"expected integer; found {node_text(node)}")
        if isinstance(node, BoolNode):
            return node.value
        if isinstance(node, NumberNode):
            return self.ideal_constant(node)
        if isinstance(node, StringNode):
            return node.value
        raise TemplateError(f"can't handle {node_text(node)} for arg")


