"""A requester's other tickets and the known requesters."""

from datetime import datetime, timedelta, timezone

from sopdash.core import rules
from sopdash.core.model import Requester
from sopdash.core.requesters import known_requesters, next_requester_ticket, other_tickets, tickets_by_requester

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
ADA = Requester("Ada", "ada@example.com")


def made(ticket_id: int, requester: Requester, days: int, status: str = "new"):
    return rules.create(ticket_id, f"t{ticket_id}", requester, T0 + timedelta(days=days), "amara").evolve(status=status)


TICKETS = [
    made(1, ADA, 0, "closed"),
    made(2, Requester("Ada L.", "ADA@example.com"), 1),
    made(3, Requester("Bob", "bob@example.com"), 2),
    made(4, ADA, 3, "resolved"),
    made(5, ADA, 4),
    made(6, Requester(), 5),
]


def test_other_tickets_by_email_case_insensitive_open_first_newest_first():
    index = tickets_by_requester(TICKETS)
    assert [t.id for t in other_tickets(TICKETS[4], index)] == [2, 4, 1]
    assert other_tickets(TICKETS[2], index) == []
    assert other_tickets(TICKETS[5], index) == []  # nobody to match an unknown requester with


def test_known_requesters_most_frequent_first_with_latest_details():
    assert known_requesters(TICKETS) == [Requester("Ada", "ada@example.com"), Requester("Bob", "bob@example.com")]


def test_next_requester_ticket_goes_round():
    index = tickets_by_requester(TICKETS)
    order = [5, 2, 4, 1]
    for here, there in zip(order, order[1:] + order[:1]):
        assert next_requester_ticket(TICKETS[here - 1], index).id == there
    assert next_requester_ticket(TICKETS[2], index) is None
