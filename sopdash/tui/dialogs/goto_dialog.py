"""`:` jumps to a ticket by its number, or searches for words."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from sopdash.tui.dialogs.base import Dialog
from sopdash.tui.bindings import screen_bindings


class TicketNumber(Input):
    """The number field; its enter says "Go" in the footer. Not a priority binding on the dialog: enter then
    reaches the field after the digits typed before it (type-ahead)."""

    BINDINGS = screen_bindings("goto.go")


class GotoDialog(Dialog[int | str]):
    """Type a ticket number (`#` optional) or words, enter goes; dismisses the id, the words, or None if cancelled."""

    BINDINGS = screen_bindings("goto.cancel")
    FRAME_CLASS = "goto-dialog"

    def frame_title(self) -> str:
        return "Go to ticket"

    def compose_body(self) -> ComposeResult:
        yield TicketNumber(
            placeholder="ticket number, e.g. 1042, or words to search", compact=True, id="ticket-id"
        )

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.say("")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_go()

    def action_go(self) -> None:
        typed = self.query_one(Input).value.strip()
        digits = typed.removeprefix("#")
        if not typed:
            self.say("Type a ticket number or words to search.")
        elif not (digits.isascii() and digits.isdigit() and len(digits) <= 12):
            self.submit(typed)
        else:
            self.submit(int(digits))
