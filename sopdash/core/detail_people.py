"""What the detail pane adds about people besides the ticket: who else is on it right now, and the requester's
other tickets (in the roles of `sopdash.core.detail`)."""

from __future__ import annotations

from collections.abc import Sequence

from sopdash.core.detail import LABEL_WIDTH, Line, Span
from sopdash.core.display import client_line
from sopdash.core.model import Ticket
from sopdash.core.presence import Presence, describe
from sopdash.core.text import one_line

OTHER_TICKETS_SHOWN = 3


def presence_lines(others: Sequence[Presence], ticket_id: int) -> list[Line]:
    """`● dana is writing a reply · lee is viewing`, or nothing when nobody else is on the ticket."""
    said = describe(others, ticket_id)
    if not said:
        return []
    marked = "✎" if any(e.writing for e in others if e.ticket_id == ticket_id) else "○"
    return [(Span(f"{marked} {one_line(said)}", "current"),)]


def other_ticket_lines(others: Sequence[Ticket], privacy: bool) -> list[Line]:
    """The requester's other tickets, open ones first, a few of them, with the key that jumps there."""
    if not others:
        return []
    lines: list[Line] = []
    for number, ticket in enumerate(others[:OTHER_TICKETS_SHOWN]):
        label = "Also from" if number == 0 else ""
        subject = client_line(ticket.subject, ticket.requester, privacy)
        lines.append((Span(f"{label:<{LABEL_WIDTH}}", "label"), Span(f"#{ticket.id} {ticket.status:<8} {subject}")))
    more = len(others) - OTHER_TICKETS_SHOWN
    hint = f"and {more} more · " if more > 0 else ""
    lines.append((Span(f"{'':<{LABEL_WIDTH}}{hint}", "dim"), Span("O jumps there", "dim", True)))
    return lines
