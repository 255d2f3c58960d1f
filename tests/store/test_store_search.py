"""Full-text search, as every store answers it (the ticket file's index and PostgreSQL's tsvector alike)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sopdash.core.model import Requester, Ticket, TimelineEntry
from sopdash.core.search import parse_search

CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def ticket(subject: str, body: str = "", **fields) -> Ticket:
    return Ticket(id=0, subject=subject, body=body, **{"created_at": CREATED, **fields})


def found(store, typed: str, **options) -> list[int]:
    return [hit.id for hit in store.search(parse_search(typed, "amara"), **options)]


def with_note(text: str):
    entry = TimelineEntry(at=CREATED + timedelta(hours=1), author="amara", kind="internal", text=text)
    return lambda t: t.evolve(timeline=(*t.timeline, entry))


def test_words_are_found_with_case_accents_and_forms_folded(store) -> None:
    store.add_many([
        ticket("Printer jammed", "The CAFÉ printers keep printing blank pages\nThanks"),
        ticket("VPN down", "cannot connect", requester=Requester("Zoë Brown", "zoe@example.com")),
    ])
    assert found(store, "printer") == [1]
    assert found(store, "cafe print") == [1]
    assert found(store, '"blank pages"') == [1]
    assert found(store, '"pages blank"') == []
    assert found(store, "zoe") == [2]
    assert found(store, "zoe@example.com") == [2]
    assert found(store, "printer vpn") == []
    hit = store.search(parse_search("blank", "amara"))[0]
    assert (hit.subject, hit.status, hit.archived, hit.line) == (
        "Printer jammed", "new", False, "The CAFÉ printers keep printing blank pages")


def test_a_note_is_found_once_written(store) -> None:
    store.add(lambda i: ticket("Mail", "cannot send").evolve(id=i))
    assert found(store, "toner") == []
    store.update(1, with_note("replaced the toner cartridge"))
    assert found(store, "toner") == [1]
    assert store.search(parse_search("toner", "amara"))[0].line == "replaced the toner cartridge"


def test_newest_first_in_pages_with_filters(store) -> None:
    store.add_many([ticket(f"Printer {n}", priority="high" if n % 2 else "low") for n in range(1, 8)])
    assert found(store, "printer", limit=3) == [7, 6, 5]
    assert found(store, "printer", limit=3, before=5) == [4, 3, 2]
    assert found(store, "printer p:high") == [7, 5, 3, 1]
    assert found(store, "printer s:closed") == []
    assert found(store, "printer", since=CREATED + timedelta(days=1)) == []
    store.update(2, with_note("still printing"))
    assert found(store, "printer", since=CREATED + timedelta(minutes=30)) == [2]


def test_an_archived_ticket_is_found_and_marked(store) -> None:
    closed = datetime(2025, 1, 10, tzinfo=timezone.utc)
    store.add_many([
        ticket("Old printer fire", status="closed", created_at=closed - timedelta(days=2), closed_at=closed,
               resolved_at=closed, resolution="fixed", client_notified_at=closed),  # the close gate (SOP 2E) holds
        ticket("New printer"),
    ])
    store.archive()
    hits = store.search(parse_search("printer", "amara"))
    assert [(h.id, h.archived) for h in hits] == [(2, False), (1, True)]
    assert store.get(1).subject == "Old printer fire"
