"""Presence in the dashboard: say which ticket this technician is on (and whether they are writing), and show
who else is on which ticket — in the detail pane, as a mark on queue rows, and as a warning before answering
a client someone else is already answering.

Every tick a worker renews this dashboard's entry (a write only when it changed or every few seconds) and
lists the others (one directory listing when nobody else is around; on PostgreSQL, rows of sopdash.presence).
"""

from __future__ import annotations

from collections.abc import Callable
from textual import work
from textual.app import App
from textual.reactive import var

from sopdash.core.errors import SopdashError
from sopdash.core.presence import VIEWING, Presence, busy_tickets, reply_warning
from sopdash.desk import Desk
from sopdash.store.presence import PresenceBoard
from sopdash.tui.dialogs.confirm_dialog import ConfirmDialog
from sopdash.tui.dialogs.writing_dialog import WritingDialog


class PresenceWatch(App[int]):
    """Part of the dashboard app (`SopdashApp`): this dashboard's presence and everyone else's."""

    presence: var[tuple[Presence, ...]] = var((), init=False)
    """Every other dashboard's fresh entry."""

    desk: Desk
    _presence_board: PresenceBoard | None = None

    def start_presence(self) -> None:
        self._presence_board = self.desk.store.presence_board(self.desk.actor)

    def stop_presence(self) -> None:
        board, self._presence_board = self._presence_board, None  # a tick that comes late announces nothing
        if board is not None:
            try:
                board.leave()
            except (OSError, SopdashError):
                pass  # it goes stale by itself

    def share_presence(self) -> None:
        """Every tick: announce what this dashboard shows, and hear the others (in a worker)."""
        if self._presence_board is not None and self.query("#queue"):  # none while the dashboard closes
            ticket_id, activity = self.presence_activity()
            self._share(self._presence_board, ticket_id, activity)

    def presence_activity(self) -> tuple[int | None, str]:
        """The ticket a writing dialog is open on and what it writes, else the ticket shown and `viewing`."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, WritingDialog) and screen.ticket.id:  # id 0: a bulk action's stand-in
                return screen.ticket.id, screen.activity
        return self.current_id, VIEWING  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="presence", exit_on_error=False)
    def _share(self, board: PresenceBoard, ticket_id: int | None, activity: str) -> None:
        try:
            board.announce(ticket_id, activity)
            others = tuple(board.others())
        except OSError as error:
            self.call_from_thread(self._presence_failed, f"{board.directory}: {error.strerror or error}")
            return
        except SopdashError as error:  # a database store's presence table
            self.call_from_thread(self._presence_failed, str(error))
            return
        self.call_from_thread(self._presence_heard, others)

    def _presence_heard(self, others: tuple[Presence, ...]) -> None:
        def shown(entries: tuple[Presence, ...]) -> list[tuple]:
            return sorted((e.login, e.host, e.pid, e.ticket_id or 0, e.activity) for e in entries)

        if shown(others) != shown(self.presence):  # renewals alone change nothing on screen
            self.presence = others

    def _presence_failed(self, error: str) -> None:
        self._presence_board = None
        self.notify(f"Presence is off: {error}", title="Presence", severity="warning", timeout=10, markup=False)

    def watch_presence(self, presence: tuple[Presence, ...]) -> None:
        if not self.query("#queue"):
            return  # the worker's answer came as the dashboard was closing
        self.queue.set_busy(busy_tickets(presence))  # type: ignore[attr-defined]
        self._show_detail()  # type: ignore[attr-defined]

    def warn_if_answered(self, ticket_id: int, then: Callable[[], object]) -> None:
        """Before answering a client: ask first if someone else is writing to the same ticket."""
        warning = reply_warning(self.presence, ticket_id)
        if warning is None:
            then()
            return
        question = ConfirmDialog(warning, "Someone else is on this ticket", "Answer anyway", "Leave it")
        self.push_screen(question, lambda yes: then() if yes else None)
