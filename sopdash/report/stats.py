"""The figures of the dashboard's stats screen: the SLA report over a period, its breaches per day and week.

The period is a `sopdash.core.period.Period`: by default the four weeks that end today, stepped by week
or month, or typed like `report --since/--until`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sopdash.core.model import Ticket
from sopdash.core.period import Period, last_days
from sopdash.core.policy import SlaPolicy
from sopdash.report.sla import Report, breaches_by_day, build_report

WEEKS = 4
WEEK_DAYS = 7


@dataclass(frozen=True, slots=True)
class Figures:
    """The report for the period, its days in the team's zone, and its breaches counted per day and per week."""

    period: Period
    report: Report
    days: list[date]
    per_day: list[int]

    @property
    def per_week(self) -> list[int]:
        """Breaches per seven days from the period's first day, oldest first."""
        return [sum(self.per_day[i : i + WEEK_DAYS]) for i in range(0, len(self.per_day), WEEK_DAYS)]

    def week_label(self, week: int) -> str:
        """`Oct 29 – Nov 4`: the first and last day of a week."""
        first, last = self.days[week * WEEK_DAYS], self.days[min((week + 1) * WEEK_DAYS, len(self.days)) - 1]
        return f"{first:%b} {first.day} – {last:%b} {last.day}"


def default_period(now: datetime, zone: tzinfo) -> Period:
    """The four weeks (28 days) that end today, in `zone`."""
    return last_days(now, zone, WEEKS * WEEK_DAYS)


def figures_for(tickets: Sequence[Ticket], policy: SlaPolicy, period: Period, now: datetime) -> Figures:
    """The report on `tickets` created in `period` (up to `now`), with its breaches per day."""
    until = min(period.until, now)
    report = build_report(tickets, policy, period.since, max(until, period.since), now)
    first = period.since.astimezone(period.tz).date()
    last = (period.until.astimezone(period.tz) - timedelta(microseconds=1)).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    per_day = breaches_by_day(report)
    return Figures(period, report, days, [per_day[day] for day in days])
