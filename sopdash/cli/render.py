"""Tickets as text for the terminal: the queue table, the detail view, and the `--json` documents.

Every piece of client or technician text passes through `printable`/`one_line` before it is printed.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sopdash.core.clocks import BREACHED, MET, MET_LATE, RUNNING, UNKNOWN, WARNING, ClockReading, TicketClocks
from sopdash.core.delivery import delivery_text
from sopdash.core.model import PRIORITIES, TROUBLESHOOTING_STEPS, Ticket, TimelineEntry
from sopdash.core.text import one_line, printable, truncate
from sopdash.core.marks import CLOCK_WORDS, clock_text

COUNTING = (RUNNING, WARNING, BREACHED)
MIN_SUBJECT_WIDTH = 20
TIME_FORMAT = "%Y-%m-%d %H:%M %Z"
INDENT = "  "

Row = tuple[Ticket, TicketClocks]


def ticket_document(ticket: Ticket, clocks: TicketClocks) -> dict:
    """The `--json` form of one ticket: its stored fields plus both SLA clocks."""
    return {**ticket.to_dict(), "sla": clocks.to_dict()}


def clock_cell(reading: ClockReading) -> str:
    """A clock as the dashboard shows it: symbol plus countdown (`▲ 1h05m`, `✖ -35m`), or `✔ met` once stopped."""
    return clock_text(reading.state, reading.remaining_s)


def urgency_key(row: Row) -> tuple:
    """Most urgent first: tickets with a counting clock by time left, then paused, then stopped; then priority."""
    ticket, clocks = row
    counting = [r.remaining_s for r in (clocks.ack, clocks.resolution) if r.state in COUNTING]
    rank = 0 if counting else 1 if ticket.is_open else 2
    return (rank, min(counting, default=0), PRIORITIES.index(ticket.priority), ticket.id)


def priority_cell(ticket: Ticket) -> str:
    """The priority, marked while no technician has set it (SOP 2C)."""
    return ticket.priority if ticket.triaged else f"{ticket.priority} untriaged"


def queue_table(rows: list[Row], width: int) -> str:
    """The queue as an aligned text table; the subject gets what is left of `width` columns."""
    header = ("ID", "PRIORITY", "STATUS", "ACK", "RESOLUTION", "ASSIGNEE", "SUBJECT")
    table = [header] + [
        (
            f"#{t.id}",
            priority_cell(t),
            t.status,
            clock_cell(c.ack),
            clock_cell(c.resolution),
            one_line(t.assignee) or "-",
            one_line(t.subject),
        )
        for t, c in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    subject_width = max(MIN_SUBJECT_WIDTH, width - sum(widths) - 2 * len(widths))
    lines = []
    for *cells, subject in table:
        aligned = [cells[0].rjust(widths[0]), *(cell.ljust(w) for cell, w in zip(cells[1:], widths[1:]))]
        lines.append("  ".join([*aligned, truncate(subject, subject_width)]).rstrip())
    return "\n".join(lines)


def ticket_detail(ticket: Ticket, clocks: TicketClocks, tz: tzinfo) -> str:
    """Everything about one ticket, times in `tz`: facts, clocks, troubleshooting, escalations, body, timeline."""
    sections = [
        _facts(ticket, clocks, tz),
        _troubleshooting(ticket, tz),
        _escalations(ticket, tz),
        _section("Description", [_indented(printable(ticket.body))] if ticket.body.strip() else []),
        _section("Timeline", [_timeline_entry(entry, tz) for entry in ticket.timeline]),
    ]
    return "\n\n".join(section for section in sections if section)


def local(moment: datetime | None, tz: tzinfo) -> str:
    """A stored UTC time as wall time in `tz`, or a dash."""
    return moment.astimezone(tz).strftime(TIME_FORMAT) if moment else "-"


def _facts(ticket: Ticket, clocks: TicketClocks, tz: tzinfo) -> str:
    requester = ticket.requester
    contact = ", ".join(
        one_line(part)
        for part in (f"{requester.name} <{requester.email}>" if requester.name else requester.email, requester.phone)
        if part
    )
    facts = [
        ("status", f"{ticket.status} · tier {ticket.tier}"),
        ("priority", priority_cell(ticket)),
        ("assignee", one_line(ticket.assignee) or "-"),
        ("requester", contact or "-"),
        ("category", one_line(ticket.category) or "-"),
        ("created", local(ticket.created_at, tz)),
        ("ack", _clock_line(clocks.ack, tz, ticket.acknowledged_at, "acknowledged")),
        ("resolution", _clock_line(clocks.resolution, tz, ticket.resolved_at, "resolved")),
    ]
    if ticket.manager_flag:
        flag = ticket.manager_flag
        state = (
            f"acknowledged by {one_line(flag.by)} {local(flag.acknowledged_at, tz)}"
            if flag.acknowledged_at
            else "waiting for a manager"
        )
        facts.append(("manager", f"flag raised {local(flag.raised_at, tz)} ({one_line(flag.reason)}); {state}"))
    if ticket.resolution:
        facts.append(("summary", one_line(ticket.resolution)))
    if ticket.resolved_at:
        facts.append(("notified", local(ticket.client_notified_at, tz) if ticket.client_notified_at else "not yet"))
    if ticket.closed_at:
        facts.append(("closed", local(ticket.closed_at, tz)))
    if ticket.source.system != "sopdash":
        facts.append(("source", f"{one_line(ticket.source.system)} #{one_line(ticket.source.external_id)}"))
    width = max(len(label) for label, _ in facts)
    lines = [f"#{ticket.id}  {one_line(ticket.subject)}"]
    lines += [f"{INDENT}{label.ljust(width)}  {value}" for label, value in facts]
    return "\n".join(lines)


def _clock_line(reading: ClockReading, tz: tzinfo, stopped_at: datetime | None, stop_word: str) -> str:
    if reading.state == UNKNOWN:
        return f"{clock_cell(reading)} · {CLOCK_WORDS[UNKNOWN]}"
    due = f"due {local(reading.due, tz)}" if reading.due else "no deadline while paused"
    if reading.state in (MET, MET_LATE):
        stopped = [f"{stop_word} {local(stopped_at, tz)}"] if stopped_at else []
        return " · ".join([clock_cell(reading), *stopped, *([due] if reading.due else [])])
    left = " left" if reading.remaining_s >= 0 else ""
    return f"{clock_cell(reading)}{left} · {CLOCK_WORDS[reading.state]} · {due}"


def _troubleshooting(ticket: Ticket, tz: tzinfo) -> str:
    done = {record.step: record for record in ticket.troubleshooting}
    lines = []
    for number, title in enumerate(TROUBLESHOOTING_STEPS, start=1):
        record = done.get(number)
        if record:
            lines.append(f"{INDENT}✓ {number} {title} — {one_line(record.by)}, {local(record.at, tz)}")
        else:
            marker = "→" if number == ticket.current_step else " "
            lines.append(f"{INDENT}{marker} {number} {title}")
    return _section("Troubleshooting (CompTIA)", lines)


def _escalations(ticket: Ticket, tz: tzinfo) -> str:
    lines = [
        f"{INDENT}{local(e.at, tz)}  {one_line(e.by)}  tier {e.from_tier} → {e.to_tier}  {e.reason}"
        + (f"  {one_line(e.note)}" if e.note else "")
        for e in ticket.escalations
    ]
    return _section("Escalations", lines)


def _timeline_entry(entry: TimelineEntry, tz: tzinfo) -> str:
    kind = "INTERNAL" if entry.kind == "internal" else entry.kind
    head = f"{INDENT}{local(entry.at, tz)}  {one_line(entry.author) or '-'}  [{kind}]"
    text = printable(entry.text).strip()
    shown = f"{head}  {text}" if "\n" not in text else f"{head}\n{_indented(text, depth=2)}"
    return "\n".join([shown, *(f"{INDENT * 2}{one_line(line)}" for line in _mail_lines(entry))])


def _mail_lines(entry: TimelineEntry) -> list[str]:
    """Under an entry: its delivery state, or what came with the client's mail."""
    if entry.delivery is not None:
        return [f"mail {delivery_text(entry.delivery)}"]
    if entry.inbound is None:
        return []
    mail = entry.inbound
    lines = [f"attachment {a.name} ({a.size} bytes)" + ("" if a.path else " left out") for a in mail.attachments]
    if mail.left_out:
        lines.append(mail.left_out)
    if mail.quoted_folded:
        lines.append(f"quoted history folded; the original is {mail.eml}")
    return lines


def _section(title: str, lines: list[str]) -> str:
    return "\n".join([title, *lines]) if lines else ""


def _indented(text: str, depth: int = 1) -> str:
    return "\n".join((INDENT * depth + line).rstrip() for line in text.strip("\n").splitlines())
