"""History in pages on every store (the file's month indexes, PostgreSQL's default): newest first, each ticket once,
and the tickets of a page read by id."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sopdash.core.model import Ticket

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def test_pages_of_history_hold_every_ticket_once_newest_first(store) -> None:
    closed = [Ticket(id=0, subject=f"closed {n}", created_at=NOW - timedelta(days=90 - n), status="closed",
                     closed_at=NOW - timedelta(days=80 - n), resolved_at=NOW - timedelta(days=80 - n), resolution="fixed",
                     client_notified_at=NOW - timedelta(days=80 - n)) for n in range(9)]  # the close gate (SOP 2E)
    store.add_many([*closed, Ticket(id=0, subject="open", created_at=NOW - timedelta(days=200))])
    store.archive()

    pages, cursor = [], None
    while True:
        page, cursor = store.history_page(cursor, 4)
        pages.append([summary.id for summary in page])
        if cursor is None:
            break

    assert pages == [[9, 8, 7, 6], [5, 4, 3, 2], [1, 10]]
    assert [t.subject for t in store.tickets([10, 3, 404])] == ["open", "closed 2"]
