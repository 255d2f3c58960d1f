"""Give a ticket to a technician: type a login (roster logins are suggested) or `me`."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Static

from sopdash.core.text import one_line
from sopdash.core.model import Ticket
from sopdash.tui.dialogs.buttons import DialogButton
from sopdash.tui.dialogs.error_line import ErrorLine
from sopdash.tui.dialogs.heading import ticket_heading

ME = "me"
_SHOWN_LOGINS = 8


class AssignDialog(ModalScreen[str | None]):
    """Type the assignee's login; dismisses the login (`me` becomes the technician's own), or None if cancelled."""

    BINDINGS = [
        Binding("enter", "assign", "Assign", id="assign.confirm", priority=True),
        Binding("escape", "cancel", "Cancel", id="assign.cancel"),
    ]

    def __init__(self, ticket: Ticket, logins: Iterable[str], me: str, privacy: bool = False) -> None:
        """`logins` are the roster's technicians, `me` the login of whoever runs the dashboard."""
        super().__init__(classes="dialog-screen")
        self.ticket = ticket
        self.logins = sorted(set(logins) | {me})
        self.me = me
        self.privacy = privacy

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog assign-dialog") as frame:
            frame.border_title = Content(f"Assign ticket #{self.ticket.id}")
            yield Static(ticket_heading(self.ticket, self.privacy), classes="ticket-heading")
            yield Static(Content(f"Now: {one_line(self.ticket.assignee) or 'unassigned'}"), classes="hint")
            yield Input(
                placeholder=f"login, or {ME} ({self.me})",
                suggester=SuggestFromList([ME, *self.logins]),
                restrict=r"\S*",
                compact=True,
                id="login",
            )
            yield Static(Content(self._team()), classes="hint")
            yield ErrorLine()
            with Horizontal(classes="dialog-buttons"):
                yield DialogButton("Assign (enter)", id="assign", variant="primary")
                yield DialogButton("Cancel (esc)", id="cancel")
        yield Footer()

    def _team(self) -> str:
        shown = ", ".join(self.logins[:_SHOWN_LOGINS]) + (", …" if len(self.logins) > _SHOWN_LOGINS else "")
        return f"Team: {shown}   (→ completes a suggestion)"

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.query_one(ErrorLine).show("")

    def on_button_pressed(self, event: DialogButton.Pressed) -> None:
        event.stop()
        if event.button.id == "assign":
            self.action_assign()
        else:
            self.action_cancel()

    def action_assign(self) -> None:
        typed = self.query_one(Input).value.strip()
        login = self.me if typed == ME else typed
        if not login:
            self.query_one(ErrorLine).show(f"Type a login, or {ME} to take it yourself.")
        elif login == self.ticket.assignee:
            self.query_one(ErrorLine).show(f"It is already assigned to {login}.")
        else:
            self.dismiss(login)

    def action_cancel(self) -> None:
        self.dismiss(None)
