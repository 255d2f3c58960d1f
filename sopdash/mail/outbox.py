"""Deliver what is queued: every due delivery record, over one transport session, results recorded in batches.

Results are written with `Store.annotate` every `BATCH` messages, so a crash re-sends at most one
batch, and one technician's open dialog never conflicts with a delivery changing state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sopdash.clock import Clock
from sopdash.core import delivery as outbound
from sopdash.core.model import Delivery, Ticket, TimelineEntry
from sopdash.mail.compose import BadAddress, outgoing
from sopdash.mail.settings import MailSettings
from sopdash.mail.transport import CONNECT_TIMEOUT_S, DeliveryError, open_transport
from sopdash.store import Store

BATCH = 100


@dataclass
class SendReport:
    """What one delivery run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    busy: bool = False  # another sopdash was delivering, so this one left the outbox alone
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.busy:
            return "another sopdash is delivering the outbox; left to it"
        return f"{self.sent} sent, {self.retrying} still queued, {self.failed} failed"


Pending = tuple[Ticket, TimelineEntry]


def pending(tickets: Iterable[Ticket], now: datetime, only: set[str] | None = None) -> list[Pending]:
    """Every queued delivery whose next try has come (only those named, if `only` is given)."""
    return [
        (ticket, entry)
        for ticket in tickets
        for entry in outbound.due(ticket, now)
        if only is None or entry.delivery.message_id in only
    ]


def deliver_queued(
    store: Store,
    settings: MailSettings,
    clock: Clock,
    only: set[str] | None = None,
    timeout: float = CONNECT_TIMEOUT_S,
    wait_for_sender: float = 0.0,
) -> SendReport:
    """Send what is due, one sender at a time; a busy outbox (another sender) is left alone."""
    kept = store.kept_files()
    with kept.sending(wait_for_sender) as mine:
        if not mine:
            return SendReport(busy=True)
        due = pending(store.live(), clock(), only)
        return _deliver(store, settings, clock, due, timeout)


def _deliver(store: Store, settings: MailSettings, clock: Clock, due: list[Pending], timeout: float) -> SendReport:
    report = SendReport()
    results: dict[str, tuple[int, Delivery]] = {}

    def settle(item: Pending, result: Delivery) -> None:
        results[result.message_id] = (item[0].id, result)
        state = "retrying" if result.state == "queued" else result.state
        setattr(report, state, getattr(report, state) + 1)
        to = item[1].delivery.to or "(no address)"
        report.lines.append(f"#{item[0].id} to {to}: {result.state}" + (f" ({result.last_error})" if result.last_error else ""))
        if len(results) >= BATCH:
            _record(store, results)

    queue = list(due)
    while queue:
        try:
            with open_transport(settings, timeout) as transport:
                while queue:
                    item = queue.pop(0)
                    settle(item, _send_one(transport, item, settings, clock))
        except DeliveryError as error:  # the session could not start or was lost: the rest wait for a later run
            for item in queue:
                settle(item, outbound.retry_later(item[1].delivery, clock(), error.reason))
            queue = []
        except _ConnectionLost as lost:
            settle(lost.item, outbound.retry_later(lost.item[1].delivery, clock(), lost.error.reason))
    _record(store, results)
    return report


class _ConnectionLost(Exception):
    def __init__(self, item: Pending, error: DeliveryError) -> None:
        self.item = item
        self.error = error


def _send_one(transport, item: Pending, settings: MailSettings, clock: Clock) -> Delivery:
    ticket, entry = item
    record = entry.delivery
    try:
        message = outgoing(ticket, entry, settings)
    except BadAddress as error:
        return outbound.failed(record, str(error), attempted=False)
    try:
        transport.send(message, record.to)
    except DeliveryError as error:
        if error.connection_lost:
            raise _ConnectionLost(item, error) from None
        if error.temporary:
            return outbound.retry_later(record, clock(), error.reason)
        return outbound.failed(record, error.reason)
    return outbound.sent(record, clock())


def _record(store: Store, results: dict[str, tuple[int, Delivery]]) -> None:
    """Write the results so far, grouped per ticket, and forget them."""
    per_ticket: dict[int, list[Delivery]] = {}
    for ticket_id, result in results.values():
        per_ticket.setdefault(ticket_id, []).append(result)
    results.clear()
    if per_ticket:
        store.annotate({ticket_id: _replacing(records) for ticket_id, records in per_ticket.items()})


def _replacing(records: list[Delivery]) -> Callable[[Ticket], Ticket]:
    def change(ticket: Ticket) -> Ticket:
        for record in records:
            ticket = outbound.with_delivery(ticket, record.message_id, lambda _old, new=record: new)
        return ticket

    return change
