"""Intake's health kept with the store: one small record per way in (`intake/<source>.health.json` among the kept
files: beside a store file, or in PostgreSQL's `sopdash.kept_files`), written by whoever takes mail in and read by
the dashboard's header, `check` and the breach alerts."""

from __future__ import annotations

from datetime import datetime, tzinfo

import msgspec

from sopdash.core.errors import SopdashError
from sopdash.core.intake_health import SOURCES, IntakeHealth, alarm, failed, status_line, succeeded
from sopdash.desk.actions import Desk
from sopdash.desk.quarantine import Kept

_DECODER = msgspec.json.Decoder(IntakeHealth)


def record_success(kept: Kept, source: str, now: datetime) -> None:
    """This way in took mail now (written at most once a minute while it keeps working)."""
    changed = succeeded(read(kept, source), source, now)
    if changed is not None:
        _write(kept, changed)


def record_failure(kept: Kept, source: str, now: datetime, reason: str) -> None:
    """This way in failed now, for this reason."""
    _write(kept, failed(read(kept, source), source, now, reason))


def read(kept: Kept, source: str) -> IntakeHealth | None:
    """The record of one way in; None when it never ran (or its record cannot be read)."""
    try:
        data = kept.find(_name(source))
        return _DECODER.decode(data) if data else None
    except (SopdashError, msgspec.DecodeError, OSError):
        return None


def healths(kept: Kept) -> list[IntakeHealth]:
    """The record of every way in that ever ran."""
    return [h for h in (read(kept, source) for source in SOURCES) if h is not None]


def intake_alarm(desk: Desk) -> str:
    """The dashboard's and the breach alerts' line when intake fails ("" when it works)."""
    return alarm(healths(desk.store.kept_files()), desk.clock(), desk.policy.calendar.tz)


def check_lines(kept: Kept, now: datetime, tz: tzinfo) -> list[str]:
    """`sopdash check`'s lines on intake: a warning per failing way in, a note per working one."""
    return [("warning: " if h.failing else "") + status_line(h, now, tz) for h in healths(kept)]


def _write(kept: Kept, health: IntakeHealth) -> None:
    try:
        kept.keep(_name(health.source), msgspec.json.encode(health), durable=False)
    except (SopdashError, OSError):
        pass  # the health record is a report on intake: failing to write it never stops intake


def _name(source: str) -> str:
    return f"intake/{source}.health.json"
