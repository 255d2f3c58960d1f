"""The SOP rules for a client's mail: a reply lands on its ticket and ends waiting; anything else is a new ticket.

Pure, like `rules`: the mail layer has already decided which ticket a message belongs to (if any) and
whether a person wrote it; these functions say what that does to the tickets.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sopdash.core import rules
from sopdash.core.model import Inbound, Requester, Source, Ticket, TimelineEntry

MAIL = "mail"  # the author of what the mail gateway records, and the `source.system` of tickets it opens
FLOOD_WINDOW = timedelta(hours=1)


def client_message(ticket: Ticket, author: str, now: datetime, text: str, inbound: Inbound) -> Ticket:
    """The client's reply on an open or resolved ticket: appended; waiting ends; a resolved ticket reopens."""
    entry = TimelineEntry(at=now, author=author, kind="client", text=text, inbound=inbound)
    ticket = ticket.evolve(timeline=ticket.timeline + (entry,))
    if ticket.status == "waiting":
        return rules.set_waiting(ticket, MAIL, now, waiting=False)
    if ticket.status == "resolved":
        return rules.reopen(ticket, MAIL, now)
    return ticket


def ticket_from_mail(
    subject: str, requester: Requester, now: datetime, text: str, inbound: Inbound, follows: int | None = None
) -> Ticket:
    """A new untriaged ticket from a client's mail (id given by the store); `follows` names a closed ticket."""
    ticket = rules.create(0, subject or "(no subject)", requester, now, MAIL, body=text)
    created, *rest = ticket.timeline
    note = f"ticket created from mail by {requester.email}"
    if follows is not None:
        note += f"; follows up on closed ticket #{follows}"
    created = TimelineEntry(created.at, created.author, created.kind, note, change=created.change, inbound=inbound)
    return ticket.evolve(timeline=(created, *rest), source=Source(MAIL, inbound.message_id))


def out_of_office(ticket: Ticket, author: str, now: datetime, subject: str) -> Ticket:
    """An absence notice kept as an event: it changes nothing else."""
    entry = TimelineEntry(at=now, author=MAIL, kind="event", text=f"out-of-office reply from {author}: {subject}")
    return ticket.evolve(timeline=ticket.timeline + (entry,))


def has_message(tickets: Iterable[Ticket], message_id: str) -> int | None:
    """The ticket that already holds the mail with this Message-ID (handled before), if any."""
    for ticket in tickets:
        if ticket.source.system == MAIL and ticket.source.external_id == message_id:
            return ticket.id
        if any(entry.inbound is not None and entry.inbound.message_id == message_id for entry in ticket.timeline):
            return ticket.id
    return None


def tickets_opened_by(tickets: Iterable[Ticket], address: str, now: datetime) -> int:
    """How many tickets mail from this address opened in the last hour (for the flood limit)."""
    since = now - FLOOD_WINDOW
    return sum(
        1
        for t in tickets
        if t.source.system == MAIL and t.created_at >= since and t.requester.email.lower() == address.lower()
    )


def client_messages(ticket: Ticket) -> int:
    """How many messages the client has written on the ticket (the dashboard announces a new one)."""
    return sum(1 for entry in ticket.timeline if entry.kind == "client")
