"""The archive's layout: which closed tickets leave the live file, and which month file each goes to.

Closed tickets older than `store.archive_after` live in `<store>.archive/YYYY-MM.json`, one TinyDB file per
closing month (UTC). A ticket's month is that of its closing, or of its creation if that is later (an
imported ticket can say it closed before it was opened): a ticket created in or after a month is never in an
earlier month's file, which is what lets a report over a period read only the months from its start on.
"""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import msgspec

from sopdash.store.storage import access_error

ARCHIVE_AFTER = timedelta(days=14)
ARCHIVE_BATCH = timedelta(days=1)
"""Tickets leave the live file once the oldest due one is a day overdue, so moves come a day's worth at a time:
a move reads and rewrites a whole month file, which no single write should pay for one ticket."""


def archive_directory(store_path: Path) -> Path:
    """`tickets.archive/` beside `tickets.json`."""
    return store_path.with_suffix(".archive")


def month_path(store_path: Path, month: str) -> Path:
    """The archive file of one month ("2026-03")."""
    return archive_directory(store_path) / f"{month}.json"


def month_of(moment: datetime) -> str:
    """The archive month ("2026-03") that holds tickets closed at moment."""
    return f"{moment.astimezone(timezone.utc):%Y-%m}"


def archived_at(created_at: datetime, closed_at: datetime | None) -> datetime:
    """When a closed ticket counts as closed for the archive: its closing, or its creation if that is later."""
    return created_at if closed_at is None else max(created_at, closed_at)


class _Closing(msgspec.Struct):
    """The fields of a stored ticket that say whether it is due for the archive; the rest is skipped unread."""

    status: Any = None
    created_at: Any = None
    closed_at: Any = None


_CLOSING = msgspec.json.Decoder(_Closing)


def doc_archived_at(doc: msgspec.Raw) -> datetime | None:
    """archived_at of a stored ticket document, None if the ticket is not closed (or its times cannot be read)."""
    try:
        fields = _CLOSING.decode(doc)
        if fields.status != "closed":
            return None
        created = _utc(datetime.fromisoformat(fields.created_at))
        closed = _utc(datetime.fromisoformat(fields.closed_at)) if fields.closed_at else None
    except (msgspec.DecodeError, TypeError, ValueError):
        return None  # an invalid ticket stays where it is; `sopdash check` names it
    return archived_at(created, closed)


def _utc(moment: datetime) -> datetime:
    """A stored time without an offset is UTC, as the model reads it."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def due_for_archive(
    docs: dict[str, msgspec.Raw], now: datetime, after: timedelta, batch: bool
) -> tuple[dict[str, str], datetime | None]:
    """({id: month} of the live documents closed more than `after` before now, when the oldest of the closed tickets
    left behind closed); with batch, none due until the oldest is ARCHIVE_BATCH overdue."""
    cutoff = now - after
    due: dict[str, str] = {}
    oldest_due = cutoff
    oldest_kept: datetime | None = None
    for key, doc in docs.items():
        moment = doc_archived_at(doc)
        if moment is None:
            continue
        if moment < cutoff:
            due[key] = month_of(moment)
            oldest_due = min(oldest_due, moment)
        elif oldest_kept is None or moment < oldest_kept:
            oldest_kept = moment
    if batch and cutoff - oldest_due < ARCHIVE_BATCH:
        return {}, oldest_due if due else oldest_kept
    return due, oldest_kept


def worth_a_look(oldest_closed: datetime | None, now: datetime, after: timedelta) -> bool:
    """Whether a batch may be due, given when the oldest closed ticket in the live file closed."""
    return oldest_closed is not None and now - after - oldest_closed >= ARCHIVE_BATCH


def make_archive_directory(store_path: Path) -> Path:
    """The archive directory, shared with the group as the store's own directory is, and with nobody else."""
    directory = archive_directory(store_path)
    try:
        directory.mkdir(exist_ok=True)
        mode = stat.S_IMODE(directory.parent.stat().st_mode) & 0o2770 | 0o700
        mine = directory.stat()
        if stat.S_IMODE(mine.st_mode) != mode and mine.st_uid == os.getuid():
            os.chmod(directory, mode)
    except OSError as error:
        raise access_error(directory, "create", error) from None
    return directory
