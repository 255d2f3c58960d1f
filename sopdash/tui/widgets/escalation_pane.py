"""The escalation pane (SOP 6): tickets that need escalating, tickets escalated, flags waiting for a manager, and
tickets whose mail to the client failed."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from sopdash.core.board import Board, Moment, Row
from sopdash.core.clocks import ClockReading
from sopdash.core.delivery import failed_mail
from sopdash.core.display import client_line, time_ago
from sopdash.core.forecast import Forecast, TicketForecast
from sopdash.core.marks import clock_text
from sopdash.core.text import one_line
from sopdash.tui.widgets.cursor_list import CursorList

NEEDS, ESCALATED, MANAGER, MAIL, FORECAST = "needs", "escalated", "manager", "mail", "forecast"
GROUP_TITLES = {
    FORECAST: "BREACH FORECAST",
    NEEDS: "NEEDS ESCALATION (6A)",
    ESCALATED: "ESCALATED",
    MANAGER: "MANAGER ATTENTION (6B/6C)",
    MAIL: "CLIENT MAIL FAILED",
}
MAX_PER_GROUP = 200


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the pane: a group title, a ticket in a group, or a note such as `none`."""

    group: str
    row: Row | None = None
    note: str = ""
    title: bool = False
    due: TicketForecast | None = None


def pane_entries(needs: list[Row], escalated: list[Row], manager: list[Row], mail: list[Row] = ()) -> list[Entry]:
    """The pane's lines: each group's title, then its tickets (at most MAX_PER_GROUP) or `none`; the failed-mail
    group only while some client's mail failed."""
    entries: list[Entry] = []
    groups = ((NEEDS, needs), (ESCALATED, escalated), (MANAGER, manager), *(((MAIL, mail),) if mail else ()))
    for group, rows in groups:
        entries.append(Entry(group, note=f"{GROUP_TITLES[group]}  {len(rows)}", title=True))
        entries.extend(Entry(group, row) for row in rows[:MAX_PER_GROUP])
        if not rows:
            entries.append(Entry(group, note="none"))
        elif len(rows) > MAX_PER_GROUP:
            entries.append(Entry(group, note=f"… {len(rows) - MAX_PER_GROUP} more"))
    return entries


def forecast_entries(board: Board, forecast: Forecast) -> list[Entry]:
    """The breach forecast's section: its title, then each ticket due by the end of the business day and why."""
    title = f"{GROUP_TITLES[FORECAST]}  {len(forecast.next_hour)} due 1h · {len(forecast.tickets)} today"
    entries = [Entry(FORECAST, note=title, title=True)]
    if forecast.least_loaded:
        entries.append(Entry(FORECAST, note=f"least on their plate: {forecast.least_loaded}"))
    for due in forecast.tickets[:MAX_PER_GROUP]:
        row = board.by_id.get(due.ticket_id)
        if row is not None:
            entries += [Entry(FORECAST, row, due=due), Entry(FORECAST, note=due.reasons)]
    if not forecast.tickets:
        entries.append(Entry(FORECAST, note="none"))
    return entries


class EscalationPane(CursorList):
    """Three groups of tickets the SOP says someone must act on."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.board: Board | None = None
        self.entries: list[Entry] = []
        self._needs: list[Row] | None = None
        self.forecast: Forecast | None = None

    @property
    def line_count(self) -> int:
        return len(self.entries)

    def selectable(self, index: int) -> bool:
        return self.entries[index].row is not None

    @property
    def current_id(self) -> int | None:
        entry = self.entries[self.cursor] if 0 <= self.cursor < len(self.entries) else None
        return entry.row.ticket.id if entry is not None and entry.row is not None else None

    def show(self, board: Board, moment: Moment) -> None:
        """A new board: rebuild the groups."""
        self.board = board
        self._needs = None
        self.tick(moment)

    def show_forecast(self, forecast: Forecast) -> None:
        """A new breach forecast: rebuild its section."""
        self.forecast = forecast
        if self.board is not None and self._needs is not None:
            board = self.board
            self._rebuild(pane_entries(self._needs, board.escalated, board.manager_attention, board.mail_failed)
                          + forecast_entries(board, forecast))

    def tick(self, moment: Moment) -> None:
        """Time moved on: regroup if a ticket crossed into "needs escalation", else redraw changed clocks."""
        needs = self.board.needs_escalation(moment) if self.board is not None else None
        if self.board is not None and needs is not self._needs:
            self.moment, self._needs = moment, needs
            board = self.board
            entries = pane_entries(needs or [], board.escalated, board.manager_attention, board.mail_failed)
            self._rebuild(entries + (forecast_entries(board, self.forecast) if self.forecast is not None else []))
        else:
            super().tick(moment)

    def line_clocks(self, index: int, moment: Moment) -> tuple[ClockReading, ...]:
        """The resolution clock of a "needs escalation" line."""
        entry = self.entries[index]
        return (entry.row.clocks(moment).resolution,) if entry.group == NEEDS and entry.row is not None else ()

    def _rebuild(self, entries: list[Entry]) -> None:
        current = self.entries[self.cursor] if 0 <= self.cursor < len(self.entries) else None
        self.entries = entries
        if current is not None and current.row is not None:
            wanted = (current.group, current.row.ticket.id)
            self.cursor = next(
                (i for i, e in enumerate(entries) if e.row and (e.group, e.row.ticket.id) == wanted), self.cursor
            )
        self.content_changed()
        self.scroll_to_cursor()
        self.cursor_moved()

    def render_item(self, index: int, width: int) -> Text:
        entry = self.entries[index]
        if entry.title:
            return Text(entry.note, self.style_of("group"))
        if entry.row is None:
            return Text(f"  {entry.note}", self.style_of("dim"))
        ticket = entry.row.ticket
        line = Text()
        line.append(f"#{ticket.id} ", self.style_of("strong"))
        if entry.group == NEEDS and self.moment is not None:
            reading = entry.row.clocks(self.moment).resolution
            line.append(clock_text(reading, self.moment.now, self.zone), self.clock_style(reading.state))
            line.append(f" {ticket.priority}")
        elif entry.group == ESCALATED and ticket.escalations and self.moment is not None:
            last = ticket.escalations[-1]
            line.append(f"⇧{ticket.tier} {last.reason} · {one_line(last.by)} · {time_ago(last.at, self.moment.now)}")
        elif entry.group == MANAGER and ticket.manager_flag is not None and self.moment is not None:
            flag = ticket.manager_flag
            line.append(f"⚑ {one_line(flag.reason)} · {time_ago(flag.raised_at, self.moment.now)}")
        elif entry.group == FORECAST and entry.due is not None:
            verdict = "likely anyway" if entry.due.likely_anyway else "if nothing is done"
            line.append(f"⌛ {entry.due.headline} · {verdict}", self.clock_style("warning"))
        elif entry.group == MAIL and (failed := failed_mail(ticket)) is not None:
            line.append(f"✗ {one_line(failed.last_error)}", self.clock_style("breached"))
        line.append("  ")
        line.append(client_line(ticket.subject, ticket.requester, self.privacy), self.style_of("dim"))
        return line
