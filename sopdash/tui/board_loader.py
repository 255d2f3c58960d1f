"""Reading the store into the board the dashboard shows: in a worker, one read at a time, never the whole archive;
the *all* view takes in history a page at a time, newest first, the next page once the technician scrolls to the
end of what is shown, and `:` reads the one ticket it goes to.

Whether a read runs is a small state machine, changed only on the UI thread: idle; loading; or loading with
another read asked for meanwhile, which starts once this one is on screen (a burst of changes costs two
reads, not one each).
"""

from __future__ import annotations

import gc

from collections.abc import Callable
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING

from sopdash.core.board import Board
from sopdash.core.queue import Ordering, Query, arrange
from sopdash.core.summary import Cursor
from sopdash.desk import Desk
from sopdash.tui.messages import QueueArranged

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

RELOAD = "reload"  # worker group


class Loading(Enum):
    IDLE = "idle"
    LOADING = "loading"
    LOADING_AGAIN = "loading, and again once done"


class BoardLoader:
    """Reads the store for `screen` (which shows the board in its `QueueArranged` handler)."""

    def __init__(self, screen: DashboardScreen, desk: Desk) -> None:
        self.screen = screen
        self.desk = desk
        self.state = Loading.IDLE
        self.history_pages = 0
        """How many pages of history (newest first) a read takes in."""
        self.board_pages = 0
        """How many pages of history the board on screen holds."""
        self.page_cursor: Cursor | None = None
        """Where the page older than those on screen starts; None if none remains."""
        self.pinned: frozenset[int] = frozenset()
        """Tickets asked for by number (`:`), read alone and kept on the board though no page holds them."""
        self._after_pin: tuple[int, Callable[[], object]] | None = None
        self.progress = ""
        """What is being read, for the queue's title."""
        self._error = ""

    @property
    def busy(self) -> bool:
        return self.state is not Loading.IDLE

    def reload(self) -> None:
        """Read the store again in a worker; asked for while a read runs, another follows it."""
        if self.state is not Loading.IDLE:
            self.state = Loading.LOADING_AGAIN
            return
        self.state = Loading.LOADING
        screen = self.screen
        held = (self.board_pages, self.page_cursor)
        read = partial(self._read, screen.board, screen.queue_query, screen.ordering, self.history_pages, held,
                       self.pinned)
        screen.run_worker(read, group=RELOAD, thread=True, exclusive=True, exit_on_error=False)

    def _read(self, previous: Board | None, query: Query, ordering: Ordering, pages: int,
              held: tuple[int, Cursor | None], pinned: frozenset[int]) -> None:
        """In the worker: the board, arranged for the query and ordering the screen had when the read began. Pages
        of history come one more at a time onto the board on screen while the store has not changed since it was
        read (the live file is not read again); after a change, the live file and every page again."""
        signature = self.desk.signature()  # before reading: a write during the read shows on the next look
        cursor = None
        if pages and previous is not None and previous.signature == signature and held[0] == pages - 1 and (
                held[0] == 0 or held[1] is not None):
            shown = [row.ticket for row in previous.rows]
            older, cursor = self.desk.next_history_page(held[1], {ticket.id for ticket in shown})
            tickets = [*shown, *older]
        elif pages:
            tickets, cursor = self.desk.recent_history(pages)
        else:
            tickets = self.desk.tickets()
        if pinned:
            on_board = {ticket.id for ticket in tickets}
            tickets += self.desk.tickets_by_id([ticket_id for ticket_id in pinned if ticket_id not in on_board])
        # The business calendars extend their tables under their own lock, so this thread may share them.
        board = Board.load(tickets, self.desk.policy, self.desk.clock(), signature, previous)
        arrangement = arrange(board, query, ordering, board.moment(board.loaded_at))
        self.screen.post_message(QueueArranged(board, arrangement, query, ordering, reloaded=True,
                                               history_pages=pages, next_page=cursor, pinned=pinned))

    @property
    def more_history(self) -> bool:
        """Whether history older than the pages on screen remains."""
        return bool(self.board_pages) and self.page_cursor is not None

    def loaded(self, history_pages: int = 0, next_page: Cursor | None = None,
               pinned: frozenset[int] = frozenset()) -> bool:
        """A read reached the screen: back to idle; True if another was asked for meanwhile (to start once the
        board is shown)."""
        again = self.state is Loading.LOADING_AGAIN
        self.state = Loading.IDLE
        gc.freeze()  # what a load keeps is never scanned by a full collection again, so none stalls a key press
        self.board_pages, self.page_cursor = history_pages, next_page
        if self.history_pages and self.progress:
            self.progress = ""
            self.screen.update_titles()
        if self._error:
            self._error = ""
            self.screen.notify("The store can be read again.", title="Store")
        if self._after_pin is not None and self._after_pin[0] in pinned:
            (_, then), self._after_pin = self._after_pin, None
            self.screen.call_later(then)
        return again

    def failed(self, error: str) -> None:
        """The read failed: the last good board stays on screen, and the error is said."""
        self.state = Loading.IDLE
        self.report(error)

    def report(self, error: str) -> None:
        """Say why the store cannot be read, once until it can be again."""
        if error != self._error:
            self._error = error
            self.screen.notify(error, title="Cannot read the store", severity="error", timeout=10, markup=False)

    def read_ticket(self, ticket_id: int, then: Callable[[], object]) -> None:
        """Take in one ticket the board lacks (an archived one is read alone, from its month's index); then call
        `then`, the ticket on the board if there is one."""
        self.pinned |= {ticket_id}
        self._after_pin = (ticket_id, then)
        self.reload()

    def read_pages(self) -> None:
        """Take in the newest page of history (the *all* view); older ones follow with `next_page`."""
        if not self.history_pages:
            self.history_pages = 1
            self.progress = "reading history…"
            self.screen.update_titles()
            self.reload()

    def next_page(self) -> None:
        """Take in the next older page of history, unless one is being read or none is left."""
        if self.more_history and self.state is Loading.IDLE:
            self.history_pages = self.board_pages + 1
            self.progress = "reading older history…"
            self.screen.update_titles()
            self.reload()

    def drop_pages(self) -> None:
        """No view shows history now: later reads take in the live tickets only."""
        self.history_pages = 0
