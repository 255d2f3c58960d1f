"""A virtualised list with a cursor: the base of the queue and escalation panes.

It draws through Textual's Line API: `render_line` builds the one visible line asked for, from a
`rich.text.Text` (never markup), and keeps a small cache keyed by line, width and a version that
bumps when the content changes. A key press costs a couple of lines, whatever the length of the list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timezone, tzinfo

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sopdash.core.board import Moment
from sopdash.core.clocks import ClockReading
from sopdash.core.marks import CLOCK_STYLES, clock_text
from sopdash.tui.bindings import LIST_BINDINGS
from sopdash.tui.messages import TicketOpened
from sopdash.tui.widgets.styling import span_style

CACHE_LINES = 512


class CursorList(ScrollView, can_focus=True):
    """Lines of which some are selectable, a cursor on one of them, and an optional fixed header line."""

    BINDINGS = LIST_BINDINGS
    COMPONENT_CLASSES = {
        "cursor-list--cursor",
        "cursor-list--cursor-blurred",
        "cursor-list--header",
        "cursor-list--group",
        "cursor-list--dim",
        "cursor-list--strong",
        *(f"cursor-list--{style}" for style in CLOCK_STYLES.values()),
    }
    DEFAULT_CSS = """
    CursorList {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    header_lines = 0
    highlighted: var[int | None] = var(None)
    """The ticket under the cursor. The app watches it: watchers run at once, so the detail pane
    repaints in the same frame as the cursor instead of a frame later, as a message would."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.moment: Moment | None = None
        self.privacy = False
        self.zone: tzinfo = timezone.utc
        """The team's zone, in which clocks say when they fall due (set by the app)."""
        self.cursor = 0
        self._version = 0
        self._cache: dict[tuple, Strip] = {}
        self._styles: dict[str, Style] = {}

    # What a subclass provides.

    @property
    def line_count(self) -> int:
        """How many lines the list has (not counting the header)."""
        raise NotImplementedError

    def render_item(self, index: int, width: int) -> Text:
        """Line `index`, as text no wider than `width`."""
        raise NotImplementedError

    def render_header(self, width: int) -> Text:
        """The fixed header line."""
        return Text()

    def selectable(self, index: int) -> bool:
        """Whether the cursor may rest on line `index`."""
        return True

    @property
    def current_id(self) -> int | None:
        """The ticket on the cursor's line, if any."""
        raise NotImplementedError

    def line_clocks(self, index: int, moment: Moment) -> tuple[ClockReading, ...]:
        """The clocks line `index` shows at `moment`."""
        return ()

    def cursor_moved(self) -> None:
        """Called after the cursor or the lines under it changed."""
        self.highlighted = self.current_id

    # What every list does alike.

    def tick(self, moment: Moment) -> None:
        """Time moved on: redraw if a visible clock now reads differently (they read by the minute)."""
        before = self._visible_clocks()
        self.moment = moment
        if self._visible_clocks() != before:
            self.invalidate()

    def _visible_clocks(self) -> list[str]:
        """Every clock on screen, as it reads."""
        moment = self.moment
        if moment is None:
            return []
        top = round(self.scroll_offset.y)
        return [
            clock_text(reading, moment.now, self.zone)
            for index in range(top, min(top + self.visible_lines, self.line_count))
            for reading in self.line_clocks(index, moment)
        ]

    def set_privacy(self, privacy: bool) -> None:
        """Mask (or show) client names, e-mails and phones."""
        self.privacy = privacy
        self.invalidate()

    def action_open(self) -> None:
        """`enter`: open the ticket under the cursor in the detail pane."""
        if self.current_id is not None:
            self.post_message(TicketOpened(self.id or ""))

    # Drawing.

    @property
    def content_width(self) -> int:
        return self.scrollable_content_region.width

    @property
    def visible_lines(self) -> int:
        """How many list lines fit under the header."""
        return max(1, self.scrollable_content_region.height - self.header_lines)

    def invalidate(self) -> None:
        """The content changed: drop cached lines and redraw."""
        self._version += 1
        self._cache.clear()
        self.refresh()

    def content_changed(self) -> None:
        """The number of lines may have changed: resize the scroll area, keep the cursor in range, redraw."""
        self.virtual_size = Size(max(self.content_width, 1), self.line_count + self.header_lines)
        self.cursor = self._nearest_selectable(min(self.cursor, max(self.line_count - 1, 0)), 1)
        self.invalidate()

    def render_line(self, y: int) -> Strip:
        width = self.content_width
        if y < self.header_lines:
            key: tuple = ("header", y, width, self._version)
            return self._cached(key, lambda: self.render_header(width), width)
        index = round(self.scroll_offset.y) + y - self.header_lines
        if index >= self.line_count:
            return Strip.blank(width, self.rich_style)
        at_cursor = index == self.cursor and self.selectable(index)
        key = (index, width, self._version, at_cursor, at_cursor and self.has_focus)
        return self._cached(key, lambda: self._render_with_cursor(index, width, at_cursor), width)

    def _render_with_cursor(self, index: int, width: int, at_cursor: bool) -> Text:
        text = self.render_item(index, width)
        if at_cursor:
            name = "cursor-list--cursor" if self.has_focus else "cursor-list--cursor-blurred"
            # Not partial: a translucent cursor colour is blended with the pane's background.
            text = Text.assemble(text, style=self.get_component_rich_style(name))
            text.pad_right(width - text.cell_len)
        return text

    def _cached(self, key: tuple, make: Callable[[], Text], width: int) -> Strip:
        strip = self._cache.get(key)
        if strip is None:
            if len(self._cache) > CACHE_LINES:
                self._cache.clear()
            text = make()
            text.truncate(width, overflow="ellipsis")
            console = self.app.console
            # Text.render drops the base style of a text without spans, so apply it here.
            segments = list(Segment.apply_style(text.render(console), console.get_style(text.style)))
            strip = Strip(segments, text.cell_len).adjust_cell_length(width).apply_style(self.rich_style)
            self._cache[key] = strip
        return strip

    def style_of(self, component: str) -> Style:
        """The style of the component class `cursor-list--{component}` (cached until the styles change)."""
        style = self._styles.get(component)
        if style is None:
            style = self._styles[component] = span_style(self, f"cursor-list--{component}")
        return style

    def clock_style(self, state: str) -> Style:
        """The style of a clock in `state`."""
        return self.style_of(CLOCK_STYLES[state])

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._styles.clear()

    def on_resize(self, event: events.Resize) -> None:
        self.content_changed()
        self.scroll_to_cursor()

    def on_focus(self) -> None:
        self.invalidate()

    def on_blur(self) -> None:
        self.invalidate()

    # The cursor.

    def _nearest_selectable(self, index: int, step: int) -> int:
        """`index`, or the closest selectable line from it in the direction of `step` (then the other way)."""
        for direction in (step, -step):
            probe = index
            while 0 <= probe < self.line_count:
                if self.selectable(probe):
                    return probe
                probe += direction
        return index

    def move_cursor(self, index: int, step: int = 1) -> None:
        """Put the cursor on line `index` (or the nearest selectable line), scrolling it into view."""
        if not self.line_count:
            return
        index = self._nearest_selectable(max(0, min(index, self.line_count - 1)), step)
        if index == self.cursor:
            self.scroll_to_cursor()
            return
        previous, self.cursor = self.cursor, index
        self.refresh_lines(previous + self.header_lines)
        self.refresh_lines(index + self.header_lines)
        self.scroll_to_cursor()
        self.cursor_moved()

    def scroll_to_cursor(self) -> None:
        """Scroll as little as possible to bring the cursor into view."""
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + self.visible_lines:
            self.scroll_to(y=self.cursor - self.visible_lines + 1, animate=False)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1, 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1, -1)

    def action_cursor_first(self) -> None:
        self.move_cursor(0, 1)

    def action_cursor_last(self) -> None:
        self.move_cursor(self.line_count - 1, -1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self.visible_lines, 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self.visible_lines, -1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < self.header_lines:
            return
        self.move_cursor(round(self.scroll_offset.y) + offset.y - self.header_lines)

