"""Colleagues' hand-over notes are what a technician sees first: when the dashboard opens and notes were left since
their last look, the hand-over screen (`H`) opens on them. Read in a worker, so opening never waits on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sopdash.desk.handover import HandoverBook
from sopdash.tui.handover_screen import HandoverScreen
from sopdash.tui.messages import HandoverNotesLeft

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

HANDOVER_NOTES = "handover-notes"  # worker group


class HandoverNotes:
    """Looks once, as the dashboard opens, for hand-over notes this technician has not seen."""

    def __init__(self, screen: DashboardScreen) -> None:
        self.screen = screen

    def start(self) -> None:
        self.screen.run_worker(self._look, group=HANDOVER_NOTES, thread=True, exit_on_error=False)

    def _look(self) -> None:
        """In the worker."""
        if HandoverBook(self.screen.desk).unread_notes():
            self.screen.post_message(HandoverNotesLeft())

    def left(self) -> None:
        """Notes are waiting: the hand-over screen opens on them."""
        self.screen.app.push_screen(HandoverScreen(self.screen.desk))
