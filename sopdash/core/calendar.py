"""The business calendar: when the help desk is open, and SLA arithmetic in business time.

Open time is precomputed, by UTC years and only for the years queries reach, into sorted windows of UTC
epoch seconds with cumulative business seconds, so `elapsed` is F(end) - F(start) and `add` inverts F,
both by bisection: the cost does not grow with the duration.

An instant is open when its local wall time, in the calendar's zone, falls on an open day and inside
one of that day's ranges. Across DST this makes a range shorter on the spring-forward day (a bound in the
gap starts at the instant after the gap) and longer on the fall-back day (a repeated hour that lies
inside the range counts twice).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta, timezone, tzinfo
from math import ceil
from threading import Lock
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule, rruleset
from dateutil.tz import tzlocal

from sopdash.core.errors import ConfigError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS = {day: ["08:00-17:00"] for day in WEEKDAYS[:5]}

_DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_RANGE = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_CONFIG_KEYS = {"timezone", "hours", "holidays", "country"}

Ranges = tuple[tuple[int, int], ...]  # (start, end) in seconds after local midnight
Window = tuple[float, float]  # [start, end) in UTC epoch seconds


class BusinessCalendar:
    """Open hours in one time zone, with SLA arithmetic in business time."""

    def __init__(
        self,
        tz: tzinfo,
        hours: Mapping[int, Ranges],
        holidays: frozenset[date] = frozenset(),
        country: str | None = None,
        *,
        is_24x7: bool = False,
    ) -> None:
        self.tz = tz
        self.is_24x7 = is_24x7
        self._hours = {weekday: ranges for weekday, ranges in hours.items() if ranges}
        if not (is_24x7 or self._hours):
            raise ValueError("a business calendar needs open hours on some day")
        # Nominal, ignoring DST and holidays: what "1d" of business time means in SLA targets.
        self.business_day_s = 86_400.0 if is_24x7 else _mean_open_day_s(self._hours)
        self._holidays = holidays
        self._country_code = country
        self._country = _country_holidays(country) if country else None
        self._table = _Windows.empty(MINYEAR)
        self._extending = Lock()

    @classmethod
    def always_open(cls, tz: tzinfo | None = None) -> BusinessCalendar:
        """The around-the-clock calendar, showing times in `tz` (default: the machine's zone)."""
        return cls(tz or local_zone(), {}, is_24x7=True)

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | str) -> BusinessCalendar:
        """Build a calendar from the `[calendar]` config table, or from "24x7"."""
        if config == "24x7":
            return cls.always_open()
        if not isinstance(config, Mapping):
            raise ConfigError("calendar", 'expected a table or "24x7"')
        unknown = sorted(config.keys() - _CONFIG_KEYS)
        if unknown:
            raise ConfigError(f"calendar.{unknown[0]}", f"unknown key (known: {', '.join(sorted(_CONFIG_KEYS))})")
        return cls(
            _parse_zone(config.get("timezone", "local")),
            _parse_hours(config.get("hours", DEFAULT_HOURS)),
            _parse_holidays(config.get("holidays", [])),
            _parse_country(config.get("country")),
        )

    def identity(self) -> dict[str, Any] | None:
        """Everything that decides what the calendar counts, as plain values that compare across processes (holidays
        sorted, the zone by its IANA name, the holiday tables' release); None for a zone without an IANA name."""
        zone = getattr(self.tz, "key", None)
        if zone is None:
            return None
        country = None
        if self._country_code:
            import holidays  # imported already: the calendar holds its tables

            country = [self._country_code, holidays.__version__]
        return {
            "tz": zone,
            "24x7": self.is_24x7,
            "hours": sorted(self._hours.items()),
            "holidays": sorted(day.isoformat() for day in self._holidays),
            "country": country,
        }

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant (UTC) at which `duration` of business time after `start` has passed."""
        deadline = self.add_s(_epoch(start), duration.total_seconds())
        return datetime.fromtimestamp(deadline, timezone.utc)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two instants; zero when `end` is not after `start`."""
        return timedelta(seconds=self.elapsed_s(_epoch(start), _epoch(end)))

    def is_open(self, at: datetime) -> bool:
        """Whether the desk is open at the instant `at`."""
        return self.is_open_s(_epoch(at))

    def add_s(self, start: float, seconds: float) -> float:
        """`add` on UTC epoch seconds."""
        if seconds < 0:
            raise ValueError(f"cannot add a negative business duration ({seconds} s)")
        if seconds == 0:
            return start
        return self.instant_s(self.count_s(start) + seconds)

    def elapsed_s(self, start: float, end: float) -> float:
        """`elapsed` on UTC epoch seconds."""
        if end <= start:
            return 0.0
        return self.count_s(end) - self.count_s(start)

    def count_s(self, at: float) -> float:
        """Business seconds up to the instant `at` (epoch seconds), from an origin fixed for the calendar's life.

        Business time between two instants is the difference of their counts: a caller that measures
        several spans from one instant counts it once.
        """
        if self.is_24x7:
            return at
        table = self._table
        if not table.lo <= at < table.hi:
            table = self._cover(at)
        starts = table.starts
        i = bisect_right(starts, at) - 1
        if i < 0:
            return table.cum_lo
        end = table.ends[i]
        # A conditional, not min(): this is the hot path and a builtin call costs a tenth of it.
        return table.cums[i] + ((at if at < end else end) - starts[i])

    def instant_s(self, count: float) -> float:
        """The first instant whose count reaches `count`: `add_s(start, s)` is `instant_s(count_s(start) + s)`, s > 0."""
        if self.is_24x7:
            return count
        table = self._table
        if count > table.cum_hi:
            table = self._cover_count(count)
        # bisect_left: a deadline at a window's end stays there rather than moving to the next opening.
        i = bisect_left(table.cum_ends, count)
        return table.starts[i] + (count - table.cums[i])

    def is_open_s(self, at: float) -> bool:
        """`is_open` on UTC epoch seconds."""
        if self.is_24x7:
            return True
        table = self._table
        if not table.lo <= at < table.hi:
            table = self._cover(at)
        i = bisect_right(table.starts, at) - 1
        return i >= 0 and at < table.ends[i]

    def open_spans_s(self, start: float, end: float) -> list[Window]:
        """The open windows within [start, end) (epoch seconds), clipped to it: what `elapsed_s` counts there."""
        if end <= start:
            return []
        if self.is_24x7:
            return [(start, end)]
        self._cover(start)
        table = self._cover(end)
        first = max(bisect_right(table.starts, start) - 1, 0)
        last = bisect_left(table.starts, end)
        return [
            (max(s, start), min(e, end))
            for s, e in zip(table.starts[first:last], table.ends[first:last])
            if max(s, start) < min(e, end)
        ]

    def holidays_between_s(self, start: float, end: float) -> list[date]:
        """The holidays (named or the country's) whose local day, an open weekday, meets [start, end)."""
        if self.is_24x7 or end <= start:
            return []
        first = datetime.fromtimestamp(start, self.tz).date()
        last = datetime.fromtimestamp(end, self.tz).date()
        return sorted(day for day in set(self._holidays_between(first, last)) if day.weekday() in self._hours)

    def hours_text(self) -> str:
        """The open hours as people write them, e.g. `mon-fri 08:00-17:00`, or `24x7`."""
        if self.is_24x7:
            return "24x7"
        runs: list[tuple[list[int], Ranges]] = []
        for weekday in sorted(self._hours):
            if runs and runs[-1][1] == self._hours[weekday] and runs[-1][0][-1] == weekday - 1:
                runs[-1][0].append(weekday)
            else:
                runs.append(([weekday], self._hours[weekday]))
        return ", ".join(f"{_day_run(days)} {' '.join(map(_range_text, ranges))}" for days, ranges in runs)

    def _cover(self, at: float) -> _Windows:
        year = datetime.fromtimestamp(at, timezone.utc).year
        return self._cover_years(year, year + 1)

    def _cover_count(self, target: float) -> _Windows:
        """A table reaching `target` business seconds, extended forward in as few steps as the rate allows."""
        table = self._table
        while target > table.cum_hi:
            per_year = (table.cum_hi - table.cum_lo) / len(table.years)
            missing = ceil((target - table.cum_hi) / per_year) if per_year else 1
            if table.years.stop + missing >= MAXYEAR:
                raise ValueError(f"the deadline would fall after the year {MAXYEAR - 1}")
            table = self._cover_years(table.years.stop, table.years.stop + missing)
        return table

    def _cover_years(self, first: int, stop: int) -> _Windows:
        # Tables only grow, one writer at a time, and are swapped in whole: a reader in another thread
        # sees either the old table or the new one, and counts from both share one origin.
        with self._extending:
            table = self._table
            if not table.years:
                table = _Windows.empty(first)
            old = table.years
            first, stop = min(first, old.start), max(stop, old.stop)
            if (first, stop) != (old.start, old.stop):
                before = [window for year in range(first, old.start) for window in self._windows(year)]
                after = [window for year in range(old.stop, stop) for window in self._windows(year)]
                table = table.extended(range(first, stop), before, after)
                self._table = table
            return table

    def _windows(self, year: int) -> list[Window]:
        """Open spans [start, end) in UTC epoch seconds within UTC `year`, sorted."""
        if not MINYEAR < year < MAXYEAR:
            raise ValueError(f"year {year} is outside the range the business calendar handles")
        lo, hi = _year_start(year), _year_start(year + 1)
        # Local days one either side of the UTC year, since zone offsets reach about a day.
        first, last = date(year - 1, 12, 31), date(year + 1, 1, 1)
        pieces = _offset_pieces(lo - 2 * _DAY, hi + 2 * _DAY, self.tz)
        windows = []
        for day in self._open_days(first, last):
            midnight = (day.toordinal() - _EPOCH_ORDINAL) * _DAY  # local midnight as if the zone were UTC
            for range_start, range_end in self._hours[day.weekday()]:
                # Map the range through every offset in force: a skipped hour then yields nothing and a
                # repeated hour yields a second span, so DST needs no special case.
                for piece_start, piece_end, offset in pieces:
                    start = max(lo, piece_start, midnight + range_start - offset)
                    end = min(hi, piece_end, midnight + range_end - offset)
                    if start < end:
                        windows.append((float(start), float(end)))
        # On a fall-back day the pieces of neighbouring ranges interleave.
        return sorted(windows)

    def _open_days(self, first: date, last: date) -> list[date]:
        days = rruleset()
        days.rrule(rrule(WEEKLY, byweekday=list(self._hours), dtstart=_midnight(first), until=_midnight(last)))
        for holiday in self._holidays_between(first, last):
            days.exdate(_midnight(holiday))
        return [day.date() for day in days]

    def _holidays_between(self, first: date, last: date) -> list[date]:
        explicit = [day for day in self._holidays if first <= day <= last]
        if self._country is None:
            return explicit
        return explicit + self._country[first : last + timedelta(days=1)]


@dataclass(frozen=True, slots=True)
class _Windows:
    """Open windows of the UTC years `years` as parallel sorted lists; replaced whole, never changed.

    All floats, though whole seconds: bisecting a float query among ints is slower (bench/bench_calendar.py).
    """

    years: range
    lo: float  # the covered UTC span is [lo, hi)
    hi: float
    cum_lo: float  # business seconds counted at lo and at hi
    cum_hi: float
    starts: list[float]
    ends: list[float]
    cums: list[float]  # business seconds counted at each window's start
    cum_ends: list[float]  # ... and at its end

    @classmethod
    def empty(cls, year: int) -> _Windows:
        start = float(_year_start(year))
        return cls(range(year, year), start, start, 0.0, 0.0, [], [], [], [])

    def extended(self, years: range, before: list[Window], after: list[Window]) -> _Windows:
        """This table with windows added on both sides; counts already handed out keep their values."""
        cum_lo = self.cum_lo - sum(end - start for start, end in before)
        cums_before, cum_ends_before = _running_counts(before, cum_lo)
        cums_after, cum_ends_after = _running_counts(after, self.cum_hi)
        return _Windows(
            years,
            float(_year_start(years.start)),
            float(_year_start(years.stop)),
            cum_lo,
            cum_ends_after[-1] if after else self.cum_hi,
            [start for start, _ in before] + self.starts + [start for start, _ in after],
            [end for _, end in before] + self.ends + [end for _, end in after],
            cums_before + self.cums + cums_after,
            cum_ends_before + self.cum_ends + cum_ends_after,
        )


def _running_counts(windows: list[Window], count: float) -> tuple[list[float], list[float]]:
    """Business seconds counted at the start and at the end of each window, from `count` on."""
    at_starts, at_ends = [], []
    for start, end in windows:
        at_starts.append(count)
        count += end - start
        at_ends.append(count)
    return at_starts, at_ends


def _day_run(days: list[int]) -> str:
    return WEEKDAYS[days[0]] if len(days) == 1 else f"{WEEKDAYS[days[0]]}-{WEEKDAYS[days[-1]]}"


def _range_text(span: tuple[int, int]) -> str:
    (start_h, start_m), (end_h, end_m) = divmod(span[0] // 60, 60), divmod(span[1] // 60, 60)
    return f"{start_h:02d}:{start_m:02d}-{end_h:02d}:{end_m:02d}"


def _mean_open_day_s(hours: Mapping[int, Ranges]) -> float:
    return sum(end - start for ranges in hours.values() for start, end in ranges) / len(hours)


def local_zone() -> tzinfo:
    """The machine's time zone, as an IANA zone when its name can be found."""
    name = _iana_name(os.environ.get("TZ", "").lstrip(":") or os.path.realpath("/etc/localtime"))
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # e.g. no /etc/localtime link, or a POSIX TZ rule string
        return tzlocal()


def _iana_name(name_or_path: str) -> str:
    """`Europe/Berlin` from itself or from a path like `/usr/share/zoneinfo/Europe/Berlin`."""
    return name_or_path.rpartition("zoneinfo/")[2]


def _epoch(at: datetime) -> float:
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at}: business time needs an aware datetime")
    return at.timestamp()


def _year_start(year: int) -> int:
    return (date(year, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _offset(at: int, tz: tzinfo) -> int:
    offset = datetime.fromtimestamp(at, tz).utcoffset()
    assert offset is not None  # a tzinfo from _parse_zone or local_zone always has an offset
    return int(offset.total_seconds())


def _offset_pieces(first: int, last: int, tz: tzinfo) -> list[tuple[int, int, int]]:
    """Split UTC seconds [first, last) into spans (start, end, offset) of constant UTC offset.

    Probes once a day, so it assumes the offset changes at most once a day, which holds for IANA zones.
    """
    pieces = []
    start, offset = first, _offset(first, tz)
    previous = first
    for probe in [*range(first + _DAY, last, _DAY), last]:
        if _offset(probe, tz) != offset:
            change = _first_change(previous, probe, offset, tz)
            pieces.append((start, change, offset))
            start, offset = change, _offset(change, tz)
        previous = probe
    pieces.append((start, last, offset))
    return pieces


def _first_change(lo: int, hi: int, offset: int, tz: tzinfo) -> int:
    """The first second in (lo, hi] whose UTC offset is not `offset`, given lo has it and hi has not."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset(mid, tz) == offset:
            lo = mid
        else:
            hi = mid
    return hi


def _parse_zone(name: Any) -> tzinfo:
    if name == "local":
        return local_zone()
    if not isinstance(name, str):
        raise ConfigError("calendar.timezone", f"expected a zone name like 'Europe/Berlin', got {name!r}")
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        raise ConfigError("calendar.timezone", f"unknown time zone {name!r}") from None


def _parse_hours(hours: Any) -> dict[int, Ranges]:
    if not isinstance(hours, Mapping):
        raise ConfigError("calendar.hours", 'expected a table like {mon = ["08:00-17:00"]}')
    parsed = {}
    for day, ranges in hours.items():
        if day not in WEEKDAYS:
            raise ConfigError(f"calendar.hours.{day}", f"unknown weekday (use {', '.join(WEEKDAYS)})")
        parsed[WEEKDAYS.index(day)] = _parse_ranges(f"calendar.hours.{day}", ranges)
    if not any(parsed.values()):
        raise ConfigError("calendar.hours", "no open hours on any day")
    return parsed


def _parse_ranges(key: str, ranges: Any) -> Ranges:
    if not isinstance(ranges, list):
        raise ConfigError(key, 'expected a list of ranges like ["08:00-12:00", "13:00-17:00"]')
    parsed = sorted(_parse_range(key, text) for text in ranges)
    for (_, earlier_end), (later_start, _) in zip(parsed, parsed[1:]):
        if later_start < earlier_end:
            raise ConfigError(key, "ranges overlap")
    return tuple(parsed)


def _parse_range(key: str, text: Any) -> tuple[int, int]:
    match = _RANGE.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ConfigError(key, f"{text!r} is not a range like '08:00-17:00'")
    start_h, start_m, end_h, end_m = map(int, match.groups())
    if start_h > 23 or start_m > 59 or end_m > 59 or end_h > 24 or (end_h == 24 and end_m):
        raise ConfigError(key, f"{text!r} has a time outside 00:00-24:00")
    start, end = start_h * 3600 + start_m * 60, end_h * 3600 + end_m * 60
    if end <= start:
        raise ConfigError(key, f"{text!r} ends before it starts (ranges cannot cross midnight)")
    return start, end


def _parse_holidays(days: Any) -> frozenset[date]:
    if not isinstance(days, list):
        raise ConfigError("calendar.holidays", 'expected a list of dates like ["2026-12-24"]')
    return frozenset(_parse_date(day) for day in days)


def _parse_date(day: Any) -> date:
    # TOML turns a bare 2026-12-24 into a date; quoted, it stays a string.
    if isinstance(day, date) and not isinstance(day, datetime):
        return day
    try:
        return date.fromisoformat(day)
    except (TypeError, ValueError):
        raise ConfigError("calendar.holidays", f"{day!r} is not a date like '2026-12-24'") from None


def _parse_country(code: Any) -> str | None:
    if code is None:
        return None
    name = code.upper() if isinstance(code, str) else code
    try:
        _country_holidays(name)
    except (NotImplementedError, AttributeError, TypeError):
        raise ConfigError("calendar.country", f"no public holidays known for country {code!r}") from None
    return name


def _country_holidays(code: str) -> Any:
    # Imported here: `holidays` costs ~70 ms to import and most calendars name no country.
    import holidays

    return holidays.country_holidays(code)
