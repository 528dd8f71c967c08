"""The CLI package keeps one home per command family (issue 11): every command is handled
in its area's module, not in ``shadow/cli/__init__.py``, and no function anywhere in the
``shadow`` package grows past 80 lines again."""

import argparse
import ast
from pathlib import Path

from shadow.cli import build_parser

PACKAGE = Path(__file__).resolve().parents[2] / "shadow"
CLI = PACKAGE / "cli"


def _handlers(parser: argparse.ArgumentParser, path: str = "shadow"):
    """(command path, handler) for every parser in the tree that sets ``func``."""
    func = parser.get_default("func")
    if func is not None:
        yield path, func
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _handlers(child, f"{path} {name}")


def test_every_command_is_handled_in_an_area_module():
    handlers = list(_handlers(build_parser()))
    assert len({path.split()[1] for path, _ in handlers}) >= 27  # every top-level command
    misplaced = [
        f"{path}: {func.__module__}.{func.__name__}"
        for path, func in handlers
        if func.__module__ == "shadow.cli"
        or not func.__module__.startswith(("shadow.cli.", "shadow.serve"))
    ]
    assert misplaced == []


def test_each_area_module_registers_its_commands():
    """Every area module adds its own commands (register, register_wait, register_kudos,
    ...); the shared helpers handle no command."""
    modules = {p.stem for p in CLI.glob("*.py")} - {"__init__", "_common", "tui"}
    for stem in sorted(modules):
        tree = ast.parse((CLI / f"{stem}.py").read_text(encoding="utf-8"))
        top = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert any(name.startswith("register") for name in top), stem
    common = ast.parse((CLI / "_common.py").read_text(encoding="utf-8"))
    assert not [
        n.name for n in common.body if isinstance(n, ast.FunctionDef) and n.name.startswith("cmd_")
    ]


def test_no_function_is_over_80_lines():
    """Every function and method in ``shadow/`` (CLI, core, TUI, serve): a long one is
    broken into named steps instead."""
    paths = sorted(PACKAGE.rglob("*.py"))
    assert CLI / "__init__.py" in paths and PACKAGE / "core" / "store.py" in paths
    long = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > 80:
                    where = path.relative_to(PACKAGE)
                    long.append(f"{where}:{node.lineno} {node.name} ({lines} lines)")
    assert long == []


def test_a_module_over_500_lines_says_why():
    """Issue 11: no module over ~500 lines without a reason written at its top (in its
    docstring: "Over 500 lines: ..." or "because ...")."""
    silent = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 500:
            doc = ast.get_docstring(ast.parse(text)) or ""
            if "over 500 lines" not in " ".join(doc.lower().split()):
                silent.append(str(path.relative_to(PACKAGE)))
    assert silent == []
