"""Another process's change on screen: the board is read again when the store's signature moves (every write
replaces the live file; a database counts its announcements, or polls its change log while their line is
down), and at once when a store announces a change (PostgreSQL's LISTEN/NOTIFY).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sopdash.core.errors import SopdashError
from sopdash.desk import Desk
from sopdash.tui.messages import StoreAnnounced

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

STORE_WATCH_S = 0.2  # a stat of the live file: cheap enough to see another technician's change within half a second


class StoreWatch:
    """Watches the store for `screen`, whose `StoreAnnounced` handler reloads."""

    def __init__(self, screen: DashboardScreen, desk: Desk) -> None:
        self.screen = screen
        self.desk = desk

    def start(self) -> None:
        self.desk.subscribe(self._announced)
        self.screen.set_interval(STORE_WATCH_S, self.look)

    def _announced(self) -> None:
        """Called in the store's listening thread."""
        self.screen.post_message(StoreAnnounced())

    def look(self) -> None:
        """Reload if the store changed since the board on screen was read (an action's own write is reloaded
        when the action is done)."""
        screen = self.screen
        screen.line_lost = self.desk.connection_lost()
        if screen.loader.busy or screen.errands.under_way or screen.board is None:
            return
        try:
            signature = self.desk.signature()
        except SopdashError as error:
            screen.loader.report(str(error))
            return
        if signature != screen.board.signature:
            screen.loader.reload()
