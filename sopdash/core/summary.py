"""What a list of history shows of a ticket, without its timeline: enough for a row, cheap to keep for every ticket.

Lists of history go newest first, by `page_key`: when the ticket was closed (or created, if that is later or it is
not closed), then its id; a page ends at a `Cursor`, and the next page starts below it.
"""

from __future__ import annotations

from datetime import datetime
from operator import itemgetter

import msgspec

from sopdash.core.model import Priority, Status, Ticket, Time

Cursor = tuple[datetime, int]
"""Where a page of history ended: the (time, id) of its last ticket; the next page holds what sorts below it."""


class TicketSummary(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """A ticket's row in a list of history (decoded from a stored ticket, the rest of it skipped)."""

    id: int
    subject: str
    status: Status = "new"
    priority: Priority = "medium"
    assignee: str = ""
    created_at: Time
    closed_at: Time | None = None

    @property
    def page_key(self) -> Cursor:
        """Where the ticket sorts in history."""
        return page_key(self.id, self.created_at, self.closed_at)


def page_key(ticket_id: int, created_at: datetime, closed_at: datetime | None) -> Cursor:
    """(its closing, or its creation if that is later or it is not closed; its id): history's order, oldest first."""
    return (created_at if closed_at is None else max(created_at, closed_at), ticket_id)


def summary_of(ticket: Ticket) -> TicketSummary:
    """The summary of a whole ticket."""
    return TicketSummary(id=ticket.id, subject=ticket.subject, status=ticket.status, priority=ticket.priority,
                         assignee=ticket.assignee, created_at=ticket.created_at, closed_at=ticket.closed_at)


def newest_first(summaries: list[TicketSummary], before: Cursor | None, limit: int) -> tuple[list[TicketSummary], bool]:
    """(the first `limit` summaries sorting below `before`, newest first; whether more sort below them)."""
    keyed = [(summary.page_key, summary) for summary in summaries]
    below = [pair for pair in keyed if before is None or pair[0] < before]
    below.sort(key=itemgetter(0), reverse=True)
    return [summary for _, summary in below[:limit]], len(below) > limit
