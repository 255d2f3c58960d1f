"""How a clock state reads on screen: one symbol per state, so it reads in 16 colours and with NO_COLOR too."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from sopdash.core.clocks import BREACHED, MET, MET_LATE, PAUSED, RUNNING, UNKNOWN, WARNING, ClockReading

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
# Component-class suffix that styles each state (see tui/styles/app.tcss).
CLOCK_STYLES = {
    RUNNING: "running",
    WARNING: "warning",
    BREACHED: "breached",
    PAUSED: "paused",
    MET: "met",
    MET_LATE: "met-late",
    UNKNOWN: "unknown",
}


WEEKDAY_AHEAD = timedelta(days=6)  # due sooner than this reads as a weekday and a time, later as days


def clock_text(reading: ClockReading, now: datetime, zone: tzinfo) -> str:
    """How a clock reads at `now`, the one countdown of the CLI and the dashboard: the symbol, then

    - due today (in `zone`): the business time left, `▲ 42m`, `· 2h14m`, `▲ 40s` in the last minute;
    - due on a later day: when, `· Fri 08:12`, or in how many calendar days, `· 9d`;
    - late: the business time over, `✖ -40s`, `✖ -35m`, `✖ -26h` — what the SLA counts and what the urgency
      order sorts by, so a longer breach always reads longer and sorts first; paused: the business time left,
      `‖ 40h`;
    - stopped: `✔ met`, `✗ late`; a ticket whose times cannot be counted: `? dates`.
    """
    state = reading.state
    symbol = CLOCK_SYMBOLS[state]
    if state in _STOPPED_WORDS:
        return f"{symbol} {_STOPPED_WORDS[state]}"
    due = reading.due
    if due is not None and state in (RUNNING, WARNING) and due.astimezone(zone).date() > now.astimezone(zone).date():
        ahead = due - now
        return f"{symbol} {due.astimezone(zone):%a %H:%M}" if ahead < WEEKDAY_AHEAD else f"{symbol} {ahead.days}d"
    return f"{symbol} {business_time(reading.remaining_s)}"


_STOPPED_WORDS = {MET: "met", MET_LATE: "late", UNKNOWN: "dates"}


def business_time(seconds: float) -> str:
    """`2h14m`, `45m`, `40s`, `40h` (hours, never business "days"), or `-35m` once late; minutes round towards the
    deadline, and under a minute the seconds show (never `0m` while a clock still runs or is already late)."""
    sign = "-" if seconds < 0 else ""
    if abs(seconds) < 60:
        return f"{sign}{abs(int(seconds))}s"
    # Whole minutes, counted towards the deadline: 59 s left reads 0m, 1 s late reads -1m.
    minutes = -int(seconds // 60) if seconds < 0 else int(seconds // 60)
    hours, mins = divmod(minutes, 60)
    if hours >= 10:
        return f"{sign}{hours}h"
    if hours:
        return f"{sign}{hours}h{mins:02d}m"
    return f"{sign}{mins}m"
