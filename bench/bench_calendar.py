"""How long the business calendar's `add` and `elapsed` take, against a naive per-minute stepper in the same run.

Run: .venv/bin/python bench/bench_calendar.py   (the app needs two clocks for 50,000 tickets in 0.5 s)
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays

from sopdash.core.calendar import WEEKDAYS, BusinessCalendar

COUNT = 50_000
NAIVE_SAMPLE = 100
CONFIG = {
    "timezone": "America/New_York",
    "country": "US",
    "hours": {day: ["08:00-12:00", "13:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
}
TARGETS_H = [0.5, 1, 4, 8, 24, 40]  # the SLA table's acknowledge and resolve targets, in business hours
YEAR_START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def make_cases(count: int, seed: int = 1) -> list[tuple[float, float, float]]:
    """(start, business seconds to add, a later 'now') in epoch seconds, on whole minutes over 2026."""
    rng = random.Random(seed)
    origin = YEAR_START.timestamp()
    cases = []
    for _ in range(count):
        start = origin + rng.randrange(365 * 1440) * 60
        cases.append((start, rng.choice(TARGETS_H) * 3600, start + rng.randrange(14 * 1440) * 60))
    return cases


ZONE = ZoneInfo(CONFIG["timezone"])
PUBLIC_HOLIDAYS = holidays.country_holidays(CONFIG["country"])


def minute_of_day(hh_mm: str) -> int:
    return int(hh_mm[:2]) * 60 + int(hh_mm[3:])


OPEN_MINUTES = {  # weekday -> ranges of open minutes after local midnight
    WEEKDAYS.index(day): [range(*map(minute_of_day, text.split("-"))) for text in texts]
    for day, texts in CONFIG["hours"].items()
}


def naive_is_open(at: datetime) -> bool:
    wall = at.astimezone(ZONE)
    minute = wall.hour * 60 + wall.minute
    return wall.date() not in PUBLIC_HOLIDAYS and any(minute in hours for hours in OPEN_MINUTES.get(wall.weekday(), []))


def naive_add(start: datetime, seconds: float) -> datetime:
    """The deadline found one minute at a time: the slow, obvious way."""
    minutes, at = int(seconds // 60), start
    while minutes:
        minutes -= naive_is_open(at)
        at += timedelta(minutes=1)
    return at


def naive_elapsed(start: datetime, end: datetime) -> timedelta:
    minutes, at = 0, start
    while at < end:
        minutes += naive_is_open(at)
        at += timedelta(minutes=1)
    return timedelta(minutes=minutes)


def utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def timed(run) -> tuple[float, list]:
    """How long `run` took, in seconds, and what it returned."""
    started = time.perf_counter()
    results = run()
    return time.perf_counter() - started, results


def main() -> None:
    cal = BusinessCalendar.from_config(CONFIG)
    cases = make_cases(COUNT)
    as_datetimes = [(utc(start), timedelta(seconds=seconds), utc(now)) for start, seconds, now in cases]
    warm_up, _ = timed(lambda: [(cal.add_s(start, s), cal.elapsed_s(start, now)) for start, s, now in cases[:1000]])

    add_s, _ = timed(lambda: [cal.add_s(start, seconds) for start, seconds, _ in cases])
    elapsed_s, _ = timed(lambda: [cal.elapsed_s(start, now) for start, _, now in cases])
    add, deadlines = timed(lambda: [cal.add(start, duration) for start, duration, _ in as_datetimes])
    elapsed, used = timed(lambda: [cal.elapsed(start, now) for start, _, now in as_datetimes])
    sample = as_datetimes[:NAIVE_SAMPLE]
    naive_add_total, naive_deadlines = timed(lambda: [naive_add(start, d.total_seconds()) for start, d, _ in sample])
    naive_elapsed_total, naive_used = timed(lambda: [naive_elapsed(start, now) for start, _, now in sample])
    naive_results, real_results = naive_deadlines + naive_used, deadlines[:NAIVE_SAMPLE] + used[:NAIVE_SAMPLE]
    agreeing = sum(naive == real for naive, real in zip(naive_results, real_results))

    def per_10k(total: float, count: int = COUNT) -> str:
        return f"{total / count * 10_000 * 1000:8.2f} ms per 10,000"

    print(f"{COUNT} tickets over 2026, {CONFIG['timezone']}, US holidays, lunch break")
    print(f"warm-up (1,000 tickets, precomputes the year): {warm_up * 1000:.1f} ms")
    print(f"add_s      {per_10k(add_s)}")
    print(f"elapsed_s  {per_10k(elapsed_s)}")
    print(f"add        {per_10k(add)}   (datetime in and out)")
    print(f"elapsed    {per_10k(elapsed)}   (datetime in and out)")
    both = add_s + elapsed_s
    print(f"add_s + elapsed_s for {COUNT} tickets: {both * 1000:.0f} ms; two clocks of both: {2 * both * 1000:.0f} ms")
    print(f"naive add     {per_10k(naive_add_total, NAIVE_SAMPLE)}   ({NAIVE_SAMPLE} sampled)")
    print(f"naive elapsed {per_10k(naive_elapsed_total, NAIVE_SAMPLE)}   ({NAIVE_SAMPLE} sampled)")
    print(f"naive and real agree on {agreeing} of {2 * NAIVE_SAMPLE} sampled results")
    add_ratio = (naive_add_total / NAIVE_SAMPLE) / (add / COUNT)
    elapsed_ratio = (naive_elapsed_total / NAIVE_SAMPLE) / (elapsed / COUNT)
    print(f"ratio naive/real per operation (datetime API): add {add_ratio:,.0f}x, elapsed {elapsed_ratio:,.0f}x")


if __name__ == "__main__":
    main()
