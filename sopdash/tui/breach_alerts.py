"""Breach alerts in the dashboard: when a watched clock (`[ui] alerts`: mine and unassigned, all, or off) goes
at risk or breaches, one notification — and the bell with `[ui] bell` — per change of state, never repeated.

The clocks are read in a worker, one reading at a time, so a large store never holds up the screen; which
changes alert is `sopdash.core.alerts`'s answer. Mail intake is watched the same way (`desk/intake_health.py`,
every INTAKE_EVERY_S): when it starts failing, one notification and the bell, and the header says it until it
works again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message

from textual.notifications import SeverityLevel

from sopdash.core.alerts import ClockKey, clock_states, new_alerts
from sopdash.core.board import Board, Moment
from sopdash.core.display import client_line
from sopdash.desk import Desk
from sopdash.desk.intake_health import intake_alarm
from sopdash.tui.messages import ClocksRead

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

ALERTS = "alerts"  # worker group
INTAKE = "intake-health"  # worker group
INTAKE_EVERY_S = 10.0


@dataclass
class IntakeRead(Message):
    """Mail intake's health, read: the alarm line ("" when intake works)."""

    alarm: str


class BreachAlerts:
    """Alerts for `screen` when watched clocks go at risk or breach; `scope` is `[ui] alerts`, `bell` `[ui] bell`."""

    def __init__(self, screen: DashboardScreen, desk: Desk, scope: str, bell: bool) -> None:
        self.screen = screen
        self.desk = desk
        self.scope = scope
        self.bell = bell
        self._states: dict[ClockKey, str] | None = None
        self._reading = False
        self.intake_alarm = ""  # the header's line while mail intake fails
        self._intake_read_at: float | None = None

    def check_intake(self) -> None:
        """Read mail intake's health again, in a worker, every INTAKE_EVERY_S."""
        now = time.monotonic()
        if self._intake_read_at is not None and now - self._intake_read_at < INTAKE_EVERY_S:
            return
        self._intake_read_at = now
        self.screen.run_worker(lambda: self.screen.post_message(IntakeRead(intake_alarm(self.desk))),
                               group=INTAKE, thread=True, exclusive=True, exit_on_error=False)

    def intake_read(self, reading: IntakeRead) -> None:
        """A notification and the bell when intake starts failing (or fails for a new reason)."""
        if reading.alarm and reading.alarm != self.intake_alarm:
            self.screen.notify(reading.alarm, title="Mail intake", severity="error", timeout=30, markup=False)
            if self.bell:
                self.screen.app.bell()
        self.intake_alarm = reading.alarm

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
