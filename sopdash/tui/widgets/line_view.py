"""A Line-API scroll view whose content height changes without laying the screen out again."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


class LineView(ScrollView):
    """A ScrollView with its vertical scrollbar always shown, resized by `resize_content`.

    Setting `virtual_size` lays out the whole screen (the footer and every pane), which costs more than
    drawing a ticket, and lands a frame behind the cursor that caused it. A view whose own size does not
    change with its content only needs its scroll range and its scrollbar's length updated.
    """

    DEFAULT_CSS = """
    LineView {
        overflow-x: hidden;
        overflow-y: scroll;
    }
    """

    def resize_content(self, size: Size) -> None:
        """The content is now `size`: scroll range and scrollbar follow, without a layout."""
        if size != self.virtual_size:
            self.set_reactive(LineView.virtual_size, size)
            scrollbar = self.vertical_scrollbar
            scrollbar.window_virtual_size = size.height
            scrollbar.refresh()
