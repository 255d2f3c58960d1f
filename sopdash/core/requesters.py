"""Requesters across tickets: a client's other tickets, and the clients the desk already knows (for completion).

A requester is known by e-mail address, case-insensitively; one without an address, by name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from sopdash.core.model import Requester, Ticket

TicketsByRequester = Mapping[str, Sequence[Ticket]]


def requester_key(requester: Requester) -> str:
    """What identifies a client: the e-mail address, else the name, case-folded ("" when neither is known)."""
    return (requester.email.strip() or requester.name.strip()).casefold()


def tickets_by_requester(tickets: Iterable[Ticket]) -> dict[str, list[Ticket]]:
    """Every identifiable client's tickets (built once per load, so looking one up is free)."""
    index: dict[str, list[Ticket]] = {}
    for ticket in tickets:
        key = requester_key(ticket.requester)
        if key:
            index.setdefault(key, []).append(ticket)
    return index


def requester_tickets(ticket: Ticket, index: TicketsByRequester) -> list[Ticket]:
    """Every ticket of this ticket's client, this one included: open ones first, then the newest first."""
    mine = index.get(requester_key(ticket.requester)) or [ticket]
    return sorted(mine, key=lambda t: (not t.is_open, -t.created_at.timestamp(), -t.id))


def other_tickets(ticket: Ticket, index: TicketsByRequester) -> list[Ticket]:
    """The same client's other tickets, in the order of `requester_tickets`."""
    return [t for t in requester_tickets(ticket, index) if t.id != ticket.id]


def next_requester_ticket(ticket: Ticket, index: TicketsByRequester) -> Ticket | None:
    """The client's ticket after this one in the order of `requester_tickets`, round and round (None if it is the only one)."""
    tickets = requester_tickets(ticket, index)
    ids = [t.id for t in tickets]
    if len(ids) < 2 or ticket.id not in ids:
        return None
    return tickets[(ids.index(ticket.id) + 1) % len(tickets)]


def known_requesters(tickets: Iterable[Ticket]) -> list[Requester]:
    """Each client once, with the details of their latest ticket, the most frequent first."""
    latest: dict[str, Ticket] = {}
    counts: Counter[str] = Counter()
    for ticket in tickets:
        key = requester_key(ticket.requester)
        if not key:
            continue
        counts[key] += 1
        if key not in latest or ticket.created_at >= latest[key].created_at:
            latest[key] = ticket
    return [latest[key].requester for key, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
