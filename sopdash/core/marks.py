"""How a clock state reads on screen: one symbol per state, so it reads in 16 colours and with NO_COLOR too."""

from __future__ import annotations

from sopdash.core.clocks import BREACHED, MET, MET_LATE, PAUSED, RUNNING, UNKNOWN, WARNING
from sopdash.core.durations import format_countdown

CLOCK_SYMBOLS = {
    RUNNING: "·",
    WARNING: "▲",
    BREACHED: "✖",
    PAUSED: "‖",
    MET: "✔",
    MET_LATE: "✗",
    UNKNOWN: "?",
}
CLOCK_WORDS = {
    RUNNING: "running",
    WARNING: "at risk",
    BREACHED: "breached",
    PAUSED: "paused",
    MET: "met",
    MET_LATE: "met late",
    UNKNOWN: "cannot be counted: the ticket holds a time outside 1970–2199",
}
# Component-class suffix that styles each state (see styles/app.tcss).
CLOCK_STYLES = {
    RUNNING: "running",
    WARNING: "warning",
    BREACHED: "breached",
    PAUSED: "paused",
    MET: "met",
    MET_LATE: "met-late",
    UNKNOWN: "unknown",
}


def clock_text(state: str, remaining_s: float) -> str:
    """`▲ 42m`, `✖ -1h05m`, `‖ 3h10m`, `✔ met`: the symbol, then the countdown while the clock is live."""
    symbol = CLOCK_SYMBOLS[state]
    if state == MET:
        return f"{symbol} met"
    if state == MET_LATE:
        return f"{symbol} late"
    if state == UNKNOWN:
        return f"{symbol} dates"
    return f"{symbol} {format_countdown(remaining_s)}"
