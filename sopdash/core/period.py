"""Periods of time the statistics cover: a week, a month, or any span typed like `report --since/--until`.

A period is [since, until) in the team's zone. Weeks start on Monday and months on the 1st, at local
midnight, so stepping across a DST change keeps whole days. Pure: `now` and the zone are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from dateutil.relativedelta import relativedelta

from sopdash.core.errors import InputError
from sopdash.core.limits import EARLIEST, LATEST, check_time
from sopdash.core.model import format_time

DEFAULT_SPAN = timedelta(days=30)
WEEK, MONTH, SPAN = "week", "month", "span"


@dataclass(frozen=True, slots=True)
class Period:
    """[since, until) in `tz`; `unit` says how it steps: a week, a month, or its own length."""

    since: datetime
    until: datetime
    tz: tzinfo
    unit: str = SPAN

    def step(self, count: int) -> Period:
        """The period `count` units later (earlier when negative)."""
        if self.unit == WEEK:
            return week_of(self.since + timedelta(days=7 * count), self.tz)
        if self.unit == MONTH:
            return month_of(_midnight(self._first_day() + relativedelta(months=count), self.tz), self.tz)
        if self._whole_days():
            days = (self._last_day() - self._first_day()).days + 1
            first = self._first_day() + timedelta(days=days * count)
            return Period(_midnight(first, self.tz), _midnight(first + timedelta(days=days), self.tz), self.tz)
        length = self.until - self.since
        return Period(self.since + length * count, self.until + length * count, self.tz)

    def as_unit(self, unit: str) -> Period:
        """The week or month holding this period's last day (or this period, as its own span)."""
        last = self.until - timedelta(microseconds=1)
        if unit == WEEK:
            return week_of(last, self.tz)
        if unit == MONTH:
            return month_of(last, self.tz)
        return Period(self.since, self.until, self.tz)

    def label(self) -> str:
        """`November 2026`, `week of 2026-11-23`, or `2026-11-01 – 2026-11-27` (days inclusive)."""
        if self.unit == MONTH:
            return f"{self._first_day():%B %Y}"
        if self.unit == WEEK:
            return f"week of {self._first_day().isoformat()}"
        if self._whole_days():
            return f"{self._first_day().isoformat()} – {self._last_day().isoformat()}"
        local = (self.since.astimezone(self.tz), self.until.astimezone(self.tz))
        return f"{local[0]:%Y-%m-%d %H:%M} – {local[1]:%Y-%m-%d %H:%M}"

    def _first_day(self) -> date:
        return self.since.astimezone(self.tz).date()

    def _last_day(self) -> date:
        return (self.until.astimezone(self.tz) - timedelta(microseconds=1)).date()

    def _whole_days(self) -> bool:
        return all(moment.astimezone(self.tz).time() == time() for moment in (self.since, self.until))


def week_of(moment: datetime, tz: tzinfo) -> Period:
    """The Monday-to-Monday week holding `moment` in `tz`."""
    day = moment.astimezone(tz).date()
    monday = day - timedelta(days=day.weekday())
    return Period(_midnight(monday, tz), _midnight(monday + timedelta(days=7), tz), tz, WEEK)


def month_of(moment: datetime, tz: tzinfo) -> Period:
    """The calendar month holding `moment` in `tz`."""
    first = moment.astimezone(tz).date().replace(day=1)
    return Period(_midnight(first, tz), _midnight(first + relativedelta(months=1), tz), tz, MONTH)


def last_days(now: datetime, tz: tzinfo, days: int) -> Period:
    """The `days` whole days that end with today, in `tz`."""
    today = now.astimezone(tz).date()
    return Period(_midnight(today - timedelta(days=days - 1), tz), _midnight(today + timedelta(days=1), tz), tz)


NAMED_PERIODS = ("last-week", "this-week", "last-month", "this-month")


def named_period(name: str, now: datetime, tz: tzinfo) -> Period:
    """`report --period`: the week (Monday to Monday) or calendar month before the one holding `now`, or that one."""
    this = week_of(now, tz) if name.endswith("week") else month_of(now, tz)
    if name not in NAMED_PERIODS:
        raise InputError(f"--period: {name!r} is not one of {', '.join(NAMED_PERIODS)}")
    return this.step(-1) if name.startswith("last") else this


CLI_BOUNDS = ("--since", "--until")
TYPED_BOUNDS = ("the start", "the end")  # a period typed in the dashboard: no command-line options to name


def resolve_period(
    since: str | None, until: str | None, now: datetime, tz: tzinfo, names: tuple[str, str] = CLI_BOUNDS
) -> tuple[datetime, datetime]:
    """[since, until) from `--since`/`--until`: a date is a whole day in `tz`, inclusive; default the last 30 days.
    A refusal calls the two bounds by `names`."""
    end = parse_bound(until, names[1], tz, end_of_day=True) if until else now
    start = parse_bound(since, names[0], tz, end_of_day=False) if since else end - DEFAULT_SPAN
    if start >= end:
        raise InputError(f"{names[0]} {since or format_time(start)} is not before {names[1]} {until or format_time(end)}")
    return start, end


def period_from_text(since: str | None, until: str | None, now: datetime, tz: tzinfo) -> Period:
    """The period `report --since/--until` would cover, typed as `SINCE [UNTIL]`, as a span that steps by its own
    length."""
    return Period(*resolve_period(since, until, now, tz, TYPED_BOUNDS), tz)


def parse_bound(text: str, option: str, tz: tzinfo, end_of_day: bool) -> datetime:
    """A date (start, or with end_of_day the end, of that day in `tz`) or an instant (naive: in `tz`)."""
    text = text.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        if not EARLIEST.date() <= day < LATEST.date():
            raise InputError(f"{option}: {text} is outside the years sopdash handles (1970 to 2199)")
        return _midnight(day + timedelta(days=1 if end_of_day else 0), tz)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a date like 2026-11-01 or a time like 2026-11-01T09:00") from None
    return check_time(moment if moment.tzinfo else moment.replace(tzinfo=tz), option)


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(), tz)
