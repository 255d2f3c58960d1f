"""The breach forecast: which open tickets breach in the next hour, or by the end of the business day, if nothing is
done; which of them will likely breach anyway at the team's pace; and who on shift has the least on their plate.

The team's pace is read from tickets resolved in the last weeks: business time from creation to acknowledgement,
and from acknowledgement to resolution, per priority. A ticket that has already taken a while is judged by the
tickets that took at least as long (the median of those), so a long-stuck ticket is not expected to finish at
the pace of the quick ones. Every ticket's verdict comes with the reasons, in words. Pure: tickets, policy, the
instant and who is on shift are passed in.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from statistics import median

from sopdash.core.clocks import COUNTING, BREACHED, ticket_clocks
from sopdash.core.durations import format_countdown
from sopdash.core.model import PRIORITIES, Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.text import one_line

NEXT_HOUR_S = 3600
PACE_WEEKS = 4
_WEEK = timedelta(weeks=1)


@dataclass(frozen=True, slots=True)
class Pace:
    """Business seconds each priority's tickets took, sorted: creation to acknowledgement, and acknowledgement to
    resolution, over tickets resolved in the last PACE_WEEKS weeks."""

    to_ack: Mapping[str, tuple[float, ...]]
    to_resolve: Mapping[str, tuple[float, ...]]

    def typical_resolve_s(self, priority: str) -> float | None:
        samples = self.to_resolve.get(priority, ())
        return median(samples) if samples else None


@dataclass(frozen=True, slots=True)
class TicketForecast:
    """One open ticket that breaches by the end of the business day if nothing is done."""

    ticket_id: int
    subject: str
    priority: str
    assignee: str
    clock: str  # "ack" or "resolution": the one that breaches first
    due: datetime
    next_hour: bool
    likely_anyway: bool
    why: str

    @property
    def headline(self) -> str:
        """The first reason: `reply due 10:00 (40m left)`, `due Tue 09:30 (3h left)`."""
        return self.why.split(", ", 1)[0]

    @property
    def reasons(self) -> str:
        """The reasons after the headline."""
        return self.why.partition(", ")[2]


@dataclass(frozen=True, slots=True)
class Forecast:
    """The tickets due by `day_end` (soonest first), who is on shift and their open tickets (fewest first)."""

    now: datetime
    day_end: datetime
    tickets: tuple[TicketForecast, ...]
    plates: tuple[tuple[str, int], ...]

    @property
    def next_hour(self) -> tuple[TicketForecast, ...]:
        return tuple(t for t in self.tickets if t.next_hour)

    @property
    def likely(self) -> tuple[TicketForecast, ...]:
        return tuple(t for t in self.tickets if t.likely_anyway)

    @property
    def least_loaded(self) -> str:
        """`dana (2 open)`: who on shift has the least on their plate; "" when nobody is on shift."""
        return f"{self.plates[0][0]} ({self.plates[0][1]} open)" if self.plates else ""

    def header_forms(self) -> tuple[str, ...]:
        """The header item, longest form first: `⌛ 3 due 1h · 5 today`, `⌛ 3 due 1h`, `⌛3`, then nothing."""
        hour, today = len(self.next_hour), len(self.tickets)
        return (f"⌛ {hour} due 1h · {today} today", f"⌛ {hour} due 1h", f"⌛{hour}", "")


def team_pace(tickets: Iterable[Ticket], policy: SlaPolicy, now: datetime, weeks: int = PACE_WEEKS) -> Pace:
    """How long the team took over tickets resolved in the `weeks` before `now`, per priority."""
    since = now - weeks * _WEEK
    to_ack: dict[str, list[float]] = {p: [] for p in PRIORITIES}
    to_resolve: dict[str, list[float]] = {p: [] for p in PRIORITIES}
    for ticket in tickets:
        acked, resolved = ticket.acknowledged_at, ticket.resolved_at
        if acked is None or resolved is None or not since <= resolved <= now:
            continue
        calendar = policy.calendar_for(ticket.priority)
        to_ack[ticket.priority].append(calendar.elapsed_s(ticket.created_at.timestamp(), acked.timestamp()))
        to_resolve[ticket.priority].append(calendar.elapsed_s(acked.timestamp(), resolved.timestamp()))
    return Pace({p: tuple(sorted(s)) for p, s in to_ack.items()}, {p: tuple(sorted(s)) for p, s in to_resolve.items()})


def business_day_end(policy: SlaPolicy, now: datetime) -> datetime:
    """When the business day ends: today's last open hour, or the next business day's when the desk is closed now."""
    calendar = policy.calendar
    now_s = now.timestamp()
    first = calendar.instant_s(calendar.count_s(now_s) + 1) - 1  # the next open instant (now, if open)
    day = datetime.fromtimestamp(first, timezone.utc).astimezone(calendar.tz).date()
    midnight = (datetime(day.year, day.month, day.day, tzinfo=calendar.tz) + timedelta(days=1)).timestamp()
    windows = calendar.open_spans_s(first, midnight)
    return datetime.fromtimestamp(windows[-1][1] if windows else first, timezone.utc)


def forecast(
    tickets: Iterable[Ticket], policy: SlaPolicy, now: datetime, pace: Pace, on_shift: Sequence[str]
) -> Forecast:
    """Every open ticket whose first counting clock falls due by the end of the business day, with its verdict."""
    open_tickets = [t for t in tickets if t.is_open]
    plates = _plates(open_tickets, on_shift)
    day_end = business_day_end(policy, now)
    due = []
    for ticket in open_tickets:
        found = _due_today(ticket, policy, now, pace, on_shift, day_end)
        if found is not None:
            due.append(found)
    due.sort(key=lambda t: (t.due, t.ticket_id))
    return Forecast(now, day_end, tuple(due), plates)


def _plates(open_tickets: Sequence[Ticket], on_shift: Sequence[str]) -> tuple[tuple[str, int], ...]:
    counts = {login: 0 for login in on_shift}
    for ticket in open_tickets:
        if ticket.assignee in counts:
            counts[ticket.assignee] += 1
    return tuple(sorted(counts.items(), key=lambda item: (item[1], item[0])))


def _due_today(
    ticket: Ticket, policy: SlaPolicy, now: datetime, pace: Pace, on_shift: Sequence[str], day_end: datetime
) -> TicketForecast | None:
    clocks = ticket_clocks(ticket, policy, now)
    candidates = [
        (reading.due_s, name)
        for name, reading in (("ack", clocks.ack), ("resolution", clocks.resolution))
        if reading.state in COUNTING and reading.state != BREACHED and reading.due_s is not None
    ]
    if not candidates:
        return None
    due_s, clock = min(candidates)
    if due_s > day_end.timestamp():
        return None
    calendar = policy.calendar_for(ticket.priority)
    left_s = calendar.elapsed_s(now.timestamp(), due_s)
    priority, zone = ticket.priority, policy.calendar.tz
    due = datetime.fromtimestamp(due_s, timezone.utc)
    shown_due = due.astimezone(zone)
    when = f"{shown_due:%H:%M}" if shown_due.date() == now.astimezone(zone).date() else f"{shown_due:%a %H:%M}"
    reasons = [f"{'reply ' if clock == 'ack' else ''}due {when} ({format_countdown(left_s)} left)"]
    if clock == "ack":
        done = calendar.elapsed_s(ticket.created_at.timestamp(), now.timestamp())
        more = _more_s(pace.to_ack.get(priority, ()), done)
        reasons.append(_pace_words(pace.to_ack.get(priority, ()), f"typical time to answer {_a(priority)} ticket"))
    else:
        started = ticket.acknowledged_at or ticket.created_at
        done = calendar.elapsed_s(started.timestamp(), now.timestamp()) if ticket.acknowledged_at else 0.0
        more = _more_s(pace.to_resolve.get(priority, ()), done)
        reasons.append(_pace_words(pace.to_resolve.get(priority, ()), f"typical time to resolve {_a(priority)} ticket"))
    if ticket.assignee:
        reasons.append(f"assigned to {ticket.assignee}" + ("" if ticket.assignee in on_shift else " (not on shift)"))
    else:
        reasons.append("unassigned")
    if not on_shift:
        reasons.append("nobody on shift")
    likely = not on_shift or (more is not None and more > left_s)
    if more is not None and done:
        reasons.append(f"those past {format_countdown(done)} took {format_countdown(done + more)}")
    elif more is None and done and _has(pace, clock, priority):
        reasons.append(f"slower than every {priority} ticket of the last {PACE_WEEKS} weeks")
        likely = True
    return TicketForecast(
        ticket.id, ticket.subject, priority, ticket.assignee, clock, due, due_s - now.timestamp() <= NEXT_HOUR_S, likely,
        ", ".join(reasons),
    )


def _a(priority: str) -> str:
    return f"{'an' if priority[0] in 'aeiou' else 'a'} {priority}"


def _has(pace: Pace, clock: str, priority: str) -> bool:
    return bool((pace.to_ack if clock == "ack" else pace.to_resolve).get(priority))


def _more_s(samples: Sequence[float], done: float) -> float | None:
    """Business seconds still to go at the team's pace, for a ticket `done` seconds in: the median of the tickets
    that took at least that long, less `done`; None with no such ticket."""
    longer = samples[bisect_right(samples, done) :] if done else samples
    return median(longer) - done if longer else None


def _pace_words(samples: Sequence[float], what: str) -> str:
    if not samples:
        return f"{what}: none in the last {PACE_WEEKS} weeks"
    return f"{what} {format_countdown(median(samples))}"


def on_shift(roster_logins: Iterable[str], present: Iterable[str], actor: str) -> tuple[str, ...]:
    """Who is on shift: the technician at the keyboard and everyone with a dashboard open, kept to the roster's
    technicians when the config lists any."""
    listed = set(roster_logins)
    logins = {actor, *present}
    return tuple(sorted(logins & listed if listed else logins))


def forecast_document(result: Forecast) -> dict:
    """The forecast as a JSON-ready document (`sopdash forecast --json`)."""
    return {
        "now": _iso(result.now),
        "day_end": _iso(result.day_end),
        "next_hour": len(result.next_hour),
        "by_day_end": len(result.tickets),
        "likely_anyway": len(result.likely),
        "on_shift": [{"login": login, "open": count} for login, count in result.plates],
        "tickets": [
            {
                "id": t.ticket_id, "subject": t.subject, "priority": t.priority, "assignee": t.assignee, "clock": t.clock,
                "due": _iso(t.due), "next_hour": t.next_hour, "likely_anyway": t.likely_anyway, "why": t.why,
            }
            for t in result.tickets
        ],
    }


def forecast_lines(result: Forecast, zone: tzinfo) -> list[str]:
    """The forecast as plain lines for a terminal or a chat message."""
    likely = len(result.likely)
    lines = [
        f"Breach forecast at {result.now.astimezone(zone):%a %d %b %H:%M %Z}; the business day ends "
        f"{result.day_end.astimezone(zone):%a %H:%M}",
        f"{len(result.next_hour)} due in the next hour, {len(result.tickets)} by the end of the day if nothing is done; "
        f"{likely} likely to breach anyway at the team's pace",
        "On shift: " + (", ".join(f"{login} ({count} open)" for login, count in result.plates) or "nobody"),
    ]
    for t in result.tickets:
        verdict = "likely to breach anyway" if t.likely_anyway else "can make it"
        lines += ["", f"#{t.ticket_id} {t.priority} · {verdict} · {one_line(t.subject, 50)}", f"   {t.why}"]
    return lines


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
