"""The detail pane: everything about the highlighted ticket — fields, clocks, troubleshooting, timeline."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sopdash.core.clocks import MET, MET_LATE, ClockReading
from sopdash.core.model import TROUBLESHOOTING_STEPS, Ticket
from sopdash.core.text import one_line
from sopdash.tui.bindings import DETAIL_BINDINGS
from sopdash.tui.board import Moment, Row
from sopdash.tui.display import client_line, client_text, local_time, requester_contact, requester_label, time_ago
from sopdash.core.marks import CLOCK_STYLES, CLOCK_WORDS, clock_text
from sopdash.tui.widgets.styling import span_style

KIND_LABELS = {"public": "PUBLIC", "internal": "INTERNAL", "event": "event", "client": "CLIENT"}
LABEL_WIDTH = 10
NOTHING_SHOWN = "No ticket selected."


class TicketDetail(ScrollView, can_focus=True):
    """The highlighted ticket in full; scrolls with j/k when focused.

    Drawn through the Line API from the ticket's text wrapped once per change, so moving the queue
    cursor costs a wrap of one ticket, not a re-layout of the screen.
    """

    BINDINGS = DETAIL_BINDINGS
    DEFAULT_CSS = """
    TicketDetail {
        overflow-x: hidden;
        overflow-y: scroll;
    }
    """
    COMPONENT_CLASSES = {
        "ticket-detail--title",
        "ticket-detail--heading",
        "ticket-detail--label",
        "ticket-detail--dim",
        "ticket-detail--current",
        "ticket-detail--public",
        "ticket-detail--internal",
        "ticket-detail--event",
        "ticket-detail--client",
        *(f"ticket-detail--{style}" for style in CLOCK_STYLES.values()),
    }

    def __init__(self, zone: tzinfo, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.zone = zone
        self._text = Text(NOTHING_SHOWN)
        self._ticket_id: int | None = None
        self._lines: list[Strip] = []
        self._wrapped_width = 0
        self._shown_with: tuple[Row | None, Moment | None, bool] | None = None

    def show(self, row: Row | None, moment: Moment | None, privacy: bool) -> None:
        """Show `row` at `moment`; redraws only when what it says changed (clocks tick by the minute)."""
        self._shown_with = (row, moment, privacy)
        text = Text(NOTHING_SHOWN) if row is None or moment is None else self.render_ticket(row, moment, privacy)
        if text.plain == self._text.plain and text.spans == self._text.spans:
            return
        ticket_id = row.ticket.id if row else None
        self._text = text
        self._wrap()
        if ticket_id != self._ticket_id:
            self._ticket_id = ticket_id
            self.scroll_to(y=0, animate=False)
        self.refresh()

    def plain_text(self) -> str:
        """What the pane shows, without styles."""
        return self._text.plain

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        self._wrapped_width = width
        console = self.app.console
        self._lines = [Strip(list(line.render(console)), line.cell_len) for line in self._text.wrap(console, width)]
        size = Size(width, len(self._lines))
        if size != self.virtual_size:
            # Not `self.virtual_size = size`: that lays the whole screen out again, a frame behind the cursor.
            # The scrollbar is always shown (overflow-y: scroll), so only its length needs telling.
            self.set_reactive(TicketDetail.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = size.height
            self.vertical_scrollbar.refresh()

    def on_resize(self) -> None:
        self._wrap()
        self.refresh()

    def notify_style_update(self) -> None:
        """Focus, theme or stylesheet changed: show the same ticket again in the new styles."""
        super().notify_style_update()
        if self._shown_with is not None:
            self.call_later(self.show, *self._shown_with)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._wrapped_width:
            self._wrap()  # shown before the pane had its size
        index = round(self.scroll_offset.y) + y
        line = self._lines[index] if index < len(self._lines) else Strip.blank(width)
        return line.adjust_cell_length(width).apply_style(self.rich_style)

    def style(self, name: str) -> Style:
        """The rich style of the component class `ticket-detail--{name}`."""
        return span_style(self, f"ticket-detail--{name}")

    def render_ticket(self, row: Row, moment: Moment, privacy: bool) -> Text:
        """The whole pane as one Text (no markup is parsed anywhere: client text is shown literally)."""
        ticket = row.ticket
        clocks = row.clocks(moment)
        text = Text()
        text.append(f"#{ticket.id} ", self.style("title"))
        text.append(client_line(ticket.subject, ticket.requester, privacy), self.style("title"))
        text.append("\n")
        text.append(" · ".join(self._facts(ticket)) + "\n")
        self._field(text, "From", requester_contact(ticket.requester, privacy))
        created = f"{local_time(ticket.created_at, self.zone)} ({time_ago(ticket.created_at, moment.now)})"
        self._field(text, "Created", created)
        text.append("\n")
        self._clock(text, "Ack", clocks.ack, ticket.acknowledged_at)
        self._clock(text, "Resolve", clocks.resolution, ticket.resolved_at)
        if ticket.resolution:
            self._field(text, "Summary", client_line(ticket.resolution, ticket.requester, privacy))
        if ticket.body.strip():
            text.append("\n")
            text.append(client_text(ticket.body.strip(), ticket.requester, privacy) + "\n")
        self._troubleshooting(text, ticket, privacy)
        self._escalations(text, ticket, privacy)
        self._timeline(text, ticket, privacy)
        text.rstrip()
        return text

    def _facts(self, ticket: Ticket) -> list[str]:
        facts = [ticket.priority if ticket.triaged else f"{ticket.priority} (untriaged: set with p)", ticket.status]
        facts.append(f"tier {ticket.tier}")
        facts.append(f"assigned to {one_line(ticket.assignee)}" if ticket.assignee else "unassigned")
        if ticket.category:
            facts.append(one_line(ticket.category))
        return facts

    def _field(self, text: Text, label: str, value: str) -> None:
        text.append(f"{label:<{LABEL_WIDTH}}", self.style("label"))
        text.append(value + "\n")

    def _clock(self, text: Text, label: str, reading: ClockReading, stopped_at: datetime | None) -> None:
        """`Resolve   ▲ 25m at risk · due Wed 25 Nov 16:12 EST`; a stopped clock says when it stopped."""
        style = self.style(CLOCK_STYLES[reading.state])
        text.append(f"{label:<{LABEL_WIDTH}}", self.style("label"))
        shown = clock_text(reading.state, reading.remaining_s)
        if reading.state not in (MET, MET_LATE):
            shown += f" {CLOCK_WORDS[reading.state]}"
        text.append(shown, style)
        if stopped_at is not None:
            text.append(f" · done {stopped_at.astimezone(self.zone):%a %H:%M}")
        text.append(f" · due {local_time(reading.due, self.zone)}" if reading.due else " · no due time while paused")
        text.append("\n")

    def _troubleshooting(self, text: Text, ticket: Ticket, privacy: bool) -> None:
        text.append("\nTROUBLESHOOTING (CompTIA)\n", self.style("heading"))
        done = {record.step: record for record in ticket.troubleshooting}
        current = ticket.current_step if ticket.is_open else None
        for number, name in enumerate(TROUBLESHOOTING_STEPS, start=1):
            record = done.get(number)
            if record is not None:
                text.append(f"  ✔ {number} {name}", self.style("dim"))
                text.append(f" · {one_line(record.by)} {local_time(record.at, self.zone)}", self.style("dim"))
                if record.note:
                    text.append(f" — {client_line(record.note, ticket.requester, privacy)}", self.style("dim"))
            elif number == current:
                text.append(f"  ▸ {number} {name}  ← current (t)", self.style("current"))
            else:
                text.append(f"  ○ {number} {name}")
            text.append("\n")
        text.append("  theory not confirmed? escalate (e) — SOP 6A\n", self.style("dim"))

    def _escalations(self, text: Text, ticket: Ticket, privacy: bool) -> None:
        if not (ticket.escalations or ticket.manager_flag):
            return
        text.append("\nESCALATIONS\n", self.style("heading"))
        for record in ticket.escalations:
            line = f"  tier {record.from_tier}→{record.to_tier} · {record.reason} · {one_line(record.by)} · "
            line += local_time(record.at, self.zone)
            note = client_line(record.note, ticket.requester, privacy)
            text.append(line + (f" — {note}" if record.note else "") + "\n")
        flag = ticket.manager_flag
        if flag is not None:
            raised = f"  ⚑ manager flag ({one_line(flag.reason)}) raised {local_time(flag.raised_at, self.zone)}"
            if flag.acknowledged_at is None:
                text.append(raised + " — waiting for a manager (M)\n", self.style("current"))
            else:
                text.append(raised + f" — acknowledged by {one_line(flag.by)} {local_time(flag.acknowledged_at, self.zone)}\n")

    def _timeline(self, text: Text, ticket: Ticket, privacy: bool) -> None:
        text.append("\nTIMELINE (newest first)\n", self.style("heading"))
        indent = " " * (2 + 17 + LABEL_WIDTH)
        for entry in reversed(ticket.timeline):
            kind = entry.kind
            style = self.style(kind)
            author = requester_label(ticket.requester, privacy) if entry.kind == "client" and privacy else one_line(entry.author)
            text.append(f"  {local_time(entry.at, self.zone, with_zone=False):<17}", self.style("dim"))
            text.append(f"{KIND_LABELS[kind]:<{LABEL_WIDTH}}", style)
            text.append(f"{author}: ", style)
            body = client_text(entry.text, ticket.requester, privacy).strip().replace("\n", "\n" + indent)
            text.append(body + "\n", style)
