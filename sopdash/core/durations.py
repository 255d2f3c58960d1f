"""Durations as people write them (`30m`, `4h`, `1h30m`, `3d`) and the one place that formats a countdown."""

from __future__ import annotations

import re

from sopdash.core.errors import InputError

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([dhms])")
_UNIT_S = {"h": 3600, "m": 60, "s": 1}


def parse_duration(text: str, day_s: float = 86400, what: str = "duration") -> int:
    """Seconds in `text`; `d` counts days of `day_s` seconds (a business day for a business calendar)."""
    cleaned = str(text).strip().lower().replace(" ", "")
    if not cleaned or _PART.sub("", cleaned):
        raise InputError(f"{what}: {text!r} is not a duration like 30m, 4h, 1h30m or 3d")
    seconds = sum(float(n) * (day_s if unit == "d" else _UNIT_S[unit]) for n, unit in _PART.findall(cleaned))
    if seconds <= 0:
        raise InputError(f"{what}: {text!r} must be longer than zero")
    if seconds == float("inf"):
        raise InputError(f"{what}: {text!r} is too long to count")
    return round(seconds)


def format_countdown(seconds: float) -> str:
    """`2h14m`, `45m`, `40s`, `3d2h`, or `-35m` once late; minutes are rounded towards the deadline, and under a
    minute the seconds show (a 40-second breach is over by `40s`, not `0m`)."""
    sign = "-" if seconds < 0 else ""
    if abs(seconds) < 60:
        return f"{sign}{abs(int(seconds))}s"
    # Whole minutes, counted towards the deadline: 59 s left reads 0m, 1 s late reads -1m.
    minutes = -int(seconds // 60) if seconds < 0 else int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days}d{hours}h"
    if hours:
        return f"{sign}{hours}h{mins:02d}m"
    return f"{sign}{mins}m"
