"""The requester's other tickets in the dashboard: listed in the detail pane, and `O` jumps to the next one.

The tickets are grouped by requester once per store load, in a worker, so moving the cursor looks a
requester up instead of scanning every ticket.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from sopdash.core.board import Board
from sopdash.core.model import Ticket
from sopdash.core.requesters import TicketsByRequester, next_requester_ticket, other_tickets, tickets_by_requester
from sopdash.tui.messages import RequestersGrouped

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

REQUESTERS = "requesters"  # worker group


class RequesterTickets:
    """A client's other tickets on the board `screen` shows."""

    def __init__(self, screen: DashboardScreen) -> None:
        self.screen = screen
        self._grouped: tuple[Board | None, TicketsByRequester] = (None, {})

    def group(self, board: Board) -> None:
        """Group the loaded tickets by requester, in a worker (called after each load)."""
        self.screen.run_worker(partial(self._group, board), group=REQUESTERS, thread=True, exclusive=True, exit_on_error=False)

    def _group(self, board: Board) -> None:
        """In the worker."""
        self.screen.post_message(RequestersGrouped(board, tickets_by_requester(row.ticket for row in board.rows)))

    def grouped(self, grouping: RequestersGrouped) -> None:
        self._grouped = (grouping.board, grouping.index)

    def others(self, ticket: Ticket) -> list[Ticket]:
        """The same client's other tickets, open first (none until the grouping of the current load is done)."""
        board, index = self._grouped
        return other_tickets(ticket, index) if board is self.screen.board else []

    def next_after(self, ticket: Ticket) -> Ticket | None:
        """The requester's next other ticket (open ones first), round and round."""
        board, index = self._grouped
        return next_requester_ticket(ticket, index) if board is self.screen.board else None
