"""The detail pane: everything about the highlighted ticket, as `sopdash.core.detail` writes it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip

from sopdash.core.board import Moment, Row
from sopdash.core.detail import ROLES, UNDER_TITLE, Line, ticket_detail
from sopdash.tui.bindings import DETAIL_BINDINGS
from sopdash.tui.widgets.line_view import LineView
from sopdash.tui.widgets.styling import span_style

NOTHING_SHOWN = "No ticket selected."
HANGING_AT_LEAST = 20  # cells of text beside a hanging indent; narrower, a long line wraps from the left edge


class TicketDetail(LineView, can_focus=True):
    """The highlighted ticket in full; scrolls with j/k when focused.

    Drawn through the Line API from the ticket's text wrapped once per change, so moving the queue
    cursor costs a wrap of one ticket, not a re-layout of the screen.
    """

    BINDINGS = DETAIL_BINDINGS
    COMPONENT_CLASSES = {f"ticket-detail--{role}" for role in ROLES}

    def __init__(self, zone: tzinfo, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.zone = zone
        self._text = Text("")  # so that the first `show` draws, "No ticket selected." too
        self._hangs: list[int] = []
        """Per line of `_text`, the characters its wrapped continuation lines are indented by."""
        self._ticket_id: int | None = None
        self._lines: list[Strip] = []
        self._wrapped_width = 0
        self._shown_with: tuple[Row | None, Moment | None, bool, Sequence[Line]] | None = None

    def show(self, row: Row | None, moment: Moment | None, privacy: bool, people: Sequence[Line] = ()) -> None:
        """Show `row` at `moment`, with `people` (who else is on it, the requester's other tickets) under its
        title; redraws only when what it says changed (clocks tick by the minute)."""
        self._shown_with = (row, moment, privacy, people)
        hangs: list[int] = []
        text = (
            Text(NOTHING_SHOWN)
            if row is None or moment is None
            else self.render_ticket(row, moment, privacy, people, hangs)
        )
        if text.plain == self._text.plain and text.spans == self._text.spans:
            return
        ticket_id = row.ticket.id if row else None
        self._text, self._hangs = text, hangs
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
        self._wrapped_width = width
        if width <= 0:
            return  # no size yet: `render_line` wraps once there is one
        console = self.app.console
        lines = self._text.split("\n", allow_blank=True)
        hangs = [*self._hangs, *[0] * (len(lines) - len(self._hangs))]
        wrapped = [row for line, hang in zip(lines, hangs) for row in _wrapped(line, hang, width, console)]
        self._lines = [Strip(list(line.render(console)), line.cell_len) for line in wrapped]
        self.resize_content(Size(width, len(self._lines)))

    def on_resize(self) -> None:
        self._wrap()
        self.refresh()

    def notify_style_update(self) -> None:
        """Focus, theme or stylesheet changed: show the same ticket again in the new styles."""
        super().notify_style_update()
        self.call_later(self._show_again)

    def _show_again(self) -> None:
        # What is shown when this runs, not when the styles changed: a ticket may have come in between.
        if self._shown_with is not None:
            self.show(*self._shown_with)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._wrapped_width:
            self._wrap()  # shown before the pane had its size
        index = round(self.scroll_offset.y) + y
        line = self._lines[index] if index < len(self._lines) else Strip.blank(width)
        return line.adjust_cell_length(width).apply_style(self.rich_style)

    def style(self, role: str) -> Style:
        """The rich style of a detail role: the component class `ticket-detail--{role}`."""
        return span_style(self, f"ticket-detail--{role}") if role else Style()

    def render_ticket(
        self, row: Row, moment: Moment, privacy: bool, people: Sequence[Line] = (), hangs: list[int] | None = None
    ) -> Text:
        """The whole pane as one Text (no markup is parsed anywhere: client text is shown literally); `hangs` is
        filled with each line's hanging indent, in characters."""
        clocks = row.clocks(moment)
        styles: dict[str, Style] = {}
        text = Text()
        lines = ticket_detail(row.ticket, clocks, moment.now, self.zone, privacy)
        lines[UNDER_TITLE:UNDER_TITLE] = people
        for line in lines:
            if hangs is not None:
                hangs.append(_hang(line))
            for span in line:
                style = styles.get(span.role)
                if style is None:
                    style = styles[span.role] = self.style(span.role)
                text.append(span.text, style)
            text.append("\n")
        text.rstrip()
        return text


def _hang(line: Line) -> int:
    """Characters up to the end of the line's span marked `hang` (0 for none)."""
    used = 0
    for span in line:
        used += len(span.text)
        if span.hang:
            return used
    return 0


def _wrapped(line: Text, hang: int, width: int, console: Console) -> list[Text]:
    """`line` wrapped to `width` cells, its continuation lines indented by its first `hang` characters."""
    head_cells = cell_len(line.plain[:hang])
    if not hang or width - head_cells < HANGING_AT_LEAST or line.cell_len <= width:
        return list(line.wrap(console, width)) or [Text()]
    head, body = line.divide([hang])
    rows = list(body.wrap(console, width - head_cells))
    return [Text.assemble(head if i == 0 else " " * head_cells, row) for i, row in enumerate(rows)] or [head]
