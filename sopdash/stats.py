"""The figures of the dashboard's stats screen: the SLA report over the four weeks that end today, per day and week."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sopdash.core.model import Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.report import Report, breaches_by_day, build_report

WEEKS = 4
WEEK_DAYS = 7


@dataclass(frozen=True, slots=True)
class Figures:
    """The report for the period, its days in the team's zone, and its breaches counted per day and per week."""

    report: Report
    days: list[date]
    per_day: list[int]

    @property
    def per_week(self) -> list[int]:
        """Breaches per week, oldest first; the last week ends today."""
        return [sum(self.per_day[i : i + WEEK_DAYS]) for i in range(0, len(self.per_day), WEEK_DAYS)]

    def week_label(self, week: int) -> str:
        """`Oct 29 – Nov 4`: the first and last day of a week."""
        first, last = self.days[week * WEEK_DAYS], self.days[min((week + 1) * WEEK_DAYS, len(self.days)) - 1]
        return f"{first:%b} {first.day} – {last:%b} {last.day}"


def period_start(now: datetime, zone: tzinfo) -> datetime:
    """Midnight in `zone` starting the four weeks (28 days) that end today."""
    today = now.astimezone(zone).date()
    return datetime.combine(today - timedelta(days=WEEKS * WEEK_DAYS - 1), time(), zone)


def last_weeks(tickets: Sequence[Ticket], policy: SlaPolicy, since: datetime, now: datetime) -> Figures:
    """The report on `tickets` created from `since` (see `period_start`) to `now`, with its breaches per day."""
    report = build_report(tickets, policy, since, now, now)
    days = [since.date() + timedelta(days=n) for n in range(WEEKS * WEEK_DAYS)]
    per_day = breaches_by_day(report)
    return Figures(report, days, [per_day[day] for day in days])
