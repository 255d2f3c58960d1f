"""Stats periods: weeks and months step by calendar in the team's zone (DST included); spans by their length."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopdash.core.errors import InputError
from sopdash.core.period import MONTH, WEEK, last_days, month_of, period_from_text, week_of

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)  # Friday 11:00 in New York


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def test_week_is_monday_to_monday_and_steps_across_dst():
    week = week_of(NOW, NY)
    assert (week.since, week.until, week.label()) == (local(2026, 11, 23), local(2026, 11, 30), "week of 2026-11-23")
    before_dst_end = week.step(-4)  # 2026-10-26 .. 11-02 holds the change on 1 November
    assert (before_dst_end.since, before_dst_end.until) == (local(2026, 10, 26), local(2026, 11, 2))
    elapsed = before_dst_end.until.astimezone(timezone.utc) - before_dst_end.since.astimezone(timezone.utc)
    assert elapsed.total_seconds() == 7 * 86400 + 3600  # the extra hour of 1 November


def test_month_steps_by_calendar_month():
    month = month_of(NOW, NY)
    assert (month.since, month.until, month.label()) == (local(2026, 11, 1), local(2026, 12, 1), "November 2026")
    assert month.step(-10).label() == "January 2026"
    assert month.step(2).since == local(2027, 1, 1)


def test_a_typed_span_steps_by_its_own_length():
    span = period_from_text("2026-11-01", "2026-11-10", NOW, NY)
    assert span.label() == "2026-11-01 – 2026-11-10"
    assert span.step(1).label() == "2026-11-11 – 2026-11-20"
    assert span.as_unit(MONTH).label() == "November 2026"
    assert span.as_unit(WEEK).label() == "week of 2026-11-09"


def test_an_instant_span_steps_by_its_duration():
    span = period_from_text("2026-11-02T09:00", "2026-11-02T17:00", NOW, NY)
    assert span.step(1).label() == "2026-11-02 17:00 – 2026-11-03 01:00"


def test_last_days_ends_with_today():
    period = last_days(NOW, NY, 28)
    assert (period.since, period.until) == (local(2026, 10, 31), local(2026, 11, 28))


def test_bad_period_text_is_an_input_error_without_option_names():
    with pytest.raises(InputError, match="^the start: 'last week' is not a date"):
        period_from_text("last week", None, NOW, NY)


@given(st.integers(-60, 60), st.sampled_from([week_of, month_of]))
def test_stepping_there_and_back_returns_and_periods_tile(count, make):
    period = make(NOW, NY)
    moved = period.step(count)
    assert moved.step(-count) == period
    assert moved.step(1).since == moved.until
