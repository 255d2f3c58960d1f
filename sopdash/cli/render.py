"""Tickets as text for the terminal: the queue table, the detail view, and the `--json` documents.

The detail is `sopdash.core.detail`'s, the order and the countdowns are the dashboard's; every piece of
client or technician text passes through `one_line` (or the detail model's cleaning) before it is printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from sopdash.core.chain import without_seals
from sopdash.core.clocks import ClockReading, TicketClocks
from sopdash.core.detail_client import client_lines
from sopdash.core.detail import UNDER_TITLE, mail_off_lines, plain_lines, ticket_detail
from sopdash.core.detail_links import Linked, link_lines
from sopdash.core.display import priority_label
from sopdash.core.documents import plain
from sopdash.core.marks import clock_text
from sopdash.core.model import Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.text import cell_width, one_line, pad, truncate

MIN_SUBJECT_WIDTH = 20

Row = tuple[Ticket, TicketClocks]


def ticket_document(ticket: Ticket, clocks: TicketClocks) -> dict:
    """The `--json` form of one ticket: its stored fields (without the seals `check` verifies) plus both SLA clocks."""
    fields = {key: value for key, value in plain(without_seals(ticket)).items() if key != "timeline_seal"}
    return {**fields, "sla": {"ack": clock_document(clocks.ack), "resolution": clock_document(clocks.resolution)}}


def clock_document(clock: ClockReading) -> dict:
    """One clock in `--json`: its deadline as a time rather than the epoch seconds the clocks count in."""
    return {"due": clock.due, "state": clock.state, "remaining_s": clock.remaining_s, "target_s": clock.target_s}


def queue_table(rows: list[Row], width: int, now: datetime, zone: tzinfo) -> str:
    """The queue as an aligned text table, clocks as the dashboard reads them at `now`; the subject gets what is
    left of `width` columns."""
    header = ("ID", "PRIORITY", "STATUS", "ACK", "RESOLUTION", "ASSIGNEE", "SUBJECT")
    table = [header] + [
        (
            f"#{t.id}",
            priority_label(t),
            t.status,
            clock_text(c.ack, now, zone),
            clock_text(c.resolution, now, zone),
            one_line(t.assignee) or "-",
            one_line(t.subject),
        )
        for t, c in rows
    ]
    widths = [max(cell_width(row[i]) for row in table) for i in range(len(header) - 1)]
    subject_width = max(MIN_SUBJECT_WIDTH, width - sum(widths) - 2 * len(widths))
    lines = []
    for *cells, subject in table:
        aligned = [cells[0].rjust(widths[0]), *(pad(cell, w) for cell, w in zip(cells[1:], widths[1:]))]
        lines.append("  ".join([*aligned, truncate(subject, subject_width)]).rstrip())
    return "\n".join(lines)


def ticket_text(
    ticket: Ticket, clocks: TicketClocks, now: datetime, tz: tzinfo, mail_on: bool = True, linked: Sequence[Linked] = (),
    policy: SlaPolicy | None = None,
) -> str:
    """Everything about one ticket, as the dashboard's detail pane says it, times in `tz` (and, with mail off, that
    a client who wrote in by mail is not told what is written to them; its links, with each linked ticket's status;
    with the desk's policy, the requester's organisations and the SLA policy the ticket is measured against)."""
    lines = ticket_detail(ticket, clocks, now, tz, privacy=False)
    added = client_lines(ticket, policy) if policy is not None else []
    lines[UNDER_TITLE:UNDER_TITLE] = added + ([] if mail_on else mail_off_lines(ticket))
    lines[UNDER_TITLE:UNDER_TITLE] = link_lines(linked, privacy=False)
    return plain_lines(lines)
