"""The package's shape: no import cycle (module-level or deferred), and no module too long to follow."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "drafter"
MAX_LINES = 1000
# Known exceptions, each until the split that removes it lands.
LONG_MODULES: set[str] = set()
KNOWN_CYCLE_EDGES: set[tuple[str, str]] = set()  # none left: grounding reads the scanner from drafter/post/markdown.py


def module_name(path: Path) -> str:
    """`drafter/chat/base.py` -> `drafter.chat.base`; a package's __init__ is the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package, by name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_names(path: Path, name: str, known: set[str]) -> set[str]:
    """The package's modules that `name` imports anywhere in its file (top level, in functions, under TYPE_CHECKING)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # `from . import x` and `from .pkg import mod` name modules; `from .mod import f` names the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `drafter.chat.base.Message` -> `drafter.chat.base`
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    found = modules()
    known = set(found)
    return {name: imported_names(path, name, known) for name, path in found.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


# A package's __init__ importing its own modules is not a cycle worth reporting for this rule: Python
# runs a package's __init__ before any of its modules, so the edge module -> package is how they reach it.
def without_package_edges(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph without edges from a module to the package that contains it."""
    return {name: {t for t in targets if not name.startswith(t + ".")} for name, targets in graph.items()}


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
        ({"a": {"a2"}, "a2": set(), "b": {"a", "b2"}, "b2": {"b"}}, ["b", "b2", "b"]),
    ],
)
def test_find_cycle(graph, cycle):
    """The cycle finder itself: a test that could not fail would prove nothing."""
    assert find_cycle(graph) == cycle


def test_graph_sees_deferred_relative_imports():
    """Regression guard: a function-level `from .x import y` counts like a top-level import."""
    graph = import_graph()
    assert "drafter.chat.openai" in graph["drafter.chat.stack"]  # imported inside a function only
    assert "drafter.errors" in graph["drafter.chat.openai"]  # `from ..errors import ...`


def test_no_import_cycle():
    """No module imports, directly or through others, one that imports it back."""
    graph = without_package_edges(import_graph())
    for source, target in KNOWN_CYCLE_EDGES:
        graph.get(source, set()).discard(target)
    assert find_cycle(graph) is None


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_over_limit(name):
    """Every module stays short enough to read in one sitting."""
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    if name in LONG_MODULES:
        pytest.xfail(f"{name} has {lines} lines: a known exception until its split lands")
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it (at most {MAX_LINES})"


LIGHT_COMMANDS = {
    # command -> what it must never load: the drafting machinery belongs to `new` and `regen` only
    "check": ("openai", "httpx", "jinja2", "tenacity", "drafter.pipeline", "drafter.chat.stack", "drafter.chat.openai",
              "drafter.prompts"),
    "sections": ("openai", "httpx", "jinja2", "tenacity", "drafter.pipeline", "drafter.chat.stack", "drafter.prompts"),
}


@pytest.mark.parametrize("command", sorted(LIGHT_COMMANDS))
def test_light_commands_load_no_drafting_machinery(command, tmp_path):
    """Regression: `drafter check` loaded the whole pipeline, and `drafter sections` built prompts and a client."""
    import subprocess
    import sys

    draft = sorted((PACKAGE.parent / "tests" / "corpus" / "good").glob("*.md"))[0]
    arguments = [command, str(draft)] + (["--offline"] if command == "check" else [])
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from drafter.cli import app\n"
        f"result = CliRunner().invoke(app, {arguments!r})\n"
        "assert result.exception is None or isinstance(result.exception, SystemExit), result.output\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path,
                          env={"PATH": "", "DRAFTER_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "drafter.commands." + command in loaded  # the probe ran the command
    assert [name for name in LIGHT_COMMANDS[command] if name in loaded] == []
