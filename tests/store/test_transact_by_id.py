"""`Store.transact_by_id`: a transaction that reads only the tickets it asks for, on the file and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from sopdash.core.errors import ConflictError
from sopdash.core.model import Ticket
from sopdash.store.paths import is_postgres_url

CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def new_ticket(ticket_id: int, subject: str = "Printer jams") -> Ticket:
    return Ticket(id=ticket_id, subject=subject, created_at=CREATED)


def test_a_plan_changes_what_it_fetched_and_makes_new_tickets_with_their_ids(store) -> None:
    first = store.add(new_ticket)
    seen: list[int] = []

    def plan(fetch):
        assert fetch(99) is None
        current = fetch(first.id)
        made = lambda ticket_id: seen.append(ticket_id) or new_ticket(ticket_id, f"follows #{current.id}")
        return [current.evolve(subject="Printer jams again")], [made, made]

    changed, made = store.transact_by_id(plan)
    assert [(t.id, t.version, t.subject) for t in changed] == [(1, 2, "Printer jams again")]
    assert [(t.id, t.version, t.subject) for t in made] == [(2, 1, "follows #1"), (3, 1, "follows #1")] and seen == [2, 3]
    assert [t.subject for t in store.history()] == ["Printer jams again", "follows #1", "follows #1"]


def test_a_plan_that_fails_writes_nothing(store) -> None:
    store.add(new_ticket)
    kept = store.kept_files()

    def plan(fetch):
        fetch(1)
        kept.keep("index/probe.json", b"{}")
        raise ConflictError("changed meanwhile")

    with pytest.raises(ConflictError):
        store.transact_by_id(plan)
    assert [(t.subject, t.version) for t in store.history()] == [("Printer jams", 1)]
    if is_postgres_url(store.location):  # kept in the same transaction, so gone with it
        assert kept.find("index/probe.json") is None
    assert store.add(new_ticket).id == 2


def test_what_a_plan_keeps_beside_the_store_lands_with_it(store) -> None:
    """On PostgreSQL what the plan keeps joins the transaction; on a file it is written before the commit."""
    kept = store.kept_files()

    def plan(fetch):
        kept.keep("index/probe.json", b'{"a": 1}')
        return [], [new_ticket]

    store.transact_by_id(plan)
    assert kept.find("index/probe.json") == b'{"a": 1}' and kept.find("index/none.json") is None
