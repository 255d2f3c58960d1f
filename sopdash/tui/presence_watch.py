"""Presence in the dashboard: say which ticket this technician is on (and whether they are writing), and hear
who else is on which ticket — shown in the detail pane, as a mark on queue rows, and as a warning before
answering a client someone else is already answering.

Every tick a worker renews this dashboard's entry (a write only when it changed or every few seconds) and
lists the others (one directory listing when nobody else is around; on PostgreSQL, rows of sopdash.presence).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from sopdash.core.errors import SopdashError
from sopdash.core.presence import EDITING, VIEWING, Presence, reply_warning
from sopdash.desk import Desk
from sopdash.desk.presence import PresenceBoard
from sopdash.tui.dialogs.confirm_dialog import ConfirmDialog
from sopdash.tui.dialogs.ticket_form_dialogs import EditTicketDialog
from sopdash.tui.dialogs.writing_dialog import WritingDialog
from sopdash.tui.messages import PresenceHeard

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

PRESENCE = "presence"  # worker group


class PresenceWatch:
    """This dashboard's presence and everyone else's, for `screen` (which shows them as its `presence`)."""

    def __init__(self, screen: DashboardScreen, desk: Desk) -> None:
        self.screen = screen
        self.desk = desk
        self.board: PresenceBoard | None = None
        self.failing: str | None = None  # why the last tick failed, said once; None while all is well

    def start(self) -> None:
        self.board = self.desk.presence()

    def stop(self) -> None:
        board, self.board = self.board, None  # a tick that comes late announces nothing
        if board is not None:
            try:
                board.leave()
            except (OSError, SopdashError):
                pass  # it goes stale by itself

    def share(self) -> None:
        """Every tick: announce what this dashboard shows, and hear the others (in a worker)."""
        if self.board is not None:
            ticket_id, activity = self.activity()
            share = partial(self._share, self.board, ticket_id, activity)
            self.screen.run_worker(share, group=PRESENCE, thread=True, exclusive=True, exit_on_error=False)

    def activity(self) -> tuple[int | None, str]:
        """The ticket a writing or editing dialog is open on and what it does, else the ticket shown and
        `viewing`."""
        for screen in reversed(self.screen.app.screen_stack):
            if isinstance(screen, WritingDialog) and screen.ticket.id:  # id 0: a bulk action's stand-in
                return screen.ticket.id, screen.activity
            if isinstance(screen, EditTicketDialog):
                return screen.ticket.id, EDITING
        return self.screen.current_id, VIEWING

    def _share(self, board: PresenceBoard, ticket_id: int | None, activity: str) -> None:
        """In the worker."""
        board.announce(ticket_id, activity)
        self.screen.post_message(PresenceHeard(tuple(board.others())))

    def heard(self, others: tuple[Presence, ...]) -> None:
        """Show the others, if anything but their renewals changed."""

        def shown(entries: tuple[Presence, ...]) -> list[tuple]:
            return sorted((e.login, e.host, e.pid, e.ticket_id or 0, e.activity) for e in entries)

        self.failing = None
        if shown(others) != shown(self.screen.presence):
            self.screen.presence = others

    def failed(self, error: BaseException) -> None:
        """The board cannot be read or written now (a lost line, say): said once, and tried again every tick, so
        presence comes back with the connection."""
        if isinstance(error, OSError):
            reason = f"{error.filename}: {error.strerror}" if error.filename else str(error)
        else:
            reason = str(error)  # a database store's presence table
        if reason != self.failing:
            self.failing = reason
            self.screen.notify(f"Presence is unavailable, trying again: {reason}", title="Presence", severity="warning",
                               timeout=10, markup=False)

    def warn_if_answered(self, ticket_id: int, then: Callable[[], object]) -> None:
        """Before answering a client: ask first if someone else is writing to the same ticket."""
        warning = reply_warning(self.screen.presence, ticket_id)
        if warning is None:
            then()
            return
        question = ConfirmDialog(warning, "Someone else is on this ticket", "Answer anyway", "Leave it")
        self.screen.app.push_screen(question, lambda yes: then() if yes else None)
