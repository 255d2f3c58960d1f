"""The two SLA clocks of every ticket — acknowledgement and resolution — read at one instant.

Clocks count business seconds through a calendar (`add_s`/`elapsed_s` on epoch seconds), so the
same code serves around-the-clock and business-hours priorities. Pure: `now` is passed in.
"""

from __future__ import annotations

from datetime import datetime, timezone
from math import inf
from typing import Protocol

import msgspec

from sopdash.core.limits import EARLIEST_S, LATEST_S
from sopdash.core.model import Ticket, status_changes

RUNNING, WARNING, BREACHED, PAUSED, MET, MET_LATE = "running", "warning", "breached", "paused", "met", "met_late"
CLOCK_STATES = (RUNNING, WARNING, BREACHED, PAUSED, MET, MET_LATE)
COUNTING = (RUNNING, WARNING, BREACHED)
"""States in which a clock asks for work: live, or overdue (a paused clock past its target is breached)."""
# Not a state of a clock but the lack of one: the ticket holds a time outside the years the clocks count
# (see `sopdash.core.limits`); shown marked, never counted.
UNKNOWN = "unknown"
STOPPED_STATUSES = frozenset({"resolved", "closed"})
_PAUSING_WITH_WAITING = STOPPED_STATUSES | {"waiting"}


class Calendar(Protocol):
    """What a clock needs of a calendar: business time as a count that grows with the instant (epoch seconds)."""

    def count_s(self, at: float) -> float: ...

    def instant_s(self, count: float) -> float: ...

    def elapsed_s(self, start: float, end: float) -> float: ...


class ClockPolicy(Protocol):
    """What a clock needs of the SLA policy (see `sopdash.core.policy.SlaPolicy`)."""

    warn_at: float | None
    warn_before_s: int | None
    pause_when_waiting: bool

    def for_ticket(self, ticket: Ticket) -> ClockPolicy: ...

    def calendar_for(self, priority: str) -> Calendar: ...

    def ack_target_s(self, priority: str) -> int: ...

    def resolve_target_s(self, priority: str) -> int: ...


class ClockReading(msgspec.Struct, frozen=True, gc=False):
    """One clock at one instant: its state, its deadline (epoch seconds; None while paused), business seconds left."""

    state: str
    due_s: float | None
    remaining_s: int
    target_s: int

    @property
    def due(self) -> datetime | None:
        """The deadline as an aware UTC datetime (None while paused)."""
        return None if self.due_s is None else datetime.fromtimestamp(round(self.due_s), tz=timezone.utc)


class TicketClocks(msgspec.Struct, frozen=True, gc=False):
    """Both clocks of a ticket."""

    ack: ClockReading
    resolution: ClockReading


def warn_left_s(target_s: float, policy: ClockPolicy) -> float:
    """Business seconds left at or below which a live clock warns, by the policy's warning rule."""
    limits = [-inf]
    if policy.warn_before_s is not None:
        limits.append(policy.warn_before_s)
    if policy.warn_at is not None:
        limits.append((1 - policy.warn_at) * target_s)
    return max(limits)


def resolution_runs(ticket: Ticket, policy: ClockPolicy) -> bool:
    """Whether the resolution clock counts now: the ticket is open and not paused for waiting on the client."""
    return ticket.status not in STOPPED_STATUSES and not (policy.pause_when_waiting and ticket.status == "waiting")


def live_state(remaining_s: float, warn_left: float) -> str:
    """The state of a live clock with `remaining_s` left that warns at `warn_left` (see `warn_left_s`)."""
    if remaining_s <= 0:
        return BREACHED
    if remaining_s <= warn_left:
        return WARNING
    return RUNNING


def ticket_clocks(ticket: Ticket, policy: ClockPolicy, now: datetime) -> TicketClocks:
    """Both clocks of a ticket at `now`; the creation instant is counted once, for both.

    A ticket with a time the clocks cannot count (outside 1970–2199) gets two UNKNOWN readings instead.
    The clocks count by the policy the ticket is measured against (`for_ticket`).
    """
    policy = policy.for_ticket(ticket)
    calendar = policy.calendar_for(ticket.priority)
    try:
        created_s, now_s = _countable(ticket.clock_start.timestamp()), _countable(now.timestamp())
        created = calendar.count_s(created_s)
        return TicketClocks(
            _ack(ticket, policy, calendar, created, now_s),
            _resolution(ticket, policy, calendar, created_s, created, now_s),
        )
    except (ValueError, OverflowError):  # _countable's refusal, or a deadline past what the calendar counts
        return TicketClocks(
            unknown_reading(policy.ack_target_s(ticket.priority)),
            unknown_reading(policy.resolve_target_s(ticket.priority)),
        )


def settled(ticket: Ticket) -> bool:
    """Whether the ticket's clocks read the same at every instant the clocks count: it is resolved or closed, and says
    when (so neither clock reads `now`: each stops at the ticket's own times)."""
    return ticket.status in STOPPED_STATUSES and (ticket.resolved_at or ticket.closed_at) is not None


def unknown_reading(target_s: int) -> ClockReading:
    """The reading of a clock that cannot be counted: no deadline, nothing left."""
    return ClockReading(UNKNOWN, None, 0, target_s)


def _countable(at_s: float) -> float:
    """at_s, if the clocks can count from it; a ValueError otherwise (long before the calendar would be slow)."""
    if not EARLIEST_S <= at_s < LATEST_S:
        raise ValueError(f"{at_s} s is outside the years the clocks count")
    return at_s


def resolution_state_at(ticket: Ticket, policy: ClockPolicy, at: datetime) -> str:
    """RUNNING, WARNING or BREACHED: where the resolution clock stood at `at`, an instant in the ticket's past
    (what it had counted by then, whatever happened after)."""
    policy = policy.for_ticket(ticket)
    calendar = policy.calendar_for(ticket.priority)
    created_s, at_s = ticket.clock_start.timestamp(), at.timestamp()
    try:
        used = sum(
            calendar.count_s(min(end, at_s)) - calendar.count_s(start)
            for start, end in running_intervals(ticket, policy.pause_when_waiting, created_s, at_s)
            if start < at_s
        )
    except (ValueError, OverflowError):  # a time outside what the clocks count: see ticket_clocks
        return RUNNING
    target = policy.resolve_target_s(ticket.priority)
    return live_state(target - used, warn_left_s(target, policy))


def _ack(ticket: Ticket, policy: ClockPolicy, calendar: Calendar, created: float, now_s: float) -> ClockReading:
    """The acknowledgement clock; `created` is the calendar's count at creation."""
    target = policy.ack_target_s(ticket.priority)
    due = calendar.instant_s(created + target)
    stop = ticket.clock_acknowledged_at or (None if ticket.is_open else ticket.resolved_at or ticket.closed_at)
    if stop is not None:
        stop_s = _countable(stop.timestamp())
        used = max(calendar.count_s(stop_s) - created, 0.0)
        return ClockReading(MET if stop_s <= due else MET_LATE, due, round(target - used), target)
    used = max(calendar.count_s(now_s) - created, 0.0)
    return ClockReading(live_state(target - used, warn_left_s(target, policy)), due, round(target - used), target)


def running_intervals(
    ticket: Ticket, pause_when_waiting: bool, created_s: float, now_s: float
) -> list[tuple[float, float]]:
    """The spans (epoch seconds) in which the resolution clock ran, from creation to `now_s`."""
    paused = _PAUSING_WITH_WAITING if pause_when_waiting else STOPPED_STATUSES
    intervals: list[tuple[float, float]] = []
    started: float | None = created_s
    for at_s, new_status in status_changes(ticket.timeline):
        _countable(at_s)
        if new_status in paused:
            if started is not None:
                intervals.append((started, max(at_s, created_s)))
                started = None
        elif started is None:
            started = max(at_s, created_s)
    if started is not None:
        # A stopped ticket whose history lacks the status event (e.g. imported) stops at its resolution.
        end = (ticket.resolved_at or ticket.closed_at) if ticket.status in paused else None
        intervals.append((started, max(started, _countable(end.timestamp()) if end else now_s)))
    return intervals


def _resolution(
    ticket: Ticket, policy: ClockPolicy, calendar: Calendar, created_s: float, created: float, now_s: float
) -> ClockReading:
    """The resolution clock; `created` is the calendar's count at `created_s`."""
    target = policy.resolve_target_s(ticket.priority)
    used = 0.0
    due: float | None = None
    last_start, last_count, last_span = created_s, created, 0.0
    for start, end in running_intervals(ticket, policy.pause_when_waiting, created_s, now_s):
        last_start, last_count = start, created if start == created_s else calendar.count_s(start)
        last_span = calendar.count_s(end) - last_count
        if due is None and used + last_span >= target:
            due = _deadline(calendar, start, last_count, target - used)
        used += last_span
    running_now = resolution_runs(ticket, policy)
    if due is None and running_now:
        due = _deadline(calendar, last_start, last_count, target - (used - last_span))
    remaining = round(target - used)
    if ticket.status in STOPPED_STATUSES:
        return ClockReading(MET if used <= target else MET_LATE, due, remaining, target)
    if not running_now:
        return ClockReading(BREACHED if used >= target else PAUSED, due, remaining, target)
    return ClockReading(live_state(target - used, warn_left_s(target, policy)), due, remaining, target)


def _deadline(calendar: Calendar, start_s: float, start: float, seconds: float) -> float:
    """`seconds` of business time after the instant `start_s`, whose count is `start` (`add_s`)."""
    return start_s if seconds <= 0 else calendar.instant_s(start + seconds)
