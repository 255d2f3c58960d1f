"""Ending the dashboard on an internal error: `core/crash_report.py`'s report (where, never what) and exit code 1.

Textual's own report prints every frame's local variables, client data among them (SOP 5A). The dashboard's
entry points — every action (`SopdashApp.run_action`), the tick and the screen's message handlers
(`reported`) — catch an unexpected exception first and end here instead. Before anything else, every open
dialog's draft is kept for the technician (`sopdash.desk.drafts`), and the message says so.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from rich.text import Text
from textual.app import App
from textual.dom import DOMNode

from sopdash.core.crash_report import crash_report
from sopdash.core.errors import error_text
from sopdash.tui.dialogs.base import Dialog, DraftKeeper

P = ParamSpec("P")
R = TypeVar("R")
Node = TypeVar("Node", bound=DOMNode)


def end_on_crash(app: App, error: BaseException) -> None:
    """Have the app exit with code 1 and print the crash report (once: the first error is the one to report)."""
    if app.return_code:
        return
    kept = keep_drafts(app)
    app.bell()
    app.exit(return_code=1, message=Text("\n".join([crash_report(error), *kept])))


def keep_drafts(app: App) -> list[str]:
    """Keep what every open dialog holds (the app's `drafts`); what became of each draft, in words."""
    keeper: DraftKeeper | None = getattr(app, "drafts", None)
    said = []
    for screen in app.screen_stack:
        if not isinstance(screen, Dialog) or not screen.DRAFT or keeper is None:
            continue
        try:
            draft, label = screen.draft(), screen.draft_label()
        except Exception:
            continue  # the dialog itself is broken: nothing can be read from it
        if not draft.strip():
            continue
        try:
            keeper.keep(screen.draft_place(), draft)
        except Exception as failure:
            said.append(f"Your draft of the {label} could not be kept: {error_text(failure)}")
        else:
            said.append(f"Your draft of the {label} is kept: it comes back when you open that dialog again.")
    return said


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
