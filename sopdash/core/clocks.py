"""The two SLA clocks of every ticket — acknowledgement and resolution — read at one instant.

Clocks count business seconds through a calendar (`add_s`/`elapsed_s` on epoch seconds), so the
same code serves around-the-clock and business-hours priorities. Pure: `now` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol

from sopdash.core.model import Ticket

RUNNING, WARNING, BREACHED, PAUSED, MET, MET_LATE = "running", "warning", "breached", "paused", "met", "met_late"
CLOCK_STATES = (RUNNING, WARNING, BREACHED, PAUSED, MET, MET_LATE)
STOPPED_STATUSES = frozenset({"resolved", "closed"})


class Calendar(Protocol):
    """What a clock needs of a calendar: business-time arithmetic on epoch seconds."""

    def add_s(self, start: float, seconds: float) -> float: ...

    def elapsed_s(self, start: float, end: float) -> float: ...


class ClockPolicy(Protocol):
    """What a clock needs of the SLA policy (see `sopdash.core.policy.SlaPolicy`)."""

    warn_at: float | None
    warn_before_s: int | None
    pause_when_waiting: bool

    def calendar_for(self, priority: str) -> Calendar: ...

    def ack_target_s(self, priority: str) -> int: ...

    def resolve_target_s(self, priority: str) -> int: ...


@dataclass(frozen=True, slots=True)
class ClockReading:
    """One clock at one instant: its state, its deadline (None while paused), and business seconds left."""

    state: str
    due: datetime | None
    remaining_s: int
    target_s: int

    @property
    def is_live(self) -> bool:
        """Still counting (or paused): the ticket can still make or miss this target."""
        return self.state in (RUNNING, WARNING, BREACHED, PAUSED)

    def to_dict(self) -> dict:
        due = self.due.isoformat(timespec="seconds") if self.due else None
        return {"due": due, "state": self.state, "remaining_s": self.remaining_s, "target_s": self.target_s}


@dataclass(frozen=True, slots=True)
class TicketClocks:
    """Both clocks of a ticket."""

    ack: ClockReading
    resolution: ClockReading

    def to_dict(self) -> dict:
        return {"ack": self.ack.to_dict(), "resolution": self.resolution.to_dict()}


def _instant(epoch: float) -> datetime:
    return datetime.fromtimestamp(round(epoch), tz=timezone.utc)


def _live_state(used: float, target: float, policy: ClockPolicy) -> str:
    remaining = target - used
    if remaining <= 0:
        return BREACHED
    if policy.warn_before_s is not None and remaining <= policy.warn_before_s:
        return WARNING
    if policy.warn_at is not None and used >= policy.warn_at * target:
        return WARNING
    return RUNNING


def ack_clock(ticket: Ticket, policy: ClockPolicy, now: datetime) -> ClockReading:
    """Acknowledgement: from creation to the first public technician reply (SOP 4B); never paused."""
    calendar = policy.calendar_for(ticket.priority)
    target = policy.ack_target_s(ticket.priority)
    start = ticket.created_at.timestamp()
    due = calendar.add_s(start, target)
    stop = ticket.acknowledged_at or (None if ticket.is_open else ticket.resolved_at or ticket.closed_at)
    if stop is not None:
        used = calendar.elapsed_s(start, stop.timestamp())
        state = MET if stop.timestamp() <= due else MET_LATE
        return ClockReading(state, _instant(due), round(target - used), target)
    used = calendar.elapsed_s(start, now.timestamp())
    return ClockReading(_live_state(used, target, policy), _instant(due), round(target - used), target)


def running_intervals(ticket: Ticket, pause_when_waiting: bool, now: datetime) -> list[tuple[float, float]]:
    """Epoch intervals during which the resolution clock ran, read from the ticket's status events."""
    paused = STOPPED_STATUSES | ({"waiting"} if pause_when_waiting else set())
    intervals: list[tuple[float, float]] = []
    started: float | None = ticket.created_at.timestamp()
    for entry in ticket.timeline:
        if entry.kind != "event" or not entry.change or "status" not in entry.change:
            continue
        new_status = entry.change["status"][1]
        at = max(entry.at.timestamp(), ticket.created_at.timestamp())
        if new_status in paused and started is not None:
            intervals.append((started, at))
            started = None
        elif new_status not in paused and started is None:
            started = at
    if started is not None:
        # A stopped ticket whose history lacks the status event (e.g. imported) stops at its resolution.
        end = ticket.resolved_at or ticket.closed_at if ticket.status in paused else None
        intervals.append((started, max(started, (end or now).timestamp())))
    return intervals


def resolution_clock(ticket: Ticket, policy: ClockPolicy, now: datetime) -> ClockReading:
    """Resolution: from creation to resolve, paused while waiting on the client (if configured) and while resolved."""
    calendar = policy.calendar_for(ticket.priority)
    target = policy.resolve_target_s(ticket.priority)
    used = 0.0
    due: float | None = None
    intervals = running_intervals(ticket, policy.pause_when_waiting, now)
    for start, end in intervals:
        span = calendar.elapsed_s(start, end)
        if due is None and used + span >= target:
            due = calendar.add_s(start, target - used)
        used += span
    running_now = ticket.status not in STOPPED_STATUSES and not (
        policy.pause_when_waiting and ticket.status == "waiting"
    )
    if due is None and running_now and intervals:
        start = intervals[-1][0]
        due = calendar.add_s(start, target - (used - calendar.elapsed_s(start, intervals[-1][1])))
    remaining = round(target - used)
    due_at = _instant(due) if due is not None else None
    if ticket.status in STOPPED_STATUSES:
        return ClockReading(MET if used <= target else MET_LATE, due_at, remaining, target)
    if not running_now:
        return ClockReading(BREACHED if used >= target else PAUSED, due_at, remaining, target)
    return ClockReading(_live_state(used, target, policy), due_at, remaining, target)


def ticket_clocks(ticket: Ticket, policy: ClockPolicy, now: datetime) -> TicketClocks:
    """Both clocks of a ticket at `now`."""
    return TicketClocks(ack_clock(ticket, policy, now), resolution_clock(ticket, policy, now))
