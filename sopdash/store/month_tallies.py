"""An archive month as a history slice, with a file beside it where a reader may keep figures derived from it
(`2026-03.tally`: the report's tally of the month, `report/kept_tallies.py`).

The kept file is never the source of truth. It records the identity of the month file it was derived from (size,
modification and change times, inode), a digest of the ticket ids the live file lists for the month, and the
reader's key (what else the figures depend on); a file that does not match all three as they are now, or does not
decode, is not believed, and the month is read as before. It is written only when the month file is still the one
that was read, atomically (a new private temp file, O_EXCL, renamed over), and best effort: a reader who may not
write the archive goes on without it. Like every file beside the store it is opened without following a link and
only if it is a regular file; a link or FIFO planted at its name is left for `check --fix`, which removes it.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

import msgspec

from sopdash.core.errors import StoreError
from sopdash.store.archive import archive_folder, month_path
from sopdash.store.gc_pause import gc_paused
from sopdash.store.access_errors import access_error
from sopdash.store.storage import SCHEMA_VERSION, missing_store, write_atomically

TALLY_SUFFIX = ".tally"

Identity = tuple[int, int, int, int, int]  # the month file's size, mtime_ns, ctime_ns, inode and device


class _Kept(msgspec.Struct, frozen=True, array_like=True):
    """The kept file: what it was derived from, and the reader's bytes."""

    month: Identity
    ids: str
    key: str
    data: bytes


_KEPT = msgspec.msgpack.Decoder(_Kept)


def tally_name(month: str) -> str:
    """The kept file of a month ("2026-03" -> "2026-03.tally")."""
    return f"{month}{TALLY_SUFFIX}"


class MonthSlice:
    """One archive month's listed tickets, read on call (in any process), decoded by `decode`; `kept`/`keep` read and
    write what a reader derived from the month as it was read."""

    def __init__(self, store_path: Path, month: str, ids: list[int], schema: object, decode: Callable[[bytes], list]):
        self.store_path, self.month, self.schema, self.decode = store_path, month, schema, decode
        self.ids = hashlib.blake2b(msgspec.msgpack.encode(ids), digest_size=16).hexdigest()
        self.read_as: Identity | None = None

    def __call__(self) -> list:
        """The month's tickets (a StoreError if the month is missing, unreadable or lacks a listed ticket)."""
        path = month_path(self.store_path, self.month, self.schema)
        with gc_paused(), archive_folder(self.store_path, self.schema) as folder:
            try:
                fd = folder.open_file(path.name)
            except FileNotFoundError:
                raise missing_store(path) from None
            except OSError as error:
                raise access_error(path, "read", error) from None
            with open(fd, "rb") as file:
                status = os.fstat(fd)
                raw = file.read()
            tickets = self.decode(raw)
        self.read_as = _identity(status)
        return tickets

    def kept(self, key: str) -> bytes | None:
        """What was kept under `key` from the month as it is now; None if nothing was, or it does not match."""
        if self.schema != SCHEMA_VERSION:  # an older layout's archive, which stores may share, keeps nothing
            return None
        try:
            with archive_folder(self.store_path, self.schema) as folder:
                status = folder.entry(f"{self.month}.json")
                kept = _KEPT.decode(folder.read(tally_name(self.month)))
        except (OSError, StoreError, msgspec.DecodeError, msgspec.ValidationError):
            return None  # missing, a link or FIFO (never followed), damaged
        if status is None or tuple(kept.month) != _identity(status) or (kept.ids, kept.key) != (self.ids, key):
            return None
        return kept.data

    def keep(self, key: str, data: bytes) -> None:
        """Keep `data`, derived under `key` from the month as this slice read it, if the month is unchanged since."""
        if self.read_as is None or self.schema != SCHEMA_VERSION:
            return
        try:
            with archive_folder(self.store_path, self.schema) as folder:
                status, present = folder.entry(f"{self.month}.json"), folder.entry(tally_name(self.month))
                if status is None or _identity(status) != self.read_as:
                    return
                if present is not None and not stat.S_ISREG(present.st_mode):
                    return  # planted: left for `check --fix`, never written through
                encoded = msgspec.msgpack.encode(_Kept(self.read_as, self.ids, key, data))
                write_atomically(folder.path / tally_name(self.month), encoded, like=folder.path / f"{self.month}.json",
                                 folder=folder, durable=False)
        except (OSError, StoreError):
            pass  # a reader who may not write the archive goes on without it


def _identity(status: os.stat_result) -> Identity:
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev
