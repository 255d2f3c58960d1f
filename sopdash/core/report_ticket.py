"""A ticket as the SLA report reads it: only the fields its clocks, groupings, breach list and scores use.

A store decodes its documents straight into these (`Store.history_slices(kind=ReportTicket)`), skipping bodies,
message texts, deliveries and seals unread, which is most of a stored ticket. The field names, types and properties
the report uses are `Ticket`'s, so the clocks (`core/clocks.py`) and the SLA policies read either the same way.
"""

from __future__ import annotations

import msgspec

from sopdash.core.model import (
    Change, Kind, Link, Priority, Reason, Requester, Satisfaction, Status, Ticket, Time, TimeSpent,
)


class ReportEntry(msgspec.Struct, frozen=True, gc=False):
    """A timeline entry without its text: what the clocks (status events) and time spent read."""

    at: Time
    author: str
    kind: Kind
    change: Change | None = None
    time: TimeSpent | None = None


class ReportEscalation(msgspec.Struct, frozen=True, gc=False):
    """An escalation: when, and why."""

    at: Time
    reason: Reason


class ReportTicket(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """A ticket's report fields (`Ticket`'s, with its defaults)."""

    id: int
    subject: str
    requester: Requester = Requester()
    category: str = ""
    priority: Priority = "medium"
    status: Status = "new"
    assignee: str = ""
    escalations: tuple[ReportEscalation, ...] = ()
    timeline: tuple[ReportEntry, ...] = ()
    created_at: Time
    acknowledged_at: Time | None = None
    resolved_at: Time | None = None
    closed_at: Time | None = None
    links: tuple[Link, ...] = ()
    reported_at: Time | None = None
    merged_acknowledged_at: Time | None = None
    sla_policy: str = ""
    organisation: str = ""
    satisfaction: Satisfaction | None = None

    # Ticket's own properties, the very same code
    is_open = Ticket.is_open
    merged_into = Ticket.merged_into
    clock_start = Ticket.clock_start
    clock_acknowledged_at = Ticket.clock_acknowledged_at
