"""Give a ticket to a technician: type a login (roster logins are suggested) or `me`; the roster checks it."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from sopdash.core.errors import SopdashError
from sopdash.core.model import Ticket
from sopdash.core.roster import ME, Roster
from sopdash.core.text import one_line
from sopdash.tui.dialogs.base import CANCEL, SUBMIT_LABEL, DialogAction, TicketDialog
from sopdash.tui.bindings import screen_bindings

_SHOWN_LOGINS = 8


class AssignDialog(TicketDialog[str]):
    """Type the assignee's login; dismisses the login (`me` becomes the technician's own), or None if cancelled.

    A login the roster does not know is refused on the spot; without a roster the dialog says logins go unchecked.
    """

    BINDINGS = screen_bindings("assign.confirm", "assign.cancel")
    FRAME_CLASS = "assign-dialog"

    def __init__(self, ticket: Ticket, roster: Roster, me: str, privacy: bool = False) -> None:
        """`roster` knows the technicians, `me` is the login of whoever runs the dashboard."""
        super().__init__(ticket, privacy)
        self.roster = roster
        self.logins = sorted(set(roster.members) | {me})
        self.me = me

    def frame_title(self) -> str:
        return f"Assign ticket #{self.ticket.id}"

    def compose_body(self) -> ComposeResult:
        yield self.heading()
        now = self.marked.now if self.marked else one_line(self.ticket.assignee) or "unassigned"
        yield Static(Content(f"Now: {now}"), classes="hint")
        yield Input(
            placeholder=f"login, or {ME} ({self.me})",
            suggester=SuggestFromList([ME, *self.logins]),
            restrict=r"\S*",
            compact=True,
            id="login",
        )
        yield Static(Content(self._team()), classes="hint")

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("assign", f"Assign ({SUBMIT_LABEL})", "primary", "assign"), CANCEL)

    def _team(self) -> str:
        if self.logins == [self.me]:
            return "⚠ No roster lists the team: a login is taken unchecked (add [roster.LOGIN] to the config)."
        shown = ", ".join(self.logins[:_SHOWN_LOGINS]) + (", …" if len(self.logins) > _SHOWN_LOGINS else "")
        return f"Team: {shown}   (→ completes a suggestion)"

    @on(Input.Changed)
    def _clear_error(self) -> None:
        self.say("")

    def action_assign(self) -> None:
        typed = self.query_one(Input).value
        if not typed.strip():
            self.say(f"Type a login, or {ME} to take it yourself.")
            return
        try:
            login = self.roster.assignee(typed, self.me).login
        except SopdashError as refusal:
            self.say(str(refusal))
            return
        if login == self.ticket.assignee:
            self.say(f"It is already assigned to {login}.")
        else:
            self.submit(login)
