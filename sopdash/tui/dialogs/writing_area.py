"""The text area every dialog writes in: Textual's `TextArea`, soft-wrapped, with an undo that keeps its history sound.

Textual's undo does not end the batch of edits under the one it undid, so what is typed right after an undo
joins that batch, which may hold a new line or a pasted canned reply; undoing that batch then re-wraps the
wrong lines, and the next draw fails (`ValueError` in `_wrapped_document.get_offsets`, issue 24). Ending the
batch at every undo keeps each batch to what Textual can undo.
"""

from __future__ import annotations

from textual.widgets import TextArea


class WritingArea(TextArea):
    """A compact, soft-wrapped text area whose every undo starts a new batch of edits."""

    def __init__(self, text: str = "", id: str | None = None) -> None:
        super().__init__(text, soft_wrap=True, compact=True, highlight_cursor_line=False, id=id)

    def undo(self) -> None:
        super().undo()
        self.history.checkpoint()
