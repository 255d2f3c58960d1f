"""The breach forecast in the dashboard: made in a worker from the board on screen and who is on shift, after a read
of the store (a burst of reads makes one) and once a minute, then shown as a header item and a section of the
escalation pane."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message

from sopdash.core.board import Board
from sopdash.core.forecast import Forecast
from sopdash.core.presence import Presence
from sopdash.desk import Desk
from sopdash.desk.forecast import desk_forecast

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

FORECAST = "forecast"  # worker group
EVERY_S = 60
QUIET_S = 5  # a read within this long of the last forecast waits for the tick past it: one forecast per burst


@dataclass
class ForecastMade(Message):
    """A worker made the forecast over `board`."""

    board: Board
    forecast: Forecast


class ForecastWatch:
    """Makes the forecast for `screen`, at most one worker at a time; the newest board wins."""

    def __init__(self, screen: DashboardScreen, desk: Desk) -> None:
        self.screen = screen
        self.desk = desk
        self.made_at: datetime | None = None
        self.stale = False  # the store was read since the last forecast
        self.forecast: Forecast | None = None

    def board_read(self, board: Board, present: tuple[Presence, ...]) -> None:
        """After a read of the store: forecast over `board` now, or, within QUIET_S of the last forecast, at the
        tick past it (`due`), so that a busy desk's stream of changes costs one forecast every few seconds."""
        if self.made_at is None or self._since(self.desk.clock()) >= QUIET_S:
            self.refresh(board, present)
        else:
            self.stale = True

    def refresh(self, board: Board, present: tuple[Presence, ...]) -> None:
        """Forecast over `board` in a worker."""
        self.made_at, self.stale = self.desk.clock(), False
        make = partial(self._make, board, present)
        self.screen.run_worker(make, group=FORECAST, thread=True, exclusive=True, exit_on_error=False)

    def due(self, now: datetime) -> bool:
        """A read of the store waits for its forecast and QUIET_S have passed, or a minute has."""
        if self.made_at is None:
            return False
        return self._since(now) >= (QUIET_S if self.stale else EVERY_S)

    def _since(self, now: datetime) -> float:
        assert self.made_at is not None
        return (now - self.made_at).total_seconds()

    def _make(self, board: Board, present: tuple[Presence, ...]) -> None:
        """In the worker."""
        tickets = [row.ticket for row in board.rows]
        self.screen.post_message(ForecastMade(board, desk_forecast(self.desk, tickets, present)))
