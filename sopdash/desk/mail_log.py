"""`mail log`: the mail the desk took in and the mail it sent, one list, oldest first.

Inbound lines are the intake's log among the kept files (what each message did, or why it changed nothing);
outbound lines are the delivery records on the tickets of the working set, each with where it stands now
(queued, retrying at 09:14, sent, failed, bounced), so the log shows both directions without a second record
of what the tickets hold already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sopdash.core.delivery import delivery_state, outbox_entries
from sopdash.core.errors import InputError
from sopdash.core.model import parse_time

if TYPE_CHECKING:
    from sopdash.desk.actions import Desk

IN, OUT = "in", "out"


@dataclass(frozen=True, slots=True)
class MailLogLine:
    """One message in or out: when, which way, what became of it, its ticket, the other party, subject and why."""

    at: datetime | None
    direction: str
    state: str
    ticket: int | None
    party: str
    subject: str
    reason: str


def mail_log(desk: Desk, limit: int) -> list[MailLogLine]:
    """The last `limit` messages in and out, oldest first (none for a limit of 0)."""
    if limit <= 0:
        return []
    lines = [_inbound(record) for record in desk.store.kept_files().read_log(limit)] + _outbound(desk)
    lines.sort(key=lambda line: line.at.timestamp() if line.at is not None else 0.0)
    return lines[-limit:]


def _inbound(record: dict) -> MailLogLine:
    try:
        at = parse_time(record.get("at"), "mail log time")
    except InputError:  # a line damaged by hand still shows, at the top
        at = None
    ticket = record.get("ticket")
    return MailLogLine(at, IN, str(record.get("action", "")), ticket if isinstance(ticket, int) else None,
                       str(record.get("from", "")), str(record.get("subject", "")), str(record.get("reason", "")))


def _outbound(desk: Desk) -> list[MailLogLine]:
    from sopdash.mail.compose import reply_subject  # the subject the client saw

    now, zone = desk.clock(), desk.policy.calendar.tz
    lines = []
    for ticket in desk.tickets():
        subject = reply_subject(ticket.subject, ticket.id, desk.mail) if desk.mail is not None else ticket.subject
        for entry in outbox_entries(ticket):
            record = entry.delivery
            assert record is not None
            state = delivery_state(record, now, zone)
            lines.append(MailLogLine(entry.at, OUT, state, ticket.id, record.to, subject, record.last_error))
    return lines
