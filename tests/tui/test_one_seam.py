"""The dashboard reaches the store, the mail and presence only through the desk, its parts share no private
state, and it overrides none of Textual's private methods."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.dom import DOMNode

import sopdash.tui

TUI = Path(sopdash.tui.__file__).parent
SOURCES = sorted(TUI.rglob("*.py"))


def imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_dashboard_goes_through_the_desk():
    for source in SOURCES:
        text = source.read_text(encoding="utf-8")
        tree = ast.parse(text)
        outside = {name for name in imported(tree) if name.startswith(("sopdash.store", "sopdash.mail"))}
        assert not outside, (source.name, outside)
        reached = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "store"]
        assert not reached, (source.name, "desk.store")
        assert "type: ignore[attr-defined]" not in text, source.name
        assert "call_from_thread" not in text, source.name  # workers report with typed messages


def test_no_private_textual_method_is_overridden():
    for module in pkgutil.walk_packages(sopdash.tui.__path__, "sopdash.tui."):
        for cls in vars(importlib.import_module(module.name)).values():
            if not (inspect.isclass(cls) and issubclass(cls, DOMNode) and cls.__module__.startswith("sopdash")):
                continue
            textual_bases = [base for base in cls.__mro__ if base.__module__.startswith("textual")]
            for name, value in vars(cls).items():
                if inspect.isfunction(value) and name.startswith("_") and not name.startswith("__"):
                    assert not any(name in vars(base) for base in textual_bases), f"{cls.__name__}.{name}"
