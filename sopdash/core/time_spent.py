"""Time spent on a ticket: how a technician writes it (`25m`, `1h30m`, `1.5h`), the event that logs it, the totals.

Each piece of work is a timeline event whose `time` holds its seconds and billable flag (`TimeSpent`); the
ticket's totals are the sum of those events, so logging time never rewrites anything already written. Pure: no I/O.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sopdash.core.durations import format_countdown, parse_duration
from sopdash.core.errors import InputError
from sopdash.core.limits import MAX_SUBJECT
from sopdash.core.model import Ticket, TimelineEntry, TimeSpent
from sopdash.core.text import one_line

MAX_LOGGED_S = 24 * 3600  # one entry: a day's work at most (log longer work a day at a time)
EXAMPLES = "25m, 1h30m or 1.5h"
MAX_NOTE = MAX_SUBJECT  # a note on a time entry is one line, like a subject


class TimeTotals(NamedTuple):
    """A ticket's (or a group's) time spent, in seconds: all of it, and the part billable to the client."""

    total_s: int = 0
    billable_s: int = 0

    def __add__(self, other: tuple) -> TimeTotals:  # type: ignore[override]
        return TimeTotals(self.total_s + other[0], self.billable_s + other[1])

    def words(self) -> str:
        """`1h30m (45m billable)`, or `none`."""
        if not self.total_s:
            return "none"
        return f"{spent_text(self.total_s)} ({spent_text(self.billable_s)} billable)"


def parse_spent(text: str) -> int:
    """Seconds of work as typed: `25m`, `1h30m`, `1.5h`, or a bare number of minutes; whole minutes, up to a day."""
    cleaned = str(text).strip()
    try:
        seconds = parse_duration(cleaned + "m" if cleaned.replace(".", "", 1).isdigit() else cleaned, what="time")
    except InputError:
        raise InputError(f"time: {text!r} is not a duration like {EXAMPLES}") from None
    minutes = round(seconds / 60)
    if minutes < 1:
        raise InputError(f"time: {text!r} is less than a minute; log whole minutes, like {EXAMPLES}")
    if minutes * 60 > MAX_LOGGED_S:
        raise InputError(f"time: {text!r} is more than a day; log longer work a day at a time")
    return minutes * 60


def spent_text(seconds: int) -> str:
    """A time spent as `1h30m`, `25m` or `2d3h`."""
    return format_countdown(seconds)


def log_time(ticket: Ticket, actor: str, now: datetime, seconds: int, note: str = "", billable: bool = False) -> Ticket:
    """The ticket with `seconds` of `actor`'s work logged at `now` as an event; open or not (work goes on after)."""
    if not 0 < seconds <= MAX_LOGGED_S:
        raise InputError(f"time: {seconds} s is not between a minute and a day")
    text = f"time spent: {spent_text(seconds)}{' (billable)' if billable else ''}"
    note = one_line(note)
    if len(note) > MAX_NOTE:
        raise InputError(f"time note: {len(note):,} characters is longer than the {MAX_NOTE:,} allowed")
    if note:
        text += f" — {note}"
    entry = TimelineEntry(at=now, author=actor, kind="event", text=text, time=TimeSpent(seconds, billable))
    return ticket.evolve(timeline=ticket.timeline + (entry,))


def time_totals(ticket: Ticket) -> TimeTotals:
    """The ticket's time spent: every logged entry, and the billable ones."""
    total = billable = 0
    for entry in ticket.timeline:
        spent = entry.time
        if spent is not None:
            total += spent.seconds
            if spent.billable:
                billable += spent.seconds
    return TimeTotals(total, billable)


def time_by_author(ticket: Ticket) -> dict[str, TimeTotals]:
    """The ticket's time spent per technician who logged it."""
    totals: dict[str, TimeTotals] = {}
    for entry in ticket.timeline:
        spent = entry.time
        if spent is not None:
            author = one_line(entry.author)
            totals[author] = totals.get(author, TimeTotals()) + (spent.seconds, spent.seconds if spent.billable else 0)
    return totals
