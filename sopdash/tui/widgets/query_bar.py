"""The one-line input at the bottom of the screen: the queue filter (`/`) and a troubleshooting step's note (`t`)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static


class QueryBar(Horizontal):
    """Hidden until opened; posts what is typed as it changes, and when it is submitted (enter) or cancelled (esc)."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="query-cancel")]

    @dataclass
    class Changed(Message):
        mode: str
        value: str

    @dataclass
    class Submitted(Message):
        mode: str
        value: str

    @dataclass
    class Cancelled(Message):
        mode: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = ""

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="query-prompt")
        yield Input(id="query-input", compact=True, select_on_focus=False)

    @property
    def is_open(self) -> bool:
        return self.has_class("-active")

    def open(self, mode: str, prompt: str, placeholder: str, value: str = "") -> None:
        """Show the bar for `mode` with `value` in the input, and focus it."""
        self.mode = mode
        self.query_one("#query-prompt", Static).update(Text(prompt))
        field = self.query_one("#query-input", Input)
        field.placeholder = placeholder
        with field.prevent(Input.Changed):
            field.value = value
        field.cursor_position = len(value)
        self.add_class("-active")
        field.focus()

    def close(self) -> None:
        self.remove_class("-active")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.mode, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: the app closes the bar if it accepts the value."""
        event.stop()
        self.post_message(self.Submitted(self.mode, event.value))

    def action_cancel(self) -> None:
        self.close()
        self.post_message(self.Cancelled(self.mode))
