"""Deliver what is queued: every due delivery record over one transport session, each result journaled as it is known.

One bad message fails alone: an address no mail can carry, or a message the transport refuses for good, is
`failed` with the reason, and the run goes on with the next. Results go through `delivery_journal`, so a
sender killed at any point re-sends at most the message it was handing over; the tickets keep their
versions (`Store.annotate`), so an open dialog never fails with a conflict because a mail went out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from email.errors import MessageError

from sopdash.clock import Clock
from sopdash.core import delivery as outbound
from sopdash.core.addresses import ascii_form
from sopdash.core.model import Delivery, Ticket, TimelineEntry
from sopdash.mail.compose import BadAddress, outgoing
from sopdash.mail.delivery_journal import DeliveryJournal
from sopdash.mail.settings import MailSettings
from sopdash.mail.transport import CONNECT_TIMEOUT_S, DeliveryError, open_transport
from sopdash.store.contract import Store


@dataclass
class SendReport:
    """What one delivery run did, and what it left waiting for a later try."""

    sent: int = 0
    retrying: int = 0  # tried in this run and refused for now
    failed: int = 0
    waiting: int = 0  # queued mail whose next try is still to come, those retrying included
    next_try: datetime | None = None
    at: datetime | None = None
    busy: bool = False  # another sopdash was delivering, so this one left the outbox alone
    zone: tzinfo = timezone.utc  # the team's, for the times in `lines`
    lines: list[str] = field(default_factory=list)
    results: list[Delivery] = field(default_factory=list)

    def summary(self, zone: tzinfo) -> str:
        """`2 sent, 0 failed, 1 waiting, next try 21:14` (times in the team's zone)."""
        if self.busy:
            return "another sopdash is delivering the outbox; left to it"
        text = f"{self.sent} sent, {self.failed} failed, {self.waiting} waiting"
        if self.next_try is not None and self.at is not None:
            text += f", next try {outbound.next_try_text(self.next_try, self.at, zone)}"
        return text

    def count(self, ticket_id: int, result: Delivery) -> None:
        """Add one message's outcome."""
        self.results.append(result)
        if result.state == "queued":
            self.retrying += 1
            self.wait_for(result.next_try)
        else:
            setattr(self, result.state, getattr(self, result.state) + 1)
        reason = f" ({result.last_error})" if result.last_error else ""
        now = self.at or result.next_try
        state = outbound.delivery_state(result, now, self.zone) if now is not None else result.state
        self.lines.append(f"#{ticket_id} to {result.to or '(no address)'}: {state}{reason}")

    def wait_for(self, next_try: datetime | None) -> None:
        """Count one message waiting for its next try."""
        self.waiting += 1
        if next_try is not None and (self.next_try is None or next_try < self.next_try):
            self.next_try = next_try


Pending = tuple[Ticket, TimelineEntry]


def pending(
    tickets: Iterable[Ticket], now: datetime, only: set[str] | None = None, at_once: bool = False
) -> list[Pending]:
    """Every queued delivery whose next try has come (every queued one with at_once; only those named, if given)."""
    return [
        (ticket, entry)
        for ticket in tickets
        for entry in outbound.due(ticket, now, at_once)
        if only is None or entry.delivery.message_id in only
    ]


def deliver_queued(
    store: Store,
    settings: MailSettings,
    clock: Clock,
    only: set[str] | None = None,
    timeout: float = CONNECT_TIMEOUT_S,
    wait_for_sender: float = 0.0,
    at_once: bool = False,
    zone: tzinfo = timezone.utc,
) -> SendReport:
    """Send what is due (with at_once, all that is queued), one sender at a time; a busy outbox is left alone.
    The report's times are in `zone`."""
    kept = store.kept_files()
    with kept.sending(wait_for_sender) as mine:
        if not mine:
            return SendReport(busy=True)
        journal = DeliveryJournal(store, kept)
        journal.recover()
        now = clock()
        tickets = store.live()
        report = SendReport(at=now, zone=zone)
        if only is None and not at_once:
            for ticket in tickets:
                for later in outbound.waiting(ticket, now):
                    report.wait_for(later.next_try)
        _deliver(journal, report, settings, clock, pending(tickets, now, only, at_once), timeout)
        journal.settle()
        return report


def _deliver(
    journal: DeliveryJournal, report: SendReport, settings: MailSettings, clock: Clock, due: list[Pending], timeout: float
) -> None:
    def settle(item: Pending, result: Delivery) -> None:
        journal.add(item[0].id, result)
        report.count(item[0].id, result)

    queue = deque(due)
    while queue:
        try:
            with open_transport(settings, timeout) as transport:
                while queue:
                    item = queue.popleft()
                    settle(item, _send_one(transport, item, settings, clock))
        except DeliveryError as error:  # the session could not start: the rest wait for a later run
            while queue:
                item = queue.popleft()
                settle(item, outbound.retry_later(item[1].delivery, clock(), error.reason))
        except _ConnectionLost as lost:
            settle(lost.item, outbound.retry_later(lost.item[1].delivery, clock(), lost.error.reason))


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
    except (ValueError, LookupError, MessageError) as error:  # text that Python's mail code cannot carry
        return outbound.failed(record, f"cannot be written as mail: {error}", attempted=False)
    try:
        transport.send(message, ascii_form(record.to), tuple(ascii_form(address) for address in record.cc))
    except DeliveryError as error:
        if error.connection_lost:
            raise _ConnectionLost(item, error) from None
        if error.temporary:
            return outbound.retry_later(record, clock(), error.reason)
        return outbound.failed(record, error.reason)
    return outbound.sent(record, clock())
