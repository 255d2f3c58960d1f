"""Who is copied on a ticket's public mail: the list as it is, and one address typed to add (or `-address` to
remove); the desk checks it (`core/people`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Static

from sopdash.core.addresses import not_an_address
from sopdash.core.detail import cc_text
from sopdash.tui.dialogs.base import CANCEL, SUBMIT_LABEL, DialogAction, TicketDialog
from sopdash.tui.bindings import screen_bindings


@dataclass(frozen=True, slots=True)
class CcChange:
    """An address to add to the ticket's Cc, or (remove) to take off it."""

    address: str
    remove: bool = False


class CcDialog(TicketDialog[CcChange]):
    """Type an address to copy on the ticket's public mail, or `-address` to stop; dismisses a CcChange or None."""

    BINDINGS = screen_bindings("cc.confirm", "cc.cancel")
    FRAME_CLASS = "assign-dialog"

    def frame_title(self) -> str:
        return f"Cc on ticket #{self.ticket.id}"

    def compose_body(self) -> ComposeResult:
        yield self.heading()
        listed = cc_text(self.ticket.cc, self.privacy) or "nobody"
        yield Static(Content(f"Now: {listed}"), classes="hint")
        yield Input(placeholder="address to add, or -address to remove", restrict=r"\S*", compact=True, id="address")
        yield Static(Content("They get public replies and the resolution notice, never an internal note."),
                     classes="hint")

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("change", f"Change ({SUBMIT_LABEL})", "primary", "change"), CANCEL)

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.say("")

    def action_change(self) -> None:
        typed = self.query_one(Input).value.strip()
        remove = typed.startswith("-")
        address = typed.removeprefix("-").lower()
        if not address:
            self.say("Type an address to add, or -address to remove one.")
            return
        if remove and address not in self.ticket.cc:
            self.say(f"{address} is not on the Cc.")
            return
        problem = "" if remove else not_an_address(address)
        if problem:
            self.say(problem)
            return
        self.submit(CcChange(address, remove))
