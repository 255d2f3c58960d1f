"""Where "now" comes from: the system clock, or, for a read-only what-if question, a fixed instant from SOPDASH_NOW.

A write is always stamped with the system clock: SOPDASH_NOW may ask how the queue looks at another time, but
never records an action at one (README: "The command line"). Tests fix the time of writes in-process, by
giving the `Desk` a clock or by moving the system clock (time-machine), which no shell variable can do.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable, Mapping

from sopdash.core.errors import InputError
from sopdash.core.limits import check_time
from sopdash.core.model import parse_time

Clock = Callable[[], datetime]

WHAT_IF = "SOPDASH_NOW"
WHAT_IF_REFUSAL = f"{WHAT_IF} is for read-only questions (ticket list, ticket show, report); unset it to act"


def system_clock() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(timezone.utc)


def fixed_clock(instant: datetime) -> Clock:
    """A clock that always reads `instant`."""
    return lambda: instant


def clock_from_env(env: Mapping[str, str]) -> Clock:
    """The clock a read goes by: SOPDASH_NOW (ISO 8601) fixes it; otherwise the system clock."""
    value = env.get(WHAT_IF)
    return fixed_clock(check_time(parse_time(value, WHAT_IF), WHAT_IF)) if value else system_clock


def write_clock(env: Mapping[str, str]) -> Clock:
    """The clock a write is stamped with: the system clock, or while SOPDASH_NOW is set one that refuses to be read."""
    return refusing_clock if env.get(WHAT_IF) else system_clock


def refusing_clock() -> datetime:
    """No time to stamp a write with: InputError (exit 2) saying why."""
    raise InputError(WHAT_IF_REFUSAL)


def refuse_what_if(env: Mapping[str, str]) -> None:
    """InputError (exit 2) if SOPDASH_NOW is set: for a command that writes, before it reads or writes anything."""
    if env.get(WHAT_IF):
        raise InputError(WHAT_IF_REFUSAL)
