"""Delivery records written by `annotate` on both backends: they land, and a missing ticket is skipped."""

from __future__ import annotations

from datetime import datetime, timezone

from sopdash.core import delivery, rules
from sopdash.core.model import Requester

NOW = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)


def queued_ticket(store):
    ticket = rules.create(1, "Printer jams", Requester("Ann", "ann@example.com"), NOW, "sam")
    acked = rules.acknowledge(ticket, "sam", NOW, "Thank you, we are on it.")
    return store.add(lambda new_id: delivery.queue_deliveries(ticket, acked, lambda _: "<m1@desk.example.org>", NOW))


def test_annotate_records_a_delivery_and_skips_what_is_gone(store):
    ticket = queued_ticket(store)

    def sent(t):
        return delivery.with_delivery(t, "<m1@desk.example.org>", lambda d: delivery.sent(d, NOW))

    (stored,) = store.annotate({ticket.id: sent, 999: sent})
    again = store.get(ticket.id)
    assert [e.delivery.state for e in again.timeline if e.delivery] == ["sent"]
    assert again == stored
    assert again.version == ticket.version  # no technician's open dialog conflicts with the mail gateway
