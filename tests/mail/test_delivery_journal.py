"""The outbox's journal: what a killed sender journaled is written into the tickets by the next run before it
reads what is due; a damaged line costs only its message a second try; a delivery decided meanwhile stays."""

from __future__ import annotations

from datetime import datetime, timezone

import msgspec

from sopdash.core import delivery as outbound
from sopdash.core import rules
from sopdash.core.model import Delivery, Requester
from sopdash.mail.compose import new_message_id
from sopdash.mail.delivery_journal import JOURNAL, DeliveryJournal
from sopdash.store.ticket_store import TicketStore

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def queued_store(path, count: int) -> TicketStore:
    store = TicketStore(path, create=True)
    tickets = []
    for n in range(1, count + 1):
        ticket = rules.create(n, f"Request {n}", Requester("Ann", f"ann{n}@example.com"), NOW, "intake")
        acked = rules.acknowledge(ticket, "amara", NOW, "Hello.")
        tickets.append(outbound.queue_deliveries(ticket, acked, lambda i: new_message_id(i, "desk.example.org"), NOW))
    store.add_many(tickets)
    return store


def journal_line(ticket_id: int, result: Delivery) -> bytes:
    return msgspec.json.encode({"ticket": ticket_id, "delivery": result}) + b"\n"


def queued(store: TicketStore, ticket_id: int) -> Delivery:
    return next(e.delivery for e in store.get(ticket_id).timeline if e.delivery is not None)


def test_a_journal_left_behind_is_written_into_the_tickets_first(tmp_path):
    store = queued_store(tmp_path / "t.json", 3)
    kept = store.kept_files()
    first, third = queued(store, 1), queued(store, 3)
    left = journal_line(1, outbound.sent(first, NOW)) + b"{damaged\n" + journal_line(3, outbound.failed(third, "550 no"))
    kept.keep(JOURNAL, left)
    bounced = outbound.failed(first, "bounced: no such user")
    store.annotate({1: lambda t: outbound.with_delivery(t, first.message_id, lambda _: bounced)})
    DeliveryJournal(store, kept).recover()
    assert queued(store, 1).last_error == "bounced: no such user"  # decided meanwhile: the journal does not undo it
    assert queued(store, 2).state == "queued"  # its line was damaged: it goes again
    assert (queued(store, 3).state, queued(store, 3).last_error) == ("failed", "550 no")
    assert kept.read(JOURNAL) == b""
    DeliveryJournal(store, kept).recover()  # written once more after a kill between the two steps: no change
    assert queued(store, 3).state == "failed" and store.get(3).version == 1
