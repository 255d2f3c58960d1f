"""Does the breach forecast made at 09:00 name the tickets that then breach by 17:00? Precision and recall over a
replayed month of demo history.

Each business day of the month the clock is set to 09:00 and the forecast is made on the store as it stood then:
the tickets created before 09:00, each cut back to 09:00 (its timeline, status, acknowledgement, resolution,
assignee and priority as they were). The whole demo roster is on shift. Then the full history says which of those
tickets breached a clock between 09:00 and 17:00. Two forecasts are scored: every ticket due by the end of the day
"if nothing is done", and the ones "likely to breach anyway" at the team's pace.

Run: .venv/bin/python bench/bench_forecast.py [--count N] [--seed S]
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sopdash.core.clocks import MET_LATE, BREACHED, ticket_clocks
from sopdash.core.forecast import forecast, team_pace
from sopdash.core.model import Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.demo import DEMO_ROSTER, demo_tickets

ZONE = ZoneInfo("Europe/Berlin")
POLICY = SlaPolicy.from_config({"calendar": {"timezone": "Europe/Berlin"}})  # open mon-fri 08:00-17:00
LAST_DAY = date(2026, 11, 27)  # a Friday: the month replayed is the 20 business days up to it
COUNT, SEED = 4000, 27


def as_of(ticket: Ticket, cut: datetime) -> Ticket:
    """The ticket as it stood at `cut`: later timeline entries, escalations and stamps undone."""
    timeline = tuple(entry for entry in ticket.timeline if entry.at <= cut)
    changed = {}
    for field in ("status", "assignee", "priority"):
        changes = [entry.change[field] for entry in ticket.timeline if entry.change and field in entry.change]
        before = [entry.change[field][1] for entry in timeline if entry.change and field in entry.change]
        changed[field] = before[-1] if before else changes[0][0] if changes else getattr(ticket, field)
    status = changed["status"]
    escalations = tuple(e for e in ticket.escalations if e.at <= cut)
    resolved = [e.at for e in timeline if e.change and e.change.get("status", [None, None])[1] == "resolved"]
    return ticket.evolve(
        timeline=timeline,
        status=status,
        assignee=changed["assignee"],
        priority=changed["priority"],
        escalations=escalations,
        tier=escalations[-1].to_tier if escalations else 1,
        acknowledged_at=ticket.acknowledged_at if ticket.acknowledged_at and ticket.acknowledged_at <= cut else None,
        resolved_at=resolved[-1] if status in ("resolved", "closed") and resolved else None,
        closed_at=ticket.closed_at if status == "closed" else None,
    )


def breached_between(ticket: Ticket, start: datetime, end: datetime) -> bool:
    """Whether a clock of `ticket` breached after `start` and by `end`, by its history."""
    then, later = ticket_clocks(as_of(ticket, start), POLICY, start), ticket_clocks(as_of(ticket, end), POLICY, end)
    ack = later.ack
    ack_breached = ack.state in (BREACHED, MET_LATE) and ack.due_s is not None and start.timestamp() < ack.due_s <= end.timestamp()
    return ack_breached or (then.resolution.remaining_s > 0 >= later.resolution.remaining_s)


def business_days(last: date, count: int) -> list[date]:
    days, day = [], last
    while len(days) < count:
        if POLICY.calendar.is_open(datetime.combine(day, time(12), ZONE)):
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def score(predicted: set[int], actual: set[int]) -> tuple[int, int, int]:
    return len(predicted & actual), len(predicted), len(actual)


def ratio(hits: int, total: int) -> str:
    return f"{hits / total:.2f}" if total else "n/a"


def replay(tickets: Iterable[Ticket], days: list[date]) -> dict[str, list[int]]:
    tickets = list(tickets)
    on_shift = tuple(DEMO_ROSTER.members)
    totals = {"if nothing is done": [0, 0, 0], "likely anyway": [0, 0, 0]}
    for day in days:
        nine, five = (datetime.combine(day, time(hour), ZONE).astimezone(timezone.utc) for hour in (9, 17))
        state = [as_of(t, nine) for t in tickets if t.created_at < nine]
        made = forecast(state, POLICY, nine, team_pace(state, POLICY, nine), on_shift)
        actual = {t.id for t in tickets if t.created_at < nine and breached_between(t, nine, five)}
        for name, predicted in (("if nothing is done", made.tickets), ("likely anyway", made.likely)):
            hits, shown, breached = score({t.ticket_id for t in predicted}, actual)
            totals[name] = [a + b for a, b in zip(totals[name], (hits, shown, breached))]
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    end = datetime.combine(LAST_DAY, time(17), ZONE).astimezone(timezone.utc)
    tickets = demo_tickets(end, POLICY, args.count, args.seed)
    days = business_days(LAST_DAY, 20)
    print(f"{len(tickets)} demo tickets (seed {args.seed}), forecasts at 09:00 on {len(days)} business days "
          f"{days[0]} to {days[-1]}, breaches counted 09:00-17:00 Europe/Berlin")
    for name, (hits, shown, breached) in replay(tickets, days).items():
        print(f"{name:>20}: named {shown}, breached {breached}, both {hits}: "
              f"precision {ratio(hits, shown)}, recall {ratio(hits, breached)}")


if __name__ == "__main__":
    main()
