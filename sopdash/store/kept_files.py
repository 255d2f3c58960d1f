"""`<store>.files/`: the original of every client mail, its attachments, rejected and held mail, and the mail log.

Everything here gets the store file's own mode and group, so kept mail is exactly as private as the tickets.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import orjson
from typing import TYPE_CHECKING

from sopdash.core.errors import StoreError
from sopdash.store.contract import Store
from sopdash.store.lock import exclusive_lock
from sopdash.store.paths import files_dir_for, is_postgres_url
from sopdash.store.storage import NEW_FILE_MODE, access_error, write_atomically

if TYPE_CHECKING:
    from sopdash.store.postgres.kept_files import DatabaseFiles

MAIL_LOG = "mail-log.jsonl"
SENDING_LOCK = "sending.lock"


def kept_files_for(store: Store) -> KeptFiles | DatabaseFiles:
    """The folder beside a store file; for a PostgreSQL store, the tables beside its tickets."""
    if is_postgres_url(store.location):
        from sopdash.store.postgres.kept_files import DatabaseFiles

        return DatabaseFiles(store)
    return KeptFiles(Path(store.location))


class KeptFiles:
    """The folder beside one store; paths given to it are relative to the folder."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = Path(store_path)
        self.root = files_dir_for(self.store_path)

    def keep(self, relative: str, data: bytes) -> str:
        """Write data at relative (atomically, with the store's permissions); returns relative."""
        target = self._inside(relative)
        self._make_dirs(target.parent)
        write_atomically(target, data)
        self._match_store(target)
        return relative

    def path(self, relative: str) -> Path:
        """Where a kept file is."""
        return self._inside(relative)

    def read(self, relative: str) -> bytes:
        """What was kept at relative."""
        target = self._inside(relative)
        try:
            return target.read_bytes()
        except OSError as error:
            raise access_error(target, "read", error) from None

    def append_log(self, record: dict) -> None:
        """Add one record to the mail log (one JSON line, appended in one write)."""
        target = self.root / MAIL_LOG
        self._make_dirs(self.root)
        line = orjson.dumps(record) + b"\n"
        try:
            fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, NEW_FILE_MODE)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        except OSError as error:
            raise access_error(target, "write", error) from None
        self._match_store(target)

    def names(self) -> list[str]:
        """Every kept file (mail, attachments, held and rejected mail) relative to the folder, sorted; not the mail
        log, the outbox lock, a write's temp file or anything but a regular file."""
        found = []
        for folder, _, files in os.walk(self.root):  # a linked folder is not followed
            for name in files:
                path = Path(folder, name)
                if not (name.startswith(".") or path.parent == self.root and name in (MAIL_LOG, SENDING_LOCK)):
                    if stat.S_ISREG(path.lstat().st_mode):
                        found.append(str(path.relative_to(self.root)))
        return sorted(found)

    def read_log(self, limit: int | None = None) -> list[dict]:
        """The last `limit` records of the mail log (all without one), oldest first (a damaged line is skipped)."""
        try:
            lines = (self.root / MAIL_LOG).read_bytes().splitlines()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise access_error(self.root / MAIL_LOG, "read", error) from None
        records = []
        for line in lines[-limit:] if limit else lines:
            try:
                records.append(orjson.loads(line))
            except orjson.JSONDecodeError:
                continue
        return records

    @contextmanager
    def sending(self, timeout: float) -> Iterator[bool]:
        """Whether this process may deliver the outbox now: one sender at a time, so no message goes twice."""
        self._make_dirs(self.root)
        with ExitStack() as held:
            try:
                held.enter_context(exclusive_lock(self.root / SENDING_LOCK, timeout))
            except StoreError:
                yield False
                return
            yield True

    def _inside(self, relative: str) -> Path:
        target = (self.root / relative).resolve()
        if self.root.resolve() not in target.parents:
            raise StoreError(f"{relative!r} is not a path inside {self.root}")
        return target

    def _make_dirs(self, directory: Path) -> None:
        missing = [d for d in (directory, *directory.parents) if not d.exists() and (d == self.root or self.root in d.parents)]
        for folder in reversed(missing):
            try:
                folder.mkdir(exist_ok=True)
            except OSError as error:
                raise access_error(folder, "create", error) from None
            self._match_store(folder, directory=True)

    def _match_store(self, path: Path, directory: bool = False) -> None:
        """Give path the store's mode (folders also the search bit where reading is allowed) and group."""
        try:
            store = self.store_path.stat()
        except FileNotFoundError:
            return
        mode = stat.S_IMODE(store.st_mode) & 0o666
        if directory:
            mode |= (mode & 0o444) >> 2 | stat.S_ISGID
        try:
            os.chmod(path, mode)
            if path.stat().st_gid != store.st_gid:
                os.chown(path, -1, store.st_gid)
        except PermissionError:
            pass  # made by another technician: they already gave it the store's permissions
        except OSError as error:
            raise access_error(path, "set permissions on", error) from None
