"""`:` jumps to a ticket by its number."""

from __future__ import annotations

from collections.abc import Collection

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input

from sopdash.tui.dialogs.error_line import ErrorLine


class GotoDialog(ModalScreen[int | None]):
    """Type a ticket number (`#` optional), enter jumps; dismisses the id, or None if cancelled."""

    BINDINGS = [
        Binding("enter", "go", "Go", id="goto.go", priority=True),
        Binding("escape", "cancel", "Cancel", id="goto.cancel"),
    ]

    def __init__(self, ticket_ids: Collection[int] = ()) -> None:
        """With `ticket_ids`, a number that is not among them is refused on the spot."""
        super().__init__(classes="dialog-screen")
        self.ticket_ids = ticket_ids

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog goto-dialog") as frame:
            frame.border_title = Content("Go to ticket")
            yield Input(placeholder="ticket number, e.g. 1042", restrict=r"#?[0-9]{0,12}", compact=True, id="ticket-id")
            yield ErrorLine()
        yield Footer()

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.query_one(ErrorLine).show("")

    def action_go(self) -> None:
        digits = self.query_one(Input).value.lstrip("#")
        if not digits:
            self.query_one(ErrorLine).show("Type a ticket number.")
        elif self.ticket_ids and int(digits) not in self.ticket_ids:
            self.query_one(ErrorLine).show(f"There is no ticket #{int(digits)}.")
        else:
            self.dismiss(int(digits))

    def action_cancel(self) -> None:
        self.dismiss(None)
