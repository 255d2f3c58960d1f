"""The requester's other tickets in the dashboard: listed in the detail pane, and `O` jumps to the next one.

The tickets are grouped by requester once per store load, in a worker, so moving the cursor looks a
requester up instead of scanning every ticket.
"""

from __future__ import annotations

from textual import work
from textual.app import App

from sopdash.core.board import Board
from sopdash.core.model import Ticket
from sopdash.core.requesters import TicketsByRequester, next_requester_ticket, other_tickets, tickets_by_requester


class RequesterTickets(App[int]):
    """Part of the dashboard app (`SopdashApp`): a client's other tickets."""

    _requesters: tuple[Board | None, TicketsByRequester] = (None, {})

    def group_requesters(self, board: Board) -> None:
        """Group the loaded tickets by requester, in a worker (called after each load)."""
        self._group(board)

    @work(thread=True, exclusive=True, group="requesters", exit_on_error=False)
    def _group(self, board: Board) -> None:
        index = tickets_by_requester(row.ticket for row in board.rows)
        self.call_from_thread(self._grouped, board, index)

    def _grouped(self, board: Board, index: TicketsByRequester) -> None:
        self._requesters = (board, index)
        if self.query("#detail"):  # else the worker's answer came as the dashboard was closing
            self._show_detail()  # type: ignore[attr-defined]

    def requester_others(self, ticket: Ticket) -> list[Ticket]:
        """The same client's other tickets, open first (none until the grouping of the current load is done)."""
        board, index = self._requesters
        if board is not self.board:  # type: ignore[attr-defined]
            return []
        return other_tickets(ticket, index)

    def action_other_ticket(self) -> None:
        """`O`: go to the requester's next other ticket (open ones first), round and round."""
        ticket = self.current_ticket  # type: ignore[attr-defined]
        if ticket is None:
            return
        board, index = self._requesters
        following = next_requester_ticket(ticket, index) if board is self.board else None  # type: ignore[attr-defined]
        if following is None:
            self.notify("The requester has no other tickets.", markup=False)
            return
        self.goto_ticket(following.id)  # type: ignore[attr-defined]
