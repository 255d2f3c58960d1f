"""The breach forecast in the dashboard: made in a worker from the board on screen and who is on shift, after every
read of the store and once a minute, then shown as a header item and a section of the escalation pane."""

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
        self.forecast: Forecast | None = None

    def refresh(self, board: Board, present: tuple[Presence, ...]) -> None:
        """Forecast over `board` in a worker (after a read of the store, or when a minute has passed)."""
        self.made_at = self.desk.clock()
        make = partial(self._make, board, present)
        self.screen.run_worker(make, group=FORECAST, thread=True, exclusive=True, exit_on_error=False)

    def due(self, now: datetime) -> bool:
        """A minute has passed since the last forecast."""
        return self.made_at is not None and (now - self.made_at).total_seconds() >= EVERY_S

    def _make(self, board: Board, present: tuple[Presence, ...]) -> None:
        """In the worker."""
        tickets = [row.ticket for row in board.rows]
        self.screen.post_message(ForecastMade(board, desk_forecast(self.desk, tickets, present)))
