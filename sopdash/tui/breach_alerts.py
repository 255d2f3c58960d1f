"""Breach alerts in the dashboard: when a watched clock (`[ui] alerts`: mine and unassigned, all, or off) goes
at risk or breaches, one notification — and the bell with `[ui] bell` — per change of state, never repeated.

The clocks are read in a worker, one reading at a time, so a large store never holds up the screen; which
changes alert is `sopdash.core.alerts`'s answer.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

from sopdash.core.alerts import ClockKey, clock_states, new_alerts
from sopdash.core.board import Board, Moment
from sopdash.core.display import client_line
from sopdash.desk import Desk
from sopdash.tui.messages import ClocksRead

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

ALERTS = "alerts"  # worker group


class BreachAlerts:
    """Alerts for `screen` when watched clocks go at risk or breach; `scope` is `[ui] alerts`, `bell` `[ui] bell`."""

    def __init__(self, screen: DashboardScreen, desk: Desk, scope: str, bell: bool) -> None:
        self.screen = screen
        self.desk = desk
        self.scope = scope
        self.bell = bell
        self._states: dict[ClockKey, str] | None = None
        self._reading = False

    def check(self, board: Board | None, moment: Moment | None) -> None:
        """Read the watched clocks again (every tick; skipped while the last reading is still under way)."""
        if self.scope == "off" or board is None or moment is None or self._reading:
            return
        self._reading = True
        read = partial(self._read, board, moment, self._states)
        self.screen.run_worker(read, group=ALERTS, thread=True, exit_on_error=False)

    def _read(self, board: Board, moment: Moment, previous: dict[ClockKey, str] | None) -> None:
        """In the worker."""
        rows = ((row.ticket, row.clocks(moment)) for row in board.rows if row.ticket.is_open)
        current = clock_states(rows, self.scope, self.desk.actor)
        self.screen.post_message(ClocksRead(board, current, new_alerts(previous, current)))

    def read(self, reading: ClocksRead) -> None:
        """One notification per clock that changed state, and the bell if any did."""
        self._reading = False
        self._states = reading.states
        for alert in reading.alerts:
            row = reading.board.by_id.get(alert.ticket_id)
            subject = client_line(row.ticket.subject, row.ticket.requester, self.screen.privacy) if row else ""
            severity: SeverityLevel = "error" if alert.state == "breached" else "warning"
            self.screen.notify(alert.message(subject), title="Breach alert", severity=severity, timeout=15, markup=False)
        if reading.alerts and self.bell:
            self.screen.app.bell()

    def failed(self) -> None:
        """The reading failed (said by the screen): the next tick reads again."""
        self._reading = False
