"""Breach alerts in the dashboard: when a watched clock (`[ui] alerts`: mine and unassigned, all, or off) goes
at risk or breaches, one notification — and the bell with `[ui] bell` — per change of state, never repeated.

The clocks are read in a worker, one reading at a time, so a large store never holds up the screen; which
changes alert is `sopdash.core.alerts`'s answer.
"""

from __future__ import annotations

from textual import work
from textual.app import App

from sopdash.core.alerts import ClockAlert, ClockKey, clock_states, new_alerts
from sopdash.core.board import Board, Moment
from sopdash.core.display import client_line
from sopdash.desk import Desk


class BreachAlerts(App[int]):
    """Part of the dashboard app (`SopdashApp`): alerts for watched clocks going at risk or breached."""

    desk: Desk
    board: Board | None
    moment: Moment | None
    privacy: bool
    _alert_states: dict[ClockKey, str] | None = None
    _alerts_reading = False

    def check_alerts(self) -> None:
        """Read the watched clocks again (every tick; skipped while the last reading is still under way)."""
        scope = self.settings.alerts  # type: ignore[attr-defined]
        if scope == "off" or self.board is None or self.moment is None or self._alerts_reading:
            return
        self._alerts_reading = True
        self._read_clocks(self.board, self.moment, scope, self._alert_states)

    @work(thread=True, group="alerts", exit_on_error=False)
    def _read_clocks(self, board: Board, moment: Moment, scope: str, previous: dict[ClockKey, str] | None) -> None:
        try:
            rows = ((row.ticket, row.clocks(moment)) for row in board.rows if row.ticket.is_open)
            current = clock_states(rows, scope, self.desk.actor)
            self.call_from_thread(self._clocks_read, board, current, new_alerts(previous, current))
        finally:
            self._alerts_reading = False

    def _clocks_read(self, board: Board, current: dict[ClockKey, str], alerts: list[ClockAlert]) -> None:
        self._alert_states = current
        for alert in alerts:
            row = board.by_id.get(alert.ticket_id)
            subject = client_line(row.ticket.subject, row.ticket.requester, self.privacy) if row else ""
            severity = "error" if alert.state == "breached" else "warning"
            self.notify(alert.message(subject), title="Breach alert", severity=severity, timeout=15, markup=False)
        if alerts and self.settings.bell:  # type: ignore[attr-defined]
            self.bell()
