"""The desk's automatic receipt for a new mailed ticket: a public entry written by the mail gateway, or an event
saying why none was sent. Pure; the mail layer decides whether a message may be answered (RFC 3834).

The receipt is written in the same write that opens the ticket, so it is sent once per ticket however often the
message is delivered. It stops the acknowledgement clock only where the desk's settings say so
(`mail.receipt_acknowledges`; by default it does not: SOP 4B asks a technician to respond).
"""

from __future__ import annotations

from datetime import datetime

from sopdash.core import rules
from sopdash.core.inbound import MAIL
from sopdash.core.model import Ticket, TimelineEntry


def with_receipt(ticket: Ticket, now: datetime, text: str, acknowledges: bool) -> Ticket:
    """The new ticket with the receipt to its requester as a public entry by the mail gateway."""
    if acknowledges:
        # the text is the desk's template and the client's own subject: sent even if SOP 5A flags it (audited)
        return rules.acknowledge(ticket, MAIL, now, text, allow_sensitive=True)
    entry = TimelineEntry(at=now, author=MAIL, kind="public", text=text)
    return ticket.evolve(timeline=ticket.timeline + (entry,))


def without_receipt(ticket: Ticket, now: datetime, why: str) -> Ticket:
    """The new ticket with an event saying why no receipt was sent (RFC 3834: never to a robot or a list)."""
    entry = TimelineEntry(at=now, author=MAIL, kind="event", text=f"no automatic receipt sent: {why}")
    return ticket.evolve(timeline=ticket.timeline + (entry,))
