"""Ending the dashboard on an internal error: `core/crash_report.py`'s report (where, never what) and exit code 1.

Textual's own report prints every frame's local variables, client data among them (SOP 5A). The dashboard's
entry points — every action (`SopdashApp.run_action`), the tick and the screen's message handlers
(`reported`) — catch an unexpected exception first and end here instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from rich.text import Text
from textual.app import App
from textual.dom import DOMNode

from sopdash.core.crash_report import crash_report

P = ParamSpec("P")
R = TypeVar("R")
Node = TypeVar("Node", bound=DOMNode)


def end_on_crash(app: App, error: BaseException) -> None:
    """Have the app exit with code 1 and print the crash report (once: the first error is the one to report)."""
    if app.return_code:
        return
    app.bell()
    app.exit(return_code=1, message=Text(crash_report(error)))


def reported(handler: Callable[Concatenate[Node, P], R]) -> Callable[Concatenate[Node, P], R | None]:
    """A node's handler whose unexpected exception ends the dashboard with the crash report."""

    @functools.wraps(handler)
    def guarded(node: Node, *args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return handler(node, *args, **kwargs)
        except Exception as error:
            end_on_crash(node.app, error)
            return None

    return guarded
