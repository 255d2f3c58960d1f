"""The archive's layout: which closed tickets leave the live file, and which month file each goes to.

Closed tickets older than `store.archive_after` live in `<store>.archive/YYYY-MM.json` (`tickets.json.archive/`;
a store of schema 2 keeps them in `tickets.archive/` until its next write moves them), one TinyDB file per
closing month (UTC). A ticket's month is that of its closing, or of its creation if that is later (an
imported ticket can say it closed before it was opened): a ticket created in or after a month is never in an
earlier month's file, which is what lets a report over a period read only the months from its start on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import msgspec

from sopdash.core.errors import StoreError
from sopdash.store.paths import archive_dir_for, old_archive_dir_for
from sopdash.store.safe_files import Folder, share, store_directory
from sopdash.store.access_errors import access_error
from sopdash.store.storage import SCHEMA_VERSION, STEM_ARCHIVE_SCHEMA, StoreFile, read_store_file

ARCHIVE_BATCH = timedelta(days=1)
"""Tickets leave the live file once the oldest due one is a day overdue, so moves come a day's worth at a time:
a move reads and rewrites a whole month file, which no single write should pay for one ticket."""


def archive_directory(store_path: Path, schema: object = SCHEMA_VERSION) -> Path:
    """`tickets.json.archive/` beside `tickets.json`; `tickets.archive/` for a store of schema 2."""
    return old_archive_dir_for(store_path) if schema == STEM_ARCHIVE_SCHEMA else archive_dir_for(store_path)


def month_path(store_path: Path, month: str, schema: object = SCHEMA_VERSION) -> Path:
    """The archive file of one month ("2026-03")."""
    return archive_directory(store_path, schema) / f"{month}.json"


@contextmanager
def archive_folder(store_path: Path, schema: object = SCHEMA_VERSION) -> Iterator[Folder]:
    """The archive folder, opened without following a link (UnsafeEntry if one is there); a StoreError if it is
    missing, for then the months the live file lists are too."""
    directory = archive_directory(store_path, schema)
    try:
        with store_directory(store_path) as home:
            folder = home.folder(directory.name)
    except FileNotFoundError:
        raise StoreError(f"{directory} is missing, but {store_path} lists tickets archived in it; restore the archive "
                         "from a backup") from None
    except OSError as error:
        raise access_error(directory, "read", error) from None
    with folder:
        yield folder


def read_month(store_path: Path, month: str, schema: object = SCHEMA_VERSION) -> StoreFile:
    """One month file, every ticket validated (`read_store_file`)."""
    with archive_folder(store_path, schema) as folder:
        return read_store_file(month_path(store_path, month, schema), folder)


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


@contextmanager
def made_archive_folder(store_path: Path) -> Iterator[Folder]:
    """The archive folder, made if missing: shared with the group as the store's own directory is, and with nobody
    else. No sticky bit: whoever archives next replaces a month file another technician wrote."""
    directory = archive_directory(store_path)
    try:
        with store_directory(store_path) as home:
            mode = stat.S_IMODE(os.fstat(home.fd).st_mode) & 0o2770 | 0o700
            folder = home.folder(directory.name, create=True, mode=mode)
    except OSError as error:
        raise access_error(directory, "create", error) from None
    with folder:
        mine = os.fstat(folder.fd)
        if stat.S_IMODE(mine.st_mode) != mode and mine.st_uid == os.geteuid():
            share(folder.fd, mode)
        yield folder
