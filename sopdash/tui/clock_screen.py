"""`K` in the ticket detail: why its clocks read what they read (`sopdash ticket show --clock`), read-only."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from sopdash.core.clock_explain import explain_clocks, explanation_lines
from sopdash.core.model import Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.tui.bindings import screen_bindings


class ClockScreen(ModalScreen[None]):
    """Every interval of both clocks, counted or not, and the policy; `esc` or `q` closes it."""

    DEFAULT_CSS = """
    ClockScreen .clock-screen {
        border: round $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
        width: 100%;
        max-width: 100;
        height: 100%;
        max-height: 40;
        & > #clock-lines {
            height: 1fr;
            scrollbar-size-vertical: 1;
        }
    }
    """
    BINDINGS = screen_bindings("clock.close", "clock.down", "clock.up", "clock.top", "clock.bottom")

    def __init__(self, ticket: Ticket, policy: SlaPolicy, now: datetime) -> None:
        super().__init__(classes="dialog-screen")
        self.lines = explanation_lines(explain_clocks(ticket, policy, now), policy.calendar.tz, now)
        self.ticket_id = ticket.id

    def compose(self) -> ComposeResult:
        with Vertical(classes="clock-screen") as frame:
            frame.border_title = Content(f"Why the clocks of #{self.ticket_id} read so")
            with VerticalScroll(id="clock-lines"):
                yield Static(Content("\n".join(self.lines[1:])), id="clock-text")
        yield Footer()

    def action_scroll(self, where: str) -> None:
        scroll = self.query_one("#clock-lines", VerticalScroll)
        {"down": scroll.scroll_down, "up": scroll.scroll_up, "home": scroll.scroll_home, "end": scroll.scroll_end}[where]()

    def action_close(self) -> None:
        self.dismiss(None)
