"""`M`: merge the ticket shown into another (core/merge.py): type the number of the ticket that goes on."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Static

from sopdash.tui.dialogs.base import CANCEL, SUBMIT_LABEL, DialogAction, TicketDialog
from sopdash.tui.bindings import screen_bindings


class MergeDialog(TicketDialog[int]):
    """Type the target's number; enter merges (the dialog stays open until done); dismisses None on esc."""

    BINDINGS = screen_bindings("merge.confirm", "merge.cancel")
    FRAME_CLASS = "merge-dialog"

    def frame_title(self) -> str:
        return f"Merge ticket #{self.ticket.id}"

    def compose_body(self) -> ComposeResult:
        yield self.heading()
        yield Static(Content(f"Merge #{self.ticket.id} into ticket #: its timeline and attachments join that ticket, "
                             f"and #{self.ticket.id} closes as a duplicate. A merge is not undone."), classes="label")
        yield Input(placeholder="the ticket that goes on, e.g. 1042", restrict=r"#?[0-9]{0,12}", compact=True,
                    id="target-id")

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("merge", f"Merge ({SUBMIT_LABEL})", "primary", "merge"), CANCEL)

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.say("")

    def action_merge(self) -> None:
        target = other_ticket(self, "Type the number of the ticket to merge into.", "merged into itself")
        if target is not None:
            self.submit(target)


def other_ticket(dialog: TicketDialog, missing: str, itself: str) -> int | None:
    """The ticket number typed in the dialog's field, or None once the dialog said why there is none to take."""
    digits = dialog.query_one(Input).value.lstrip("#")
    if not digits:
        dialog.say(missing)
    elif int(digits) == dialog.ticket.id:
        dialog.say(f"#{dialog.ticket.id} cannot be {itself}.")
    else:
        return int(digits)
    return None
