"""A tiny app that shows one dialog over a stand-in queue and records what it dismissed with."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from sopdash.core.model import Requester, Ticket
from sopdash.core.roster import Member, Roster
from sopdash.tui.stylesheets import stylesheet

CREATED = datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc)
TEAM = Roster({login: Member(login) for login in ("alice", "bob", "carol")})


def make_ticket(**changes: Any) -> Ticket:
    """A fixed ticket whose subject would break a markup parser."""
    ticket = Ticket(
        id=1042,
        subject="Printer [URGENT] on 3rd floor jams [/b] again",
        requester=Requester("Jane Doe", "jane.doe@example.com", "+1 555 123 4567"),
        created_at=CREATED,
        status="open",
        priority="high",
        triaged=True,
        assignee="alice",
    )
    return ticket.evolve(**changes)


class DialogHost(App):
    """Pushes `make_dialog()` on start; `results` collects every value it dismissed with."""

    CSS_PATH = [stylesheet("dialogs.tcss")]

    def __init__(self, make_dialog: Callable[[], Screen]) -> None:
        super().__init__()
        self.make_dialog = make_dialog
        self.results: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("#1042  Printer [URGENT] on 3rd floor jams\n#1043  VPN drops every hour", markup=False)

    def on_mount(self) -> None:
        self.push_screen(self.make_dialog(), self.results.append)
