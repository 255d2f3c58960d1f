"""The business calendar: hand-checked cases, properties, and a minute-by-minute oracle across DST and holidays."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from functools import cache

import holidays
import pytest
from dateutil.tz import tzlocal
from hypothesis import given, settings
from hypothesis import strategies as st
from zoneinfo import ZoneInfo

from sopdash.core.calendar import WEEKDAYS, BusinessCalendar
from sopdash.core.errors import ConfigError

UTC = timezone.utc
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = timedelta(minutes=1)
WEEKDAYS_8_TO_5 = {day: ["08:00-17:00"] for day in WEEKDAYS[:5]}


def local(zone, *fields):
    return datetime(*fields, tzinfo=zone)


def calendar(**config):
    return BusinessCalendar.from_config({"timezone": "America/New_York", **config})


# --- hand-checked cases ---------------------------------------------------------------------------


def test_friday_afternoon_rolls_over_the_weekend():
    deadline = calendar().add(local(NEW_YORK, 2026, 1, 9, 16, 30), timedelta(hours=1))
    assert deadline == local(NEW_YORK, 2026, 1, 12, 8, 30)
    assert deadline.tzinfo is UTC


def test_a_holiday_monday_rolls_on_to_tuesday():
    cal = calendar(holidays=["2026-01-12"])
    assert cal.add(local(NEW_YORK, 2026, 1, 9, 16, 30), timedelta(hours=1)) == local(NEW_YORK, 2026, 1, 13, 8, 30)


def test_toml_dates_are_accepted_as_holidays():
    cal = calendar(holidays=[date(2026, 1, 12)])
    assert not cal.is_open(local(NEW_YORK, 2026, 1, 12, 10))


@pytest.mark.parametrize(
    ("start", "description"),
    [
        (local(NEW_YORK, 2026, 1, 13, 3), "at night"),
        (local(NEW_YORK, 2026, 1, 12, 17), "at closing time"),
        (local(NEW_YORK, 2026, 1, 10, 12), "on a Saturday"),
        (local(NEW_YORK, 2026, 1, 19, 10), "on Martin Luther King Day"),
    ],
)
def test_a_start_while_closed_counts_from_the_next_opening(start, description):
    cal = calendar(country="US")
    opening = cal.add(start, timedelta(seconds=1)) - timedelta(seconds=1)
    assert opening.astimezone(NEW_YORK).time().hour == 8, description
    assert cal.add(start, timedelta(hours=1)) == opening + timedelta(hours=1)
    assert cal.elapsed(start, opening + timedelta(hours=1)) == timedelta(hours=1)


def test_several_ranges_a_day_skip_the_break():
    cal = calendar(hours={"mon": ["08:00-12:00", "13:00-17:00"]})
    start = local(NEW_YORK, 2026, 1, 12, 11, 30)
    assert cal.add(start, timedelta(hours=1)) == local(NEW_YORK, 2026, 1, 12, 13, 30)
    assert cal.elapsed(start, local(NEW_YORK, 2026, 1, 12, 13, 30)) == timedelta(hours=1)
    assert cal.add(start, timedelta(hours=4, minutes=30)) == local(NEW_YORK, 2026, 1, 12, 17)
    assert cal.add(start, timedelta(hours=4, minutes=31)) == local(NEW_YORK, 2026, 1, 19, 8, 1)
    opened = [cal.is_open(local(NEW_YORK, 2026, 1, 12, hour)) for hour in (7, 8, 11, 12, 13, 16, 17)]
    assert opened == [False, True, True, False, True, True, False]


def test_a_deadline_at_closing_time_stays_at_closing_time():
    assert calendar().add(local(NEW_YORK, 2026, 1, 12, 8), timedelta(hours=9)) == local(NEW_YORK, 2026, 1, 12, 17)


def test_a_duration_of_several_weeks():
    start, three_weeks = local(NEW_YORK, 2026, 1, 5, 8), timedelta(hours=3 * 5 * 9)
    assert calendar().add(start, three_weeks) == local(NEW_YORK, 2026, 1, 23, 17)
    # Martin Luther King Day, Monday 19 January, pushes it one business day on.
    assert calendar(country="US").add(start, three_weeks) == local(NEW_YORK, 2026, 1, 26, 17)


def test_a_whole_year_of_business_hours():
    # 2026 starts on a Thursday: 52 weeks and one more Thursday, 261 weekdays.
    elapsed = calendar().elapsed(local(NEW_YORK, 2026, 1, 1), local(NEW_YORK, 2027, 1, 1))
    assert elapsed == timedelta(hours=261 * 9)


def test_a_deadline_across_new_year():
    start = local(NEW_YORK, 2026, 12, 31, 16)
    assert calendar().add(start, timedelta(hours=2)) == local(NEW_YORK, 2027, 1, 1, 9)
    assert calendar(country="US").add(start, timedelta(hours=2)) == local(NEW_YORK, 2027, 1, 4, 9)


def test_christmas_in_the_us():
    start = local(NEW_YORK, 2026, 12, 24, 16)  # Thursday; Friday 25th is the holiday
    assert calendar(country="US").add(start, timedelta(hours=2)) == local(NEW_YORK, 2026, 12, 28, 9)
    assert calendar().add(start, timedelta(hours=2)) == local(NEW_YORK, 2026, 12, 25, 9)


def test_christmas_in_germany():
    cal = BusinessCalendar.from_config({"timezone": "Europe/Berlin", "country": "DE"})
    start = local(BERLIN, 2025, 12, 24, 16)  # Wednesday; 25th and 26th are holidays
    assert cal.add(start, timedelta(hours=2)) == local(BERLIN, 2025, 12, 29, 9)
    assert cal.elapsed(start, local(BERLIN, 2025, 12, 29, 9)) == timedelta(hours=2)


@pytest.mark.parametrize(
    ("start", "real_end"),
    [
        (local(NEW_YORK, 2026, 3, 7, 23), local(NEW_YORK, 2026, 3, 8, 4)),  # 02:00 EST -> 03:00 EDT
        (local(NEW_YORK, 2026, 10, 31, 23), local(NEW_YORK, 2026, 11, 1, 2)),  # 02:00 EDT -> 01:00 EST
        (local(BERLIN, 2026, 3, 28, 23), local(BERLIN, 2026, 3, 29, 4)),  # 02:00 CET -> 03:00 CEST
        # 03:00 CEST -> 02:00 CET, ending at the second 02:00 (in UTC: an ambiguous time never equals another zone's)
        (local(BERLIN, 2026, 10, 24, 23), datetime(2026, 10, 25, 2, fold=1, tzinfo=BERLIN).astimezone(UTC)),
    ],
)
def test_around_the_clock_adds_real_hours_across_dst(start, real_end):
    cal = BusinessCalendar.from_config("24x7")
    assert cal.add(start, timedelta(hours=4)) == real_end
    assert cal.add(start, timedelta(hours=4)) - start == timedelta(hours=4)
    assert cal.elapsed(start, real_end) == timedelta(hours=4)


def test_around_the_clock_is_always_open():
    cal = BusinessCalendar.always_open(BERLIN)
    assert cal.is_24x7 and cal.tz is BERLIN
    assert cal.is_open(local(BERLIN, 2026, 12, 25, 3))
    assert BusinessCalendar.from_config("24x7").is_24x7
    assert not calendar().is_24x7


@pytest.mark.parametrize(
    ("zone", "friday", "monday_nine_utc"),
    [
        (NEW_YORK, local(NEW_YORK, 2026, 3, 6, 16), datetime(2026, 3, 9, 13, tzinfo=UTC)),  # EDT: UTC-4
        (NEW_YORK, local(NEW_YORK, 2026, 10, 30, 16), datetime(2026, 11, 2, 14, tzinfo=UTC)),  # EST: UTC-5
        (BERLIN, local(BERLIN, 2026, 3, 27, 16), datetime(2026, 3, 30, 7, tzinfo=UTC)),  # CEST: UTC+2
        (BERLIN, local(BERLIN, 2026, 10, 23, 16), datetime(2026, 10, 26, 8, tzinfo=UTC)),  # CET: UTC+1
    ],
)
def test_business_hours_over_a_dst_weekend(zone, friday, monday_nine_utc):
    cal = BusinessCalendar.from_config({"timezone": zone.key})
    assert cal.add(friday, timedelta(hours=2)) == monday_nine_utc
    monday = monday_nine_utc.astimezone(zone).replace(hour=0)
    assert cal.elapsed(monday, monday + timedelta(days=1)) == timedelta(hours=9)


@pytest.mark.parametrize(
    ("zone", "sunday", "hours", "length"),
    [
        (NEW_YORK, date(2026, 3, 8), "01:30-03:00", timedelta(minutes=30)),  # 02:00-03:00 does not exist
        (NEW_YORK, date(2026, 3, 8), "02:30-04:00", timedelta(hours=1)),  # opens when the clock jumps to 03:00
        (NEW_YORK, date(2026, 3, 15), "01:30-03:00", timedelta(minutes=90)),
        (NEW_YORK, date(2026, 11, 1), "01:30-03:00", timedelta(hours=2)),  # 01:30-02:00 happens twice
        (BERLIN, date(2026, 3, 29), "01:30-03:00", timedelta(minutes=30)),
        (BERLIN, date(2026, 10, 25), "02:30-04:00", timedelta(hours=2)),  # 02:30-03:00 happens twice
        (BERLIN, date(2026, 11, 1), "02:30-04:00", timedelta(minutes=90)),
    ],
)
def test_a_night_range_on_a_dst_sunday(zone, sunday, hours, length):
    cal = BusinessCalendar.from_config({"timezone": zone.key, "hours": {"sun": [hours]}})
    midnight = datetime(sunday.year, sunday.month, sunday.day, tzinfo=zone)
    assert cal.elapsed(midnight, midnight + timedelta(days=1)) == length
    assert cal.elapsed(midnight, cal.add(midnight, length)) == length


def test_a_range_starting_in_the_spring_gap_opens_when_the_gap_ends():
    cal = calendar(hours={"sun": ["02:30-04:00"]})
    gap_end = datetime(2026, 3, 8, 7, tzinfo=UTC)  # 02:00 EST becomes 03:00 EDT
    assert not cal.is_open(gap_end - timedelta(seconds=1))
    assert cal.is_open(gap_end)
    assert cal.add(local(NEW_YORK, 2026, 3, 7, 12), MINUTE) == gap_end + MINUTE


def test_zero_duration_returns_the_start_even_when_closed():
    saturday = local(NEW_YORK, 2026, 1, 10, 12)
    assert calendar().add(saturday, timedelta(0)) == saturday


def test_elapsed_is_zero_when_the_end_is_not_after_the_start():
    monday = local(NEW_YORK, 2026, 1, 12, 10)
    assert calendar().elapsed(monday, monday - timedelta(hours=1)) == timedelta(0)
    assert calendar().elapsed(monday, monday) == timedelta(0)


def test_a_negative_duration_is_refused():
    with pytest.raises(ValueError, match="negative"):
        calendar().add(local(NEW_YORK, 2026, 1, 12, 10), timedelta(seconds=-1))


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="naive"):
        calendar().add(datetime(2026, 1, 12, 10), timedelta(hours=1))


def test_querying_earlier_years_later_gives_the_same_answers():
    start, duration = local(NEW_YORK, 2021, 6, 1, 10), timedelta(days=40)
    fresh = calendar(country="US")
    warmed = calendar(country="US")
    warmed.add(local(NEW_YORK, 2026, 6, 1, 10), duration)
    assert warmed.add(start, duration) == fresh.add(start, duration)
    assert warmed.elapsed(start, local(NEW_YORK, 2026, 6, 1)) == fresh.elapsed(start, local(NEW_YORK, 2026, 6, 1))


def test_a_duration_of_decades_and_one_past_the_calendar():
    start = local(NEW_YORK, 2026, 1, 5, 8)
    thirty_years = timedelta(hours=30 * 52 * 45)
    assert calendar(country="US").elapsed(start, calendar(country="US").add(start, thirty_years)) == thirty_years
    with pytest.raises(ValueError, match="after the year"):
        calendar().add(start, timedelta(days=10**8))


def test_threads_extending_at_once_agree_with_one_thread():
    starts = [local(NEW_YORK, year, 6, 1, 10) for year in range(2010, 2040)] * 4
    shared = calendar(country="US")
    with ThreadPoolExecutor(max_workers=8) as pool:
        deadlines = list(pool.map(lambda start: shared.add(start, timedelta(days=20)), starts))
    alone = calendar(country="US")
    assert deadlines == [alone.add(start, timedelta(days=20)) for start in starts]


def test_epoch_variants_match_the_datetime_methods():
    cal = calendar()
    start, end = local(NEW_YORK, 2026, 1, 9, 16, 30), local(NEW_YORK, 2026, 1, 12, 9)
    assert cal.add_s(start.timestamp(), 3600) == cal.add(start, timedelta(hours=1)).timestamp()
    assert cal.elapsed_s(start.timestamp(), end.timestamp()) == 5400
    assert cal.is_open_s(end.timestamp())


# --- defaults -------------------------------------------------------------------------------------


@pytest.mark.parametrize("tz_variable", ["Europe/Berlin", ":Europe/Berlin", "/usr/share/zoneinfo/Europe/Berlin"])
@pytest.mark.parametrize("config", [{}, {"timezone": "local"}])
def test_the_default_zone_is_the_machines_by_its_iana_name(monkeypatch, tz_variable, config):
    monkeypatch.setenv("TZ", tz_variable)
    assert BusinessCalendar.from_config(config).tz is BERLIN


def test_a_zone_without_an_iana_name_falls_back_to_the_system_rule(monkeypatch):
    monkeypatch.setenv("TZ", "CET-1CEST")
    assert isinstance(BusinessCalendar.from_config({}).tz, tzlocal)


def test_the_default_hours_are_weekdays_eight_to_five():
    cal = calendar()
    week = [local(NEW_YORK, 2026, 1, day, 12) for day in range(12, 19)]
    assert [cal.is_open(noon) for noon in week] == [True] * 5 + [False] * 2
    assert cal.elapsed(local(NEW_YORK, 2026, 1, 12), local(NEW_YORK, 2026, 1, 19)) == timedelta(hours=45)


@pytest.mark.parametrize(
    ("config", "hours"),
    [
        ({"timezone": "UTC"}, 9),
        ({"timezone": "UTC", "hours": {"mon": ["08:00-12:00", "13:00-17:00"], "tue": ["08:00-17:00"]}}, 8.5),
        ("24x7", 24),
    ],
)
def test_a_business_day_is_the_mean_open_day(config, hours):
    assert BusinessCalendar.from_config(config).business_day_s == hours * 3600


# --- bad configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"hours": {"fry": ["08:00-17:00"]}}, "calendar.hours.fry"),
        ({"hours": {"fri": ["08:00-25:00"]}}, "calendar.hours.fri"),
        ({"hours": {"fri": ["24:00-24:00"]}}, "calendar.hours.fri"),
        ({"hours": {"fri": ["08:60-09:00"]}}, "calendar.hours.fri"),
        ({"hours": {"fri": ["8-17"]}}, "calendar.hours.fri"),
        ({"hours": {"fri": [800]}}, "calendar.hours.fri"),
        ({"hours": {"fri": "08:00-17:00"}}, "calendar.hours.fri"),
        ({"hours": {"fri": ["17:00-08:00"]}}, "calendar.hours.fri"),
        ({"hours": {"fri": ["08:00-08:00"]}}, "calendar.hours.fri"),
        ({"hours": {"fri": ["08:00-12:00", "11:00-13:00"]}}, "calendar.hours.fri"),
        ({"hours": {}}, "calendar.hours"),
        ({"hours": {"mon": [], "tue": []}}, "calendar.hours"),
        ({"hours": "weekdays"}, "calendar.hours"),
        ({"timezone": "Mars/Olympus_Mons"}, "calendar.timezone"),
        ({"timezone": "America"}, "calendar.timezone"),
        ({"timezone": "../etc/passwd"}, "calendar.timezone"),
        ({"timezone": 5}, "calendar.timezone"),
        ({"country": "XX"}, "calendar.country"),
        ({"country": 7}, "calendar.country"),
        ({"holidays": ["2026-13-01"]}, "calendar.holidays"),
        ({"holidays": ["tomorrow"]}, "calendar.holidays"),
        ({"holidays": [20261224]}, "calendar.holidays"),
        ({"holidays": "2026-12-24"}, "calendar.holidays"),
        ({"timezon": "UTC"}, "calendar.timezon"),
        ("always", "calendar"),
    ],
)
def test_bad_config_names_the_key(config, key):
    with pytest.raises(ConfigError) as raised:
        BusinessCalendar.from_config(config)
    assert raised.value.key == key
    assert key in str(raised.value)


def test_touching_ranges_and_midnight_are_fine():
    cal = calendar(hours={"sat": ["00:00-12:00", "12:00-24:00"]})
    assert cal.elapsed(local(NEW_YORK, 2026, 1, 10), local(NEW_YORK, 2026, 1, 11)) == timedelta(hours=24)


# --- properties -----------------------------------------------------------------------------------

CALENDARS = [
    calendar(country="US", hours={**WEEKDAYS_8_TO_5, "mon": ["08:00-12:00", "13:00-17:00"]}),
    BusinessCalendar.from_config(
        {
            "timezone": "Europe/Berlin",
            "country": "DE",
            "hours": {"sun": ["01:30-02:30", "02:45-04:00"], "sat": ["22:00-24:00"], "wed": ["00:00-01:00"]},
        }
    ),
    BusinessCalendar.from_config("24x7"),
]
PRECISION = timedelta(milliseconds=1)  # epoch seconds are floats: exact for whole seconds, near for microseconds

calendars = st.sampled_from(CALENDARS)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
instants = st.integers(
    (datetime(2024, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1),
    (datetime(2028, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1),
).map(lambda microseconds: EPOCH + timedelta(microseconds=microseconds))
durations = st.integers(0, 90 * 24 * 3600 * 10**6).map(lambda microseconds: timedelta(microseconds=microseconds))


@settings(max_examples=300, deadline=None)
@given(calendars, instants, durations)
def test_elapsed_undoes_add(cal, start, duration):
    assert abs(cal.elapsed(start, cal.add(start, duration)) - duration) < PRECISION


@settings(max_examples=200, deadline=None)
@given(calendars, instants, instants, durations, durations)
def test_add_is_monotonic_in_both_arguments(cal, start, other_start, duration, other_duration):
    start, other_start = sorted([start, other_start])
    duration, other_duration = sorted([duration, other_duration])
    assert cal.add(start, duration) <= cal.add(other_start, duration)
    assert cal.add(start, duration) <= cal.add(start, other_duration)
    assert cal.add(start, duration) >= start


@settings(max_examples=200, deadline=None)
@given(calendars, instants, instants, instants)
def test_elapsed_is_additive(cal, first, second, third):
    a, b, c = sorted([first, second, third])
    assert abs(cal.elapsed(a, b) + cal.elapsed(b, c) - cal.elapsed(a, c)) < PRECISION


# --- against a minute-by-minute oracle ------------------------------------------------------------


def oracle_is_open(config, at):
    """Open when the local wall time falls on an open, non-holiday day inside one of its ranges."""
    wall = at.astimezone(ZoneInfo(config["timezone"]))
    day = wall.date()
    if day.isoformat() in config["holidays"] or ("country" in config and day in public_holidays(config["country"])):
        return False
    minute = wall.hour * 60 + wall.minute
    return any(start <= minute < end for start, end in minute_ranges(config["hours"].get(WEEKDAYS[day.weekday()], [])))


@cache
def public_holidays(country):
    return holidays.country_holidays(country)


def minute_ranges(texts):
    """[(480, 1020)] from ["08:00-17:00"]."""
    return [tuple(int(hh_mm[:2]) * 60 + int(hh_mm[3:]) for hh_mm in text.split("-")) for text in texts]


def oracle_elapsed(config, start, end):
    minutes, at = 0, start
    while at < end:
        minutes += oracle_is_open(config, at)
        at += MINUTE
    return minutes * MINUTE


def oracle_add(config, start, minutes):
    at = start
    while minutes:
        minutes -= oracle_is_open(config, at)
        at += MINUTE
    return at


def range_texts(boundaries):
    """["01:30-02:00", ...] from sorted half-hour indexes taken in pairs."""
    times = [f"{b // 2:02d}:{b % 2 * 30:02d}" for b in boundaries]
    return [f"{start}-{end}" for start, end in zip(times[::2], times[1::2])]


def weekly_open_minutes(hours):
    return sum(end - start for texts in hours.values() for start, end in minute_ranges(texts))


day_ranges = st.lists(st.integers(0, 48), max_size=6, unique=True).map(sorted).map(range_texts)
week_hours = st.fixed_dictionaries({day: day_ranges for day in WEEKDAYS}).filter(lambda hours: any(hours.values()))


@st.composite
def oracle_configs(draw):
    zone, country = draw(st.sampled_from([("America/New_York", "US"), ("Europe/Berlin", "DE")]))
    config = {
        "timezone": zone,
        "hours": draw(week_hours),
        "holidays": draw(st.sampled_from([[], ["2026-12-24", "2026-12-31"]])),
    }
    if draw(st.booleans()):
        config["country"] = country
    return config


# The days around 2026's DST changes (US: 8 Mar, 1 Nov; EU: 29 Mar, 25 Oct), Christmas, and an ordinary week.
HOT_SPOTS = [
    datetime(2026, month, day, 6, tzinfo=UTC) for month, day in [(3, 8), (11, 1), (3, 29), (10, 25), (12, 25), (6, 10)]
]
near_hot_spots = st.builds(
    lambda spot, minutes: spot + minutes * MINUTE, st.sampled_from(HOT_SPOTS), st.integers(-4 * 24 * 60, 2 * 24 * 60)
)


@settings(max_examples=100, deadline=None)
@given(oracle_configs(), near_hot_spots, st.integers(0, 2 * 24 * 60))
def test_elapsed_matches_the_oracle(config, start, span_minutes):
    end = start + span_minutes * MINUTE
    assert BusinessCalendar.from_config(config).elapsed(start, end) == oracle_elapsed(config, start, end)


@settings(max_examples=100, deadline=None)
@given(oracle_configs(), near_hot_spots, st.integers(1, 600))
def test_add_matches_the_oracle(config, start, minutes):
    # Keep the oracle's walk to about a week, whatever the drawn hours.
    minutes = min(minutes, weekly_open_minutes(config["hours"]))
    assert BusinessCalendar.from_config(config).add(start, minutes * MINUTE) == oracle_add(config, start, minutes)
