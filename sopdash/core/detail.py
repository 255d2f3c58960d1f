"""What a ticket's detail says, written once: `sopdash ticket show` prints it and the dashboard's detail pane draws it.

The detail is a list of lines, each a tuple of spans. A span carries its text and a role that a face
may style (the dashboard maps a role to a component class; the CLI prints the text plainly). Spans
that only name a dashboard key (`(t)`) are marked, so the CLI leaves them out.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import NamedTuple

from sopdash.core.clocks import MET, MET_LATE, UNKNOWN, ClockReading, TicketClocks
from sopdash.core.display import (
    LINE_SHOWN,
    client_line,
    client_text,
    local_time,
    priority_label,
    requester_contact,
    requester_label,
    time_ago,
)
from sopdash.core.delivery import delivery_text
from sopdash.core.marks import CLOCK_STYLES, CLOCK_WORDS, clock_text
from sopdash.core.model import TROUBLESHOOTING_STEPS, Ticket, TimelineEntry
from sopdash.core.privacy import mask_email, mask_name, mask_phone, scrub_text
from sopdash.core.text import one_line
from sopdash.core.time_spent import time_totals

LABEL_WIDTH = 10
TIME_WIDTH = 17  # `Wed 25 Nov 09:30` and a space
KIND_LABELS = {"public": "PUBLIC", "internal": "INTERNAL", "event": "event", "client": "CLIENT"}
DELIVERY_ROLES = {"queued": "mail-queued", "sent": "mail-sent", "failed": "mail-failed"}
ROLES = ("title", "heading", "label", "dim", "current", *KIND_LABELS, *CLOCK_STYLES.values(), *DELIVERY_ROLES.values())
"""Every role a span may have besides none: what a face can style."""


class Span(NamedTuple):
    """A run of text in a detail line, with how it reads (`role`, one of ROLES or empty); `hang` says that a line
    too long for the pane wraps under the text after this span (a hanging indent)."""

    text: str
    role: str = ""
    key_hint: bool = False
    hang: bool = False


Line = tuple[Span, ...]
MAIL_OFF = "off: what you write to the client is recorded, not sent"
UNDER_TITLE = 2  # lines: the title and the facts; what a face adds about the ticket goes after them


def ticket_detail(ticket: Ticket, clocks: TicketClocks, now: datetime, zone: tzinfo, privacy: bool) -> list[Line]:
    """Everything about one ticket at `now`, times in `zone`: facts, clocks, body, troubleshooting, escalations,
    timeline. Client text is masked in privacy mode and never carries control characters."""
    return [
        *_facts(ticket, clocks, now, zone, privacy),
        *_body(ticket, privacy),
        *_troubleshooting(ticket, zone, privacy),
        *_escalations(ticket, zone, privacy),
        *_timeline(ticket, zone, privacy),
    ]


def mail_off_lines(ticket: Ticket) -> list[Line]:
    """For a ticket whose client wrote in by mail while the desk's mail is off: that what is written to them is
    only recorded (none for a ticket that never came by mail)."""
    if not any(entry.inbound is not None for entry in ticket.timeline):
        return []
    return [_field("Mail", MAIL_OFF, "current")]


def plain_lines(lines: list[Line], key_hints: bool = False) -> str:
    """The detail as plain text (the CLI's form); key hints only if asked for."""
    return "\n".join(
        "".join(span.text for span in line if key_hints or not span.key_hint).rstrip() for line in lines
    )


def _field(label: str, value: str, role: str = "") -> Line:
    return (Span(f"{label:<{LABEL_WIDTH}}", "label", hang=True), Span(value, role))


def cc_text(cc: tuple[str, ...], privacy: bool) -> str:
    """The people copied on a ticket's mail, on one line as written (masked in privacy mode)."""
    return ", ".join(one_line(mask_email(address) if privacy else address) for address in cc)


def _facts(ticket: Ticket, clocks: TicketClocks, now: datetime, zone: tzinfo, privacy: bool) -> list[Line]:
    facts = [priority_label(ticket), ticket.status, f"tier {ticket.tier}"]
    facts.append(f"assigned to {one_line(ticket.assignee)}" if ticket.assignee else "unassigned")
    if ticket.category:
        facts.append(one_line(ticket.category, LINE_SHOWN))
    lines: list[Line] = [
        (Span(f"#{ticket.id} ", "title"), Span(client_line(ticket.subject, ticket.requester, privacy), "title")),
        (Span(" · ".join(facts)),),
        _field("From", requester_contact(ticket.requester, privacy)),
        *([_field("Cc", cc_text(ticket.cc, privacy))] if ticket.cc else []),
        _field("Created", f"{local_time(ticket.created_at, zone, now=now)} ({time_ago(ticket.created_at, now)})"),
        (),
        _clock("Ack", clocks.ack, ticket.clock_acknowledged_at, now, zone),
        _clock("Resolve", clocks.resolution, ticket.resolved_at, now, zone),
    ]
    spent = time_totals(ticket)
    if spent.total_s:
        lines.append(_field("Time", spent.words()))
    if ticket.resolution:
        lines.append(_field("Summary", client_line(ticket.resolution, ticket.requester, privacy)))
    if ticket.resolved_at:
        notified = local_time(ticket.client_notified_at, zone) if ticket.client_notified_at else "not yet"
        lines.append(_field("Notified", notified))
    if ticket.closed_at:
        lines.append(_field("Closed", local_time(ticket.closed_at, zone)))
    if ticket.source.system != "sopdash":
        lines.append(_field("Source", f"{one_line(ticket.source.system)} #{one_line(ticket.source.external_id)}"))
    return lines


def _clock(label: str, reading: ClockReading, stopped_at: datetime | None, now: datetime, zone: tzinfo) -> Line:
    """`Resolve   ▲ 25m at risk · due Wed 25 Nov 16:12 EST`; a stopped clock says when it stopped."""
    head = Span(f"{label:<{LABEL_WIDTH}}", "label")
    shown = clock_text(reading, now, zone)
    if reading.state == UNKNOWN:
        return (head, Span(shown, CLOCK_STYLES[UNKNOWN]), Span(f" · {CLOCK_WORDS[UNKNOWN]}"))
    stopped = reading.state in (MET, MET_LATE)
    shown += "" if stopped else f" {CLOCK_WORDS[reading.state]}"
    after = f" · done {stopped_at.astimezone(zone):%a %H:%M}" if stopped_at is not None else ""
    if reading.due:
        after += f" · due {local_time(reading.due, zone, now=now)}"
    elif not stopped:
        after += " · no due time while paused"
    return (head, Span(shown, CLOCK_STYLES[reading.state]), Span(after))


def _body(ticket: Ticket, privacy: bool) -> list[Line]:
    body = ticket.body.strip()
    if not body:
        return []
    return [(), *((Span(line),) for line in client_text(body, ticket.requester, privacy).split("\n"))]


def _troubleshooting(ticket: Ticket, zone: tzinfo, privacy: bool) -> list[Line]:
    lines: list[Line] = [(), (Span("TROUBLESHOOTING (CompTIA)", "heading"),)]
    done = {record.step: record for record in ticket.troubleshooting}
    current = ticket.current_step if ticket.is_open else None
    for number, name in enumerate(TROUBLESHOOTING_STEPS, start=1):
        record = done.get(number)
        if record is not None:
            line = f"  ✔ {number} {name} · {one_line(record.by)} {local_time(record.at, zone)}"
            if record.note:
                line += f" — {client_line(record.note, ticket.requester, privacy)}"
            lines.append((Span(line, "dim"),))
        elif number == current:
            lines.append((Span(f"  ▸ {number} {name}  ← current", "current"), Span(" (t)", "current", True)))
        else:
            lines.append((Span(f"  ○ {number} {name}"),))
    lines.append((Span("  theory not confirmed? escalate", "dim"), Span(" (e)", "dim", True), Span(" — SOP 6A", "dim")))
    return lines


def _escalations(ticket: Ticket, zone: tzinfo, privacy: bool) -> list[Line]:
    if not (ticket.escalations or ticket.manager_flag):
        return []
    lines: list[Line] = [(), (Span("ESCALATIONS", "heading"),)]
    for record in ticket.escalations:
        line = f"  tier {record.from_tier}→{record.to_tier} · {record.reason} · {one_line(record.by)} · "
        line += local_time(record.at, zone)
        if record.note:
            line += f" — {client_line(record.note, ticket.requester, privacy)}"
        lines.append((Span(line),))
    flag = ticket.manager_flag
    if flag is not None:
        raised = f"  ⚑ manager flag ({one_line(flag.reason)}) raised {local_time(flag.raised_at, zone)}"
        if flag.acknowledged_at is None:
            lines.append((Span(raised + " — waiting for a manager", "current"), Span(" (M)", "current", True)))
        else:
            by = f" — acknowledged by {one_line(flag.by)} {local_time(flag.acknowledged_at, zone)}"
            lines.append((Span(raised + by),))
    return lines


def _timeline(ticket: Ticket, zone: tzinfo, privacy: bool) -> list[Line]:
    lines: list[Line] = [(), (Span("TIMELINE (newest first)", "heading"),)]
    indent = " " * (2 + TIME_WIDTH + LABEL_WIDTH)
    for entry in reversed(ticket.timeline):
        kind = entry.kind
        author = _client_author(entry, ticket, privacy) if kind == "client" else one_line(entry.author)
        said = edit_text(entry, ticket, privacy) or client_text(entry.text, ticket.requester, privacy)
        first, *rest = said.strip().split("\n")
        lines.append(
            (
                Span(f"  {local_time(entry.at, zone, with_zone=False):<{TIME_WIDTH}}", "dim"),
                Span(f"{KIND_LABELS[kind]:<{LABEL_WIDTH}}", kind, hang=True),
                Span(f"{author}: ", kind),
                Span(f"from #{entry.origin}: " if entry.origin else "", "dim"),
                Span(first, kind),
            )
        )
        lines.extend((Span(indent, kind, hang=True), Span(line, kind)) for line in rest)
        lines.extend(_mail_lines(entry, indent, ticket, privacy))
    return lines


EDITED = {
    "subject": "subject",
    "category": "category",
    "requester.name": "requester name",
    "requester.email": "requester e-mail",
    "requester.phone": "requester phone",
}
QUOTED = ("subject", "category")
VALUE_SHOWN = 60  # cells of an old or new value in the timeline


def edit_text(entry: TimelineEntry, ticket: Ticket, privacy: bool) -> str:
    """What an edit event changed, old and new value shown literally (`subject: 'VPN' → 'VPN drops hourly'`,
    `requester name: Ann Lee → Ann Smith`), masked in privacy mode; empty for any other entry."""
    if entry.kind != "event" or not entry.change:
        return ""
    said = [
        f"{EDITED[key]}: {_edited_value(key, old, ticket, privacy)} → {_edited_value(key, new, ticket, privacy)}"
        for key, (old, new) in entry.change.items()
        if key in EDITED
    ]
    return "; ".join(said)


def _edited_value(key: str, value: object, ticket: Ticket, privacy: bool) -> str:
    text = value if isinstance(value, str) else ""
    if privacy:
        masks = {"requester.name": mask_name, "requester.email": mask_email, "requester.phone": mask_phone}
        text = masks[key](text) if key in masks else scrub_text(text, ticket.requester)
    shown = one_line(text, VALUE_SHOWN)
    if not shown:
        return "(none)"
    return f"'{shown}'" if key in QUOTED else shown


def _client_author(entry: TimelineEntry, ticket: Ticket, privacy: bool) -> str:
    """Who wrote a client entry, with the address it came from (a name alone can be copied by anyone):
    `Bob Client <mallory@evil.example>`; masked in privacy mode, where mail not from the requester says so."""
    sender = entry.inbound.sender if entry.inbound is not None else ""
    if privacy:
        requester = not sender or sender.lower() == ticket.requester.email.strip().lower()
        name = requester_label(ticket.requester, privacy) if requester else "not the requester"
        return f"{name} <{one_line(mask_email(sender))}>" if sender else name
    name, address = one_line(entry.author), one_line(sender)
    return f"{name} <{address}>" if address and name != address else name or address


def _mail_lines(entry: TimelineEntry, indent: str, ticket: Ticket, privacy: bool) -> list[Line]:
    """Under an entry: where its mail stands (`✓ sent to …`), or what came with the client's mail."""
    if entry.delivery is not None:
        shown = client_line(delivery_text(entry.delivery), ticket.requester, privacy)
        role = DELIVERY_ROLES[entry.delivery.state]
        return [(Span(indent, role, hang=True), Span(f"mail {shown}", role))]
    if entry.inbound is None:
        return []
    mail = entry.inbound
    lines = [
        f"attachment {one_line(a.name)} ({a.size:,} bytes)" + ("" if a.path else ", left out") for a in mail.attachments
    ]
    if mail.left_out:
        lines.append(one_line(mail.left_out))
    if mail.quoted_folded:
        lines.append(f"quoted history folded away; the whole message is kept as {one_line(mail.eml)}")
    elif mail.left_out:
        lines.append(f"the whole message is kept as {one_line(mail.eml)}")
    return [(Span(indent, "dim", hang=True), Span(line, "dim")) for line in lines]
