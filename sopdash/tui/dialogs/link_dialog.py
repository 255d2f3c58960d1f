"""`L`: link the ticket shown to another (related, its parent, its child), or take a link away."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Static

from sopdash.tui.dialogs.base import CANCEL, SUBMIT_LABEL, DialogAction, TicketDialog
from sopdash.tui.dialogs.merge_dialog import other_ticket
from sopdash.tui.bindings import screen_bindings

CHOICES = (
    ("related", "related to it"),
    ("parent", "its parent (the outage it belongs to)"),
    ("child", "its child (a ticket it caused)"),
    ("unlink", "no longer linked to it (the link taken away)"),
)
KEYS_HINT = "r related · p its parent · c its child · u unlink"


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
    """Pick how (r, p, c or u, also while typing the number) and type the other ticket's number; enter links; None
    on esc."""

    BINDINGS = screen_bindings("link.confirm", "link.cancel", "link.related", "link.parent", "link.child", "link.unlink")
    FRAME_CLASS = "link-dialog"
    chosen = 0
    """The index in CHOICES of how the other ticket is linked."""

    def frame_title(self) -> str:
        return f"Link ticket #{self.ticket.id}"

    def compose_body(self) -> ComposeResult:
        yield self.heading()
        yield Static(Content(KEYS_HINT), classes="hint")
        yield Static(self._kind_line(), id="kind", classes="label")
        yield OtherNumber(placeholder="the other ticket's number, e.g. 1042", restrict=r"#?[0-9]{0,12}",
                          compact=True, id="other-id")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("link", f"Link ({SUBMIT_LABEL})", "primary", "link"), CANCEL)

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.say("")

    def _kind_line(self) -> Content:
        return Content(f"The other ticket is ▸ {CHOICES[self.chosen][1]}")

    def action_choose(self, number: int) -> None:
        self.chosen = number
        self.say("")
        self.query_one("#kind", Static).update(self._kind_line())

    @property
    def kind(self) -> str:
        return CHOICES[self.chosen][0]

    def action_link(self) -> None:
        other = other_ticket(self, "Type the other ticket's number.", "linked to itself")
        if other is not None:
            self.submit(LinkRequest(self.kind, other))
