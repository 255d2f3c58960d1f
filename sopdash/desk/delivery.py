"""Delivering the desk's mail, and the words that say how it went: what both faces call, written once.

The mail package composes and transports; here the desk decides when to try (a short try right after an
action that wrote to the client; the runs of `mail send` and of the dashboard's worker) and what the
technician is told: the client was sent something only when a mail was queued for them, and otherwise
the words say it was only recorded, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sopdash.core.errors import InputError
from sopdash.core.model import Delivery, Ticket
from sopdash.core.text import one_line

if TYPE_CHECKING:
    from sopdash.desk.actions import Desk
    from sopdash.mail.outbox import SendReport
    from sopdash.mail.settings import MailSettings

AFTER_ACTION_TIMEOUT_S = 10.0
MAIL_OFF = "recorded — mail is off: the client was not told"
MAIL_OFF_FIX = "mail is off: add a [mail] table (address, smtp_url or sendmail) to the config"


@dataclass(frozen=True, slots=True)
class MailOutcome:
    """What became of the mail an action wrote to the client: mail off, or where its delivery record stands."""

    delivery: Delivery | None = None  # None: mail is off, so nothing was queued
    tried: bool = False  # a try was made just now (not left to another sender or a worker)

    @property
    def told(self) -> bool:
        """Whether a mail was queued for the client (and not refused at once)."""
        return self.delivery is not None and self.delivery.state != "failed"

    def words(self) -> str:
        """`mail sent to ann@…`, `mail to ann@… queued, will retry (451 …)`, `recorded — mail is off: …`."""
        record = self.delivery
        if record is None:
            return MAIL_OFF
        to, reason = one_line(record.to), one_line(record.last_error)
        if record.state == "sent":
            return f"mail sent to {to}"
        if record.state == "failed":
            return f"mail to {to} failed ({reason})" if record.attempts else f"recorded — mail not sent: {reason}"
        if self.tried and record.attempts:
            return f"mail to {to} queued, will retry ({reason})"
        return f"mail to {to} queued"


def mail_after(desk: Desk, ticket: Ticket, try_now: bool) -> MailOutcome:
    """What became of the mail the action that returned `ticket` wrote to the client (its latest public entry);
    with try_now, after one short try at sending it (the dashboard leaves that to its worker)."""
    record = next((e.delivery for e in reversed(ticket.timeline) if e.kind == "public"), None)
    if desk.mail is None or record is None:
        return MailOutcome()
    if not try_now or record.state != "queued":
        return MailOutcome(record)
    from sopdash.mail.outbox import deliver_queued  # the transports load only when something is sent

    report = deliver_queued(
        desk.store, desk.mail, desk.action_clock, only={record.message_id}, timeout=AFTER_ACTION_TIMEOUT_S
    )
    result = next((r for r in report.results if r.message_id == record.message_id), None)
    return MailOutcome(result, tried=True) if result is not None else MailOutcome(record)


def deliver_due(
    desk: Desk, at_once: bool = False, wait_for_sender: float = 0.0, timeout: float | None = None
) -> SendReport:
    """One delivery run: the mail that is due (with at_once, all that is queued); InputError while mail is off."""
    if desk.mail is None:
        raise InputError(MAIL_OFF_FIX)
    from sopdash.mail.outbox import deliver_queued
    from sopdash.mail.transport import CONNECT_TIMEOUT_S

    timeout = CONNECT_TIMEOUT_S if timeout is None else timeout
    return deliver_queued(
        desk.store, desk.mail, desk.action_clock, timeout=timeout, wait_for_sender=wait_for_sender, at_once=at_once,
        zone=desk.policy.calendar.tz,
    )


def send_probe(mail: MailSettings | None, address: str, now: datetime) -> tuple[bool, str]:
    """One test message to address, dated now, straight through the transport (`mail test`): (sent, what happened,
    naming the side that failed)."""
    from sopdash.mail.compose import mailbox, new_message_id, probe_message
    from sopdash.mail.transport import SETUP, UNREACHABLE, DeliveryError, open_transport

    if mail is None:
        raise InputError(MAIL_OFF_FIX)
    try:
        mailbox("", address)
    except ValueError as error:
        raise InputError(str(error)) from None
    message_id = new_message_id(0, mail.domain)
    try:
        with open_transport(mail, AFTER_ACTION_TIMEOUT_S) as transport:
            transport.send(probe_message(mail, address, message_id, now), address)
    except DeliveryError as error:
        if error.side == SETUP:
            later = "a set-up problem on this side: fix [mail] in the config, then try again"
        elif error.side == UNREACHABLE:
            later = "no connection: try again later"
        else:
            later = "a temporary refusal by the server: try again later" if error.temporary else "refused for good"
        return False, f"not sent via {mail.where()}: {error.reason} ({later})"
    return True, f"sent a test message to {address} via {mail.where()} (Message-ID {message_id})"
