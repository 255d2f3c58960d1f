"""The dashboard's picture of the store: every ticket with its clocks read once per load and advanced cheaply.

Reading both clocks of 50,000 tickets takes a while, so a load reads them once, in a worker, at
`loaded_at`. Until the next load nothing about a ticket changes but time: a running clock loses
exactly the business seconds its calendar counts after `loaded_at`, and every other clock stands
still. So a tick needs one `elapsed_s` per calendar (a `Moment`), and the header counts come from
bisecting sorted thresholds instead of reading every clock again.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime
from math import inf
from typing import Sequence

import msgspec

from sopdash.core.clocks import (
    BREACHED,
    COUNTING,
    PAUSED,
    RUNNING,
    WARNING,
    Calendar,
    ClockReading,
    TicketClocks,
    live_state,
    resolution_runs,
    resolution_state_at,
    ticket_clocks,
    warn_left_s,
)
from sopdash.core.delivery import failed_mail
from sopdash.core.model import PRIORITIES, Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.sla_policies import organisation_of
from sopdash.core.rules import verdict_escalate


@dataclass(frozen=True, slots=True)
class Moment:
    """An instant, as business seconds elapsed on each of the board's calendars since it was loaded."""

    now: datetime
    elapsed: tuple[float, ...]


class LiveClock(msgspec.Struct, frozen=True, gc=False):
    """A clock read at load time; `runs` says whether it keeps counting until the next load.

    `left_s` is the business time left at load, unrounded, so that advancing a clock from load to
    load (see `Board.load`) never accumulates rounding.
    """

    reading: ClockReading
    runs: bool
    warn_left_s: float
    left_s: float

    @classmethod
    def read(cls, reading: ClockReading, runs: bool, warn_left_s: float) -> LiveClock:
        return cls(reading, runs, warn_left_s, reading.remaining_s)

    def at(self, elapsed_s: float) -> ClockReading:
        """The reading after `elapsed_s` more business seconds."""
        if not self.runs or elapsed_s <= 0:
            return self.reading
        state, left = self.state_at(elapsed_s)
        return msgspec.structs.replace(self.reading, state=state, remaining_s=left)

    def state_at(self, elapsed_s: float) -> tuple[str, float]:
        """(state, business seconds left) after `elapsed_s` more: what sorting and filtering need, built for less."""
        if not self.runs or elapsed_s <= 0:
            return self.reading.state, self.reading.remaining_s
        left = self.left_s - elapsed_s
        return live_state(left, self.warn_left_s), round(left)

    def advanced(self, elapsed_s: float) -> LiveClock:
        """This clock as if read `elapsed_s` business seconds later."""
        if not self.runs or elapsed_s <= 0:
            return self
        return LiveClock(self.at(elapsed_s), True, self.warn_left_s, self.left_s - elapsed_s)

    def flips(self) -> tuple[float, float]:
        """Elapsed business seconds after which this clock is at warning, and after which it is breached."""
        if self.runs:
            return self.left_s - self.warn_left_s, self.left_s
        state = self.reading.state
        return (-inf if state in (WARNING, BREACHED) else inf), (-inf if state == BREACHED else inf)


class Row(msgspec.Struct, frozen=True, gc=False):
    """One ticket with its two live clocks and what the queue sorts and filters it by."""

    ticket: Ticket
    ack: LiveClock
    resolution: LiveClock
    calendar: int
    updated_s: float
    haystack: str
    escalate_from: int
    """When SOP 6A asks to escalate: once the resolution clock warns (1), once it breaches (2), or never (3)."""
    mail_failed: bool = False  # the latest mail to the client could not be delivered
    organisations: tuple[str, ...] = ()  # the keys of the requester's organisations, the one it counts under first

    def clocks(self, moment: Moment) -> TicketClocks:
        """Both clocks at `moment`."""
        elapsed = moment.elapsed[self.calendar]
        return TicketClocks(self.ack.at(elapsed), self.resolution.at(elapsed))

    def advanced(self, elapsed: tuple[float, ...]) -> Row:
        """This row as if loaded later, `elapsed` business seconds on each calendar."""
        seconds = elapsed[self.calendar]
        ack, resolution = self.ack.advanced(seconds), self.resolution.advanced(seconds)
        if ack is self.ack and resolution is self.resolution:
            return self  # stopped clocks, or no business time since: most rows of a large store
        return msgspec.structs.replace(self, ack=ack, resolution=resolution)

    def urgency(self, moment: Moment) -> tuple[int, float]:
        """Sort key: counting or breached clocks first, by least time left (so the most overdue lead), then paused."""
        clocks = self.states(moment)
        counting = [left for state, left in clocks if state in COUNTING]
        if counting:
            return 0, min(counting)
        paused = [left for state, left in clocks if state == PAUSED]
        if paused:
            return 1, min(paused)
        return 2, 0

    def states(self, moment: Moment) -> tuple[tuple[str, float], tuple[str, float]]:
        """(state, seconds left) of the acknowledgement and the resolution clock at `moment`."""
        elapsed = moment.elapsed[self.calendar]
        return self.ack.state_at(elapsed), self.resolution.state_at(elapsed)


def is_new(ticket: Ticket) -> bool:
    """The one meaning of "new" on every face (the header's `● N new`, the `new` view, `is:unacked`): open and
    not acknowledged yet, so its SOP 4B clock runs, whatever its status says (an imported ticket may be `open`)."""
    return ticket.is_open and ticket.acknowledged_at is None


@dataclass(frozen=True, slots=True)
class Counts:
    """The dashboard header's figures (SOP 2B; see the README's dashboard section)."""

    unacknowledged: int
    at_risk: int
    breached: int
    escalated: int
    manager: int
    mail_failed: int = 0


def make_row(ticket: Ticket, policy: SlaPolicy, calendar: int, now: datetime) -> Row:
    """A ticket's row with both clocks read at `now`, by the policy it is measured against."""
    organisations = _organisation_keys(policy, ticket)
    policy = policy.for_ticket(ticket)
    clocks = ticket_clocks(ticket, policy, now)
    ack = LiveClock.read(clocks.ack, clocks.ack.state in COUNTING, warn_left_s(clocks.ack.target_s, policy))
    resolution_live = clocks.resolution.state in COUNTING and resolution_runs(ticket, policy)
    resolution = LiveClock.read(clocks.resolution, resolution_live, warn_left_s(clocks.resolution.target_s, policy))
    updated = ticket.timeline[-1].at if ticket.timeline else ticket.created_at
    requester = ticket.requester
    haystack = f"#{ticket.id} {ticket.subject} {requester.name} {requester.email}".casefold()
    escalate = escalate_from(ticket, policy)
    failed = failed_mail(ticket) is not None
    return Row(ticket, ack, resolution, calendar, updated.timestamp(), haystack, escalate, failed, organisations)


def _organisation_keys(policy: SlaPolicy, ticket: Ticket) -> tuple[str, ...]:
    """The keys of the requester's organisations, the one the ticket counts under (`organisation_of`) first."""
    main = organisation_of(policy, ticket)
    if main is None:
        return ()
    return (main.key, *(o.key for o in policy.organisations.of(ticket.requester.email) if o is not main))


_SEVERITY = (RUNNING, WARNING, BREACHED)
NEVER = len(_SEVERITY)


def escalate_from(ticket: Ticket, policy: SlaPolicy) -> int:
    """SOP 6A: a ticket needs escalating once its resolution clock warns; one escalated already needs it again
    when the clock gets worse than it was at the last escalation (a breach after escalating at warning), and
    never once no tier is left to escalate to."""
    if not ticket.escalations:
        return _SEVERITY.index(WARNING)
    if not verdict_escalate(ticket, "timing").allowed:
        return NEVER
    return _SEVERITY.index(resolution_state_at(ticket, policy, ticket.escalations[-1].at)) + 1


@dataclass
class _Thresholds:
    """Per calendar, sorted flip points of the open tickets, for counting by bisection."""

    warn: list[float] = field(default_factory=list)
    breach: list[float] = field(default_factory=list)
    needs_escalation: list[tuple[float, int]] = field(default_factory=list)


class Board:
    """Every ticket in the store at one load, with what the header and the escalation pane need."""

    def __init__(
        self, rows: Sequence[Row], loaded_at: datetime, calendars: Sequence[Calendar], signature: object = None
    ) -> None:
        self.rows = tuple(rows)
        self.by_id = {row.ticket.id: row for row in self.rows}
        self.loaded_at = loaded_at
        self.calendars = tuple(calendars)
        self.signature = signature
        open_rows = [row for row in self.rows if row.ticket.is_open]
        self.unacknowledged = sum(1 for row in open_rows if is_new(row.ticket))
        self.escalated = sorted(
            (row for row in open_rows if row.ticket.is_escalated),
            key=lambda row: row.ticket.escalations[-1].at,
            reverse=True,
        )
        self.manager_attention = sorted(
            (row for row in self.rows if row.ticket.needs_manager),
            key=lambda row: row.ticket.manager_flag.raised_at,  # type: ignore[union-attr]
        )
        self.mail_failed = [row for row in self.rows if row.mail_failed]
        self._thresholds = [_Thresholds() for _ in self.calendars]
        for index, row in enumerate(self.rows):
            if row.ticket.is_open:
                self._add_thresholds(index, row)
        for thresholds in self._thresholds:
            thresholds.warn.sort()
            thresholds.breach.sort()
            thresholds.needs_escalation.sort()
        self._needs_escalation_cache: tuple[tuple[int, ...], list[Row]] | None = None

    def _add_thresholds(self, index: int, row: Row) -> None:
        ack_warn, ack_breach = row.ack.flips()
        res_warn, res_breach = row.resolution.flips()
        thresholds = self._thresholds[row.calendar]
        if min(ack_warn, res_warn) < inf:
            thresholds.warn.append(min(ack_warn, res_warn))
        if min(ack_breach, res_breach) < inf:
            thresholds.breach.append(min(ack_breach, res_breach))
        enters = (res_warn, res_breach, inf)[row.escalate_from - 1]
        if row.resolution.runs and enters < inf:  # a paused clock is not a breach
            thresholds.needs_escalation.append((enters, index))

    @classmethod
    def load(
        cls,
        tickets: Sequence[Ticket],
        policy: SlaPolicy,
        now: datetime,
        signature: object = None,
        previous: Board | None = None,
    ) -> Board:
        """Read the clocks of every ticket at `now`; a ticket `previous` holds at the same version (and mail
        revision) keeps its row, advanced to `now`, which is what makes reloading a large store cheap."""
        calendars: list[Calendar] = []
        calendar_of: dict[tuple[str, str], int] = {}
        for measured in (policy, *policy.policies):
            for priority in PRIORITIES:
                calendar = measured.calendar_for(priority)
                known = next((i for i, c in enumerate(calendars) if c is calendar), None)
                if known is None:
                    calendars.append(calendar)
                    known = len(calendars) - 1
                calendar_of[measured.name, priority] = known
        known = previous.by_id if previous is not None and previous.calendars == tuple(calendars) else {}
        elapsed = previous.moment(now).elapsed if known else ()
        rows = []
        for ticket in tickets:
            row = known.get(ticket.id)
            if row is not None and _same_revision(row.ticket, ticket):
                rows.append(row.advanced(elapsed))
            else:
                calendar = calendar_of[policy.for_ticket(ticket).name, ticket.priority]
                rows.append(make_row(ticket, policy, calendar, now))
        return cls(rows, now, calendars, signature)

    def moment(self, now: datetime) -> Moment:
        """`now` as elapsed business seconds on each calendar since the load."""
        start, end = self.loaded_at.timestamp(), now.timestamp()
        return Moment(now, tuple(calendar.elapsed_s(start, end) for calendar in self.calendars))

    def counts(self, moment: Moment) -> Counts:
        """The header's figures at `moment`: bisection, not a pass over the tickets."""
        breached = at_risk = 0
        for thresholds, elapsed in zip(self._thresholds, moment.elapsed):
            now_breached = bisect_right(thresholds.breach, elapsed)
            breached += now_breached
            at_risk += bisect_right(thresholds.warn, elapsed) - now_breached
        return Counts(
            self.unacknowledged, at_risk, breached, len(self.escalated), len(self.manager_attention), len(self.mail_failed)
        )

    def needs_escalation(self, moment: Moment) -> list[Row]:
        """SOP 6A: open tickets whose running resolution clock has reached the state at which they need escalating
        (see `escalate_from`), most urgent first."""
        key = tuple(
            bisect_right(t.needs_escalation, (elapsed, inf)) for t, elapsed in zip(self._thresholds, moment.elapsed)
        )
        if self._needs_escalation_cache is None or self._needs_escalation_cache[0] != key:
            members = [
                self.rows[index]
                for thresholds, count in zip(self._thresholds, key)
                for _, index in thresholds.needs_escalation[:count]
            ]
            members.sort(key=lambda row: (row.clocks(moment).resolution.remaining_s, row.ticket.id))
            self._needs_escalation_cache = (key, members)
        return self._needs_escalation_cache[1]


def _same_revision(held: Ticket, loaded: Ticket) -> bool:
    """Nothing changed: neither the version nor, beside it, the state of the ticket's mail."""
    return held.version == loaded.version and held.mail_revision == loaded.mail_revision
