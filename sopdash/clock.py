"""Where "now" comes from: the system clock, or a fixed instant from SOPDASH_NOW (tests, what-if questions)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable, Mapping

from sopdash.core.limits import check_time
from sopdash.core.model import parse_time

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(timezone.utc)


def fixed_clock(instant: datetime) -> Clock:
    """A clock that always reads `instant`."""
    return lambda: instant


def clock_from_env(env: Mapping[str, str]) -> Clock:
    """SOPDASH_NOW (ISO 8601) fixes the clock; otherwise the system clock."""
    value = env.get("SOPDASH_NOW")
    return fixed_clock(check_time(parse_time(value, "SOPDASH_NOW"), "SOPDASH_NOW")) if value else system_clock
