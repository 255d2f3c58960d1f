"""The queue pane: one line per ticket, most urgent first, drawn only where it is visible."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.strip import Strip

from sopdash.core.board import Moment, Row
from sopdash.core.clocks import ClockReading
from sopdash.core.display import client_line, priority_label, requester_label
from sopdash.core.marks import clock_text
from sopdash.core.queue import Arrangement
from sopdash.core.text import one_line
from sopdash.tui.widgets.cursor_list import CursorList

MIN_SUBJECT = 28
SUBJECT_KEPT = 16  # cells of subject a wider assignee column never takes
ASSIGNEE_WIDEST = 14  # a longer login is cut, with an ellipsis
GAP = 1


@dataclass(frozen=True, slots=True)
class Column:
    """A queue column: what it shows, its title and width (0 for the subject, which takes what is left)."""

    name: str
    title: str
    width: int
    right: bool = False


ID_TITLE = "#"
# Whoever holds a ticket stays in sight at 80 columns: the subject is cut for the assignee's login.
ESSENTIAL = (
    Column("priority", "PRIORITY", 8),
    Column("status", "STATUS", 8),
    Column("subject", "SUBJECT", 0),
    Column("assignee", "ASSIGNEE", 8),
    Column("ack", "ACK", 11),  # `▲ Fri 08:12`
    Column("resolution", "RESOLVE", 11),
)
_ASSIGNEE = ESSENTIAL[3]
# Added while the subject keeps MIN_SUBJECT cells; shown before the assignee (the organisation only on a desk
# whose queue holds requesters that belong to one).
ORGANISATION = Column("organisation", "ORG", 8)
OPTIONAL = (Column("requester", "REQUESTER", 18), ORGANISATION)
DISPLAY_ORDER = ("id", "priority", "status", "subject", "requester", "organisation", "assignee", "ack", "resolution")


def fit_columns(width: int, id_width: int, assignee_width: int = 0, organisations: bool = False) -> list[Column]:
    """The columns that fit `width` cells: the essential ones, then the requester and the organisation if room remains; the assignee
    column widens to `assignee_width` (the longest login shown) as far as the subject keeps SUBJECT_KEPT cells."""
    columns = [Column("id", ID_TITLE, id_width, right=True), *ESSENTIAL]
    used = sum(c.width for c in columns) + GAP * len(columns)
    wider = max(0, min(assignee_width, ASSIGNEE_WIDEST) - _ASSIGNEE.width)
    wider = max(0, min(wider, width - used - SUBJECT_KEPT))
    columns = [Column(c.name, c.title, c.width + wider) if c is _ASSIGNEE else c for c in columns]
    for extra in OPTIONAL if organisations else OPTIONAL[:1]:
        used = sum(c.width for c in columns) + GAP * len(columns)
        if width - used - extra.width - GAP >= MIN_SUBJECT:
            columns.append(extra)
    used = sum(c.width for c in columns) + GAP * len(columns)  # every cell, the last too, ends with a gap
    subject = max(width - used, 1)
    columns = [Column(c.name, c.title, subject) if c.name == "subject" else c for c in columns]
    return sorted(columns, key=lambda c: DISPLAY_ORDER.index(c.name))


class TicketQueue(CursorList):
    """The queue of tickets in the current view, filter and sort order."""

    header_lines = 1

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.arrangement = Arrangement()
        self._columns: tuple[int, list[Column]] = (-1, [])
        self.marked: frozenset[int] = frozenset()
        self.busy: Mapping[int, bool] = {}
        self.empty_lines: tuple[str, ...] = ()
        """What the queue says while it has no rows (see `tui/empty_queue.py`)."""

    @property
    def line_count(self) -> int:
        return len(self.arrangement.rows)

    @property
    def current(self) -> Row | None:
        """The row under the cursor."""
        rows = self.arrangement.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    @property
    def current_id(self) -> int | None:
        row = self.current
        return row.ticket.id if row else None

    def show(self, arrangement: Arrangement, moment: Moment) -> None:
        """Show new rows, keeping the cursor on its ticket and that ticket on the same screen line."""
        current_id = self.current_id
        screen_line = self.cursor - round(self.scroll_offset.y)
        self.arrangement = arrangement
        self.moment = moment
        if current_id in arrangement.index:
            self.cursor = arrangement.index[current_id]
        self.content_changed()
        if current_id in arrangement.index:
            self.scroll_to(y=max(0, self.cursor - screen_line), animate=False)
        self.scroll_to_cursor()
        self.cursor_moved()

    def set_marked(self, marked: frozenset[int]) -> None:
        """The tickets marked for a bulk action (■ before the subject)."""
        self.marked = marked
        self.invalidate()

    def set_busy(self, busy: Mapping[int, bool]) -> None:
        """The tickets another technician is on → whether they are writing (✎) or viewing (○)."""
        self.busy = busy
        self.invalidate()

    def line_clocks(self, index: int, moment: Moment) -> tuple[ClockReading, ...]:
        clocks = self.arrangement.rows[index].clocks(moment)
        return clocks.ack, clocks.resolution

    def go_to(self, ticket_id: int) -> bool:
        """Put the cursor on a ticket; False if it is not in the queue."""
        index = self.arrangement.index.get(ticket_id)
        if index is None:
            return False
        self.move_cursor(index)
        return True

    def columns(self, width: int) -> list[Column]:
        """The columns for `width`, recomputed only when the width changes."""
        if self._columns[0] != width:
            id_width = max(len(ID_TITLE), len(str(max(self.arrangement.index, default=0))))
            logins = {row.ticket.assignee for row in self.arrangement.rows}
            assignee_width = max((cell_len(one_line(login)) for login in logins), default=0)
            organisations = any(row.organisations for row in self.arrangement.rows)
            self._columns = (width, fit_columns(width, id_width, assignee_width, organisations))
        return self._columns[1]

    def content_changed(self) -> None:
        self._columns = (-1, [])
        super().content_changed()

    def render_line(self, y: int) -> Strip:
        index = y - self.header_lines
        if self.line_count or not 0 <= index < len(self.empty_lines):
            return super().render_line(y)
        width = self.content_width
        said = self.empty_lines[index]
        return self._cached(("empty", index, width, self._version), lambda: Text(f" {said}", self.style_of("dim")), width)

    def render_header(self, width: int) -> Text:
        line = Text(style=self.style_of("header"))
        for column in self.columns(width):
            line.append(_cell(column.title, column))
        return line

    def render_item(self, index: int, width: int) -> Text:
        row = self.arrangement.rows[index]
        ticket = row.ticket
        clocks = row.clocks(self.moment) if self.moment else None
        line = Text()
        for column in self.columns(width):
            if column.name == "id":
                line.append(_cell(str(ticket.id), column))
            elif column.name == "priority":
                line.append(_cell(priority_label(ticket, short=True), column), self.style_of("strong") if ticket.priority == "urgent" else "")
            elif column.name == "status":
                line.append(_cell(ticket.status, column), self.style_of("strong") if ticket.status == "new" else "")
            elif column.name == "subject":
                line.append_text(self._subject(row, column))
            elif column.name == "requester":
                line.append(_cell(requester_label(ticket.requester, self.privacy), column))
            elif column.name == "organisation":
                shown = one_line(row.organisations[0]) + ("+" if len(row.organisations) > 1 else "") if row.organisations else "—"
                line.append(_cell(shown, column), "" if row.organisations else self.style_of("dim"))
            elif column.name == "assignee":
                line.append(_cell(one_line(ticket.assignee) or "—", column), "" if ticket.assignee else self.style_of("dim"))
            elif clocks is not None:
                reading = clocks.ack if column.name == "ack" else clocks.resolution
                line.append_text(self._clock_cell(reading, column))
        return line

    def _subject(self, row: Row, column: Column) -> Text:
        ticket = row.ticket
        marks = Text()
        if ticket.id in self.marked:
            marks.append("■ ", self.style_of("strong"))
        if ticket.id in self.busy:
            marks.append("✎ " if self.busy[ticket.id] else "○ ", self.style_of("strong"))
        if ticket.is_escalated:
            marks.append(f"⇧{ticket.tier} ", self.style_of("strong"))
        if ticket.needs_manager:
            marks.append("⚑ ", self.style_of("strong"))
        subject = client_line(ticket.subject, ticket.requester, self.privacy)
        marks.append(subject)
        marks.truncate(column.width, overflow="ellipsis", pad=True)
        marks.append(" " * GAP)
        return marks

    def _clock_cell(self, reading: ClockReading, column: Column) -> Text:
        assert self.moment is not None
        return Text(_cell(clock_text(reading, self.moment.now, self.zone), column), self.clock_style(reading.state))


def _cell(value: str, column: Column) -> str:
    """`value` fitted to the column (cut with an ellipsis, padded, aligned) plus the gap after it."""
    if cell_len(value) > column.width:
        value = set_cell_size(value, max(column.width - 1, 0)) + "…"
    padding = " " * (column.width - cell_len(value))
    return (padding + value if column.right else value + padding) + " " * GAP
