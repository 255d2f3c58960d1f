"""Whether mail intake works: when each way in (pipe, Maildir, IMAP) last took mail, and since when it has been
failing and why, so a stopped intake raises its hand instead of going unnoticed for days."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

import msgspec

from sopdash.core.text import one_line

SOURCES = ("imap", "maildir", "pipe")
QUIET_S = 60.0  # a working intake rewrites its record at most this often


class IntakeHealth(msgspec.Struct, frozen=True, kw_only=True):
    """One way in: its last success, and since when it fails (None: it works) with the last reason."""

    source: str
    last_success: datetime | None = None
    failing_since: datetime | None = None
    reason: str = ""

    @property
    def failing(self) -> bool:
        return self.failing_since is not None


def succeeded(health: IntakeHealth | None, source: str, now: datetime) -> IntakeHealth | None:
    """The record after a success; None when the one kept is recent and clean enough to leave as it is."""
    if health is not None and not health.failing and health.last_success is not None:
        if timedelta(0) <= now - health.last_success < timedelta(seconds=QUIET_S):
            return None
    return IntakeHealth(source=source, last_success=now)


def failed(health: IntakeHealth | None, source: str, now: datetime, reason: str) -> IntakeHealth:
    """The record after a failure: failing since the first failure in a row, with the latest reason."""
    since = health.failing_since if health is not None and health.failing_since is not None else now
    last = health.last_success if health is not None else None
    return IntakeHealth(source=source, last_success=last, failing_since=since, reason=one_line(reason, 300))


def alarm(healths: list[IntakeHealth], now: datetime, tz: tzinfo) -> str:
    """"mail intake failing since 09:12: <reason>" for the longest-failing way in; "" when none fails."""
    failing = sorted((h for h in healths if h.failing_since is not None), key=lambda h: h.failing_since)
    if not failing:
        return ""
    first = failing[0]
    return f"mail intake ({first.source}) failing since {when(first.failing_since, now, tz)}: {first.reason}"


def status_line(health: IntakeHealth, now: datetime, tz: tzinfo) -> str:
    """One line for `check`: working with its last success, or failing since when and why."""
    last = f"last took mail {when(health.last_success, now, tz)}" if health.last_success else "never took mail"
    if health.failing_since is None:
        return f"mail intake ({health.source}): working, {last}"
    return f"mail intake ({health.source}) failing since {when(health.failing_since, now, tz)} ({last}): {health.reason}"


def when(at: datetime | None, now: datetime, tz: tzinfo) -> str:
    """09:12 today, else 2026-12-05 09:12, in the desk's zone."""
    if at is None:
        return "never"
    local, today = at.astimezone(tz), now.astimezone(tz)
    return f"{local:%H:%M}" if local.date() == today.date() else f"{local:%Y-%m-%d %H:%M}"
