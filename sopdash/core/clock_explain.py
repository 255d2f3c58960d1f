"""Why a clock reads what it reads: every interval that counted towards it and every one that did not.

Built on the clocks' own pieces (`running_intervals`, the calendar's counts and open windows), summed in
the clocks' own order, so the counted seconds add up exactly to the target minus what the clock shows left.
Pure: `now` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from sopdash.core.calendar import BusinessCalendar
from sopdash.core.clocks import MET, MET_LATE, UNKNOWN, ClockReading, resolution_runs, running_intervals, ticket_clocks
from sopdash.core.display import local_time
from sopdash.core.model import Ticket, status_changes
from sopdash.core.policy import SlaPolicy

COUNTED = "open hours"
OUT_OF_HOURS = "out of hours"
HOLIDAY = "holiday"
_PAUSED_BY = {"waiting": "waiting on the client", "resolved": "resolved, stopped", "closed": "closed, stopped"}


@dataclass(frozen=True, slots=True)
class Interval:
    """[start_s, end_s) in epoch seconds; `counted_s` whole seconds of it counted, `why` it did or did not."""

    start_s: float
    end_s: float
    counted_s: int
    why: str

    @property
    def counted(self) -> bool:
        return self.why == COUNTED


@dataclass(frozen=True, slots=True)
class ClockExplanation:
    """One clock's reading and the intervals behind it; `counted_s` is their sum, `target - remaining`."""

    name: str
    reading: ClockReading
    intervals: tuple[Interval, ...]

    @property
    def counted_s(self) -> int:
        return sum(interval.counted_s for interval in self.intervals)


@dataclass(frozen=True, slots=True)
class TicketClockExplanation:
    """Both clocks of a ticket explained, and the policy they ran under, in words."""

    ticket_id: int
    policy: str
    ack: ClockExplanation
    resolution: ClockExplanation


def explain_clocks(ticket: Ticket, policy: SlaPolicy, now: datetime) -> TicketClockExplanation:
    """Both clocks of `ticket` at `now`, interval by interval (none for a clock that cannot be counted)."""
    clocks = ticket_clocks(ticket, policy, now)
    calendar = policy.calendar_for(ticket.priority)
    created_s, now_s = ticket.created_at.timestamp(), now.timestamp()
    if clocks.ack.state == UNKNOWN:
        ack, resolution = ClockExplanation("acknowledgement", clocks.ack, ()), ClockExplanation("resolution", clocks.resolution, ())
    else:
        ack = ClockExplanation("acknowledgement", clocks.ack, _ack_intervals(ticket, calendar, clocks.ack, created_s, now_s))
        resolution = ClockExplanation(
            "resolution", clocks.resolution, _resolution_intervals(ticket, policy, calendar, clocks.resolution, created_s, now_s)
        )
    return TicketClockExplanation(ticket.id, policy_text(ticket.priority, policy), ack, resolution)


def policy_text(priority: str, policy: SlaPolicy) -> str:
    """The rule a priority's clocks follow, e.g. `high: ack 1h, resolve 8h, on mon-fri 08:00-17:00 (Europe/Berlin)`."""
    calendar = policy.calendar_for(priority)
    target = policy.targets[priority]
    warning = (
        f"warns {_duration(policy.warn_before_s)} before" if policy.warn_before_s is not None
        else f"warns at {round((policy.warn_at or 0) * 100)}% used"
    )
    waiting = "pauses while waiting on the client" if policy.pause_when_waiting else "runs while waiting on the client"
    zone = getattr(calendar.tz, "key", None) or str(calendar.tz)
    return (
        f"{priority}: ack {_duration(target.ack_s)}, resolve {_duration(target.resolve_s)}, "
        f"on {calendar.hours_text()} ({zone}); {waiting}; {warning}"
    )


def _ack_intervals(
    ticket: Ticket, calendar: BusinessCalendar, reading: ClockReading, created_s: float, now_s: float
) -> tuple[Interval, ...]:
    """From creation to the reply that stopped it (or now), then the stop."""
    stop = ticket.acknowledged_at or (None if ticket.is_open else ticket.resolved_at or ticket.closed_at)
    stop_s = now_s if stop is None else stop.timestamp()
    ledger = _Ledger(reading.target_s)
    if stop_s > created_s:
        ledger.add_running(calendar, created_s, stop_s)
    if stop is not None:
        why = "acknowledged, stopped" if ticket.acknowledged_at else _PAUSED_BY.get(ticket.status, ticket.status)
        ledger.add_stopped(max(stop_s, created_s), now_s, why)
    return tuple(ledger.intervals)


def _resolution_intervals(
    ticket: Ticket, policy: SlaPolicy, calendar: BusinessCalendar, reading: ClockReading, created_s: float, now_s: float
) -> tuple[Interval, ...]:
    """The clock's running spans split by open hours, and the pauses between them with their status."""
    changes = status_changes(ticket.timeline)
    ledger = _Ledger(reading.target_s)
    previous_end: float | None = None
    for start, end in running_intervals(ticket, policy.pause_when_waiting, created_s, now_s):
        if previous_end is not None:
            ledger.intervals += _pauses(changes, previous_end, start, ticket.status)
        ledger.add_running(calendar, start, end)
        previous_end = end
    if not resolution_runs(ticket, policy):
        ledger.intervals += _pauses(changes, created_s if previous_end is None else previous_end, now_s, ticket.status)
    return tuple(ledger.intervals)


def _pauses(changes: tuple[tuple[float, str], ...], start: float, end: float, fallback: str) -> list[Interval]:
    """[start, end), a span in which the clock stood still, one piece per status it was in."""
    pieces: list[Interval] = []
    status = _status_at(changes, start, fallback)
    at = start
    for change_s, new_status in changes:
        if start < change_s < end and new_status != status:
            if change_s > at:
                pieces.append(Interval(at, change_s, 0, _PAUSED_BY.get(status, status)))
            at, status = change_s, new_status
    if end > at:
        pieces.append(Interval(at, end, 0, _PAUSED_BY.get(status, status)))
    return pieces


def _status_at(changes: tuple[tuple[float, str], ...], at_s: float, fallback: str) -> str:
    """The last status set at or before `at_s` (`fallback` when the history has none)."""
    status = fallback
    for change_s, new_status in changes:
        if change_s > at_s:
            break
        status = new_status
    return status


class _Ledger:
    """Intervals being listed, with the clock's running sum kept exactly as the clock keeps it.

    Whole seconds are handed out by `shown(used)`, the count the clock would show at that point, so the
    shown seconds telescope to the final `target - remaining`.
    """

    def __init__(self, target_s: int) -> None:
        self.target_s = target_s
        self.used = 0.0
        self.intervals: list[Interval] = []

    def shown(self, used: float) -> int:
        return self.target_s - round(self.target_s - used)

    def add_running(self, calendar: BusinessCalendar, start: float, end: float) -> None:
        """A span in which the clock ran: its open windows counted, the gaps between them not."""
        start_count = calendar.count_s(start)
        span = calendar.count_s(end) - start_count
        windows = calendar.open_spans_s(start, end)
        at, before = start, self.used
        for n, (window_start, window_end) in enumerate(windows, start=1):
            if window_start > at:
                self.intervals += _closed(calendar, at, window_start)
            after = self.used + (span if n == len(windows) else calendar.count_s(window_end) - start_count)
            self.intervals.append(Interval(window_start, window_end, self.shown(after) - self.shown(before), COUNTED))
            at, before = window_end, after
        if not windows and span:  # a span the calendar counts backwards (status events out of order)
            self.intervals.append(Interval(start, end, self.shown(self.used + span) - self.shown(self.used), COUNTED))
        elif end > at:
            self.intervals += _closed(calendar, at, end)
        self.used += span

    def add_stopped(self, start: float, end: float, why: str) -> None:
        if end > start:
            self.intervals.append(Interval(start, end, 0, why))


def _closed(calendar: BusinessCalendar, start: float, end: float) -> list[Interval]:
    """[start, end), a span with no open hours, as out-of-hours and holiday pieces (a holiday is its local day)."""
    holidays = calendar.holidays_between_s(start, end)
    pieces, at = [], start
    for day in holidays:
        midnight = datetime(day.year, day.month, day.day, tzinfo=calendar.tz).timestamp()
        next_midnight = (datetime(day.year, day.month, day.day, tzinfo=calendar.tz) + timedelta(days=1)).timestamp()
        day_start, day_end = max(midnight, at), min(next_midnight, end)
        if day_start > at:
            pieces.append(Interval(at, day_start, 0, OUT_OF_HOURS))
        if day_end > day_start:
            pieces.append(Interval(day_start, day_end, 0, f"{HOLIDAY} {day.isoformat()}"))
            at = day_end
    if end > at:
        pieces.append(Interval(at, end, 0, OUT_OF_HOURS))
    return pieces


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours}h{mins:02d}m" if hours and mins else f"{hours}h" if hours else f"{mins}m"


def explanation_lines(explanation: TicketClockExplanation, zone: tzinfo, now: datetime) -> list[str]:
    """The explanation as plain lines for a terminal: the policy, then each clock and its intervals."""
    rule, _, behaviour = explanation.policy.partition("; ")
    lines = [f"Clocks of #{explanation.ticket_id} at {local_time(now, zone)}", f"Policy: {rule}", f"        {behaviour}"]
    for clock in (explanation.ack, explanation.resolution):
        lines += ["", *_clock_heading(clock, zone, now)]
        if clock.reading.state == UNKNOWN:
            lines.append("  a time on this ticket is outside the years the clocks count")
        for interval in clock.intervals:
            start, end = (datetime.fromtimestamp(s, timezone.utc).astimezone(zone) for s in (interval.start_s, interval.end_s))
            span = f"{start:%a %d %b %H:%M}-{end:%H:%M}" if start.date() == end.date() else (
                f"{start:%a %d %b %H:%M}-{end:%a %d %b %H:%M}"
            )
            what = f"counted {clock_duration(interval.counted_s)}" if interval.counted else f"not counted: {interval.why}"
            lines.append(f"  {span:<34} {what}")
    return lines


def _clock_heading(clock: ClockExplanation, zone: tzinfo, now: datetime) -> list[str]:
    reading = clock.reading
    due = f", due {local_time(reading.due, zone, now=now)}" if reading.due is not None else ""
    spare = "to spare" if reading.state in (MET, MET_LATE) else "left"
    left = f"{clock_duration(reading.remaining_s)} {spare}" if reading.remaining_s >= 0 else f"{clock_duration(-reading.remaining_s)} over"
    return [
        f"{clock.name.capitalize()} clock: {reading.state.replace('_', ' ')}{due}",
        f"{clock_duration(clock.counted_s)} counted of {clock_duration(reading.target_s)}: {left}",
    ]


def clock_duration(seconds: int) -> str:
    """Whole seconds as `3h12m`, `45m`, `2h00m05s`: exact, so the intervals visibly add up."""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"
    return ("-" if seconds < 0 else "") + text + (f"{secs:02d}s" if secs else "")
