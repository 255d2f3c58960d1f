"""`L`: link the ticket shown to another (related, its parent, its child), or take a link away."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, RadioButton, RadioSet, Static

from sopdash.tui.dialogs.base import CANCEL, DialogAction, TicketDialog
from sopdash.tui.dialogs.merge_dialog import other_ticket

CHOICES = (
    ("related", "(r) related to it"),
    ("parent", "(p) its parent (the outage it belongs to)"),
    ("child", "(c) its child (a ticket it caused)"),
    ("unlink", "(u) no longer linked (take the link away)"),
)


class OtherNumber(Input):
    """The number field: it takes digits (and `#`) only, so the letters that choose the kind reach the dialog."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and (character.isdigit() or character == "#")


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """What the technician chose: how the other ticket is linked to this one (or `unlink`), and which ticket."""

    kind: str
    other: int


class LinkDialog(TicketDialog[LinkRequest]):
    """Pick how (r, p, c or u, while typing the number) and type the other ticket's number; enter links; None on
    esc."""

    BINDINGS = [
        Binding("enter", "link", "Link", id="link.confirm", priority=True),
        Binding("escape", "cancel", "Cancel", id="link.cancel"),
        *(Binding(kind[0], f"choose({number})", label.split(" ", 2)[1], id=f"link.{kind}", priority=True, show=False)
          for number, (kind, label) in enumerate(CHOICES)),
    ]
    FRAME_CLASS = "link-dialog"
    chosen = 0
    """The index in CHOICES of how the other ticket is linked."""

    def frame_title(self) -> str:
        return f"Link ticket #{self.ticket.id}"

    def compose_body(self) -> ComposeResult:
        yield self.heading()
        yield Static(Content("The other ticket is:"), classes="label")
        with RadioSet(id="kind", compact=True):
            for number, (kind, label) in enumerate(CHOICES):
                yield RadioButton(label, value=number == 0, id=f"kind-{kind}", compact=True)
        yield OtherNumber(placeholder="the other ticket's number, e.g. 1042", restrict=r"#?[0-9]{0,12}",
                          compact=True, id="other-id")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("link", "Link (enter)", "primary", "link"), CANCEL)

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.say("")

    @on(RadioSet.Changed)
    def _chosen(self, event: RadioSet.Changed) -> None:
        self.say("")
        self.chosen = event.index

    def action_choose(self, number: int) -> None:
        self.chosen = number
        self.query_one(f"#kind-{CHOICES[number][0]}", RadioButton).value = True

    @property
    def kind(self) -> str:
        return CHOICES[self.chosen][0]

    def action_link(self) -> None:
        other = other_ticket(self, "Type the other ticket's number.", "linked to itself")
        if other is not None:
            self.submit(LinkRequest(self.kind, other))
