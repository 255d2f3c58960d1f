"""`<store>.files/` (what `TicketStore.kept_files` gives): the original of every client mail, its attachments, rejected and held mail, and the mail log.

Everything here gets the store file's own mode and group, so kept mail is exactly as private as the tickets. The
folders are made setgid and sticky: a technician can add files but never remove or replace a colleague's. Every
folder and file is opened without following a link (see `safe_files`).
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path, PurePosixPath

import orjson

from sopdash.core.errors import StoreError
from sopdash.store.lock import exclusive_lock
from sopdash.store.paths import files_dir_for, user_name
from sopdash.store.safe_files import SHARED_FOLDER_MODE, Folder, UnsafeEntry, folder_at, share, writable_in_place
from sopdash.store.access_errors import access_error
from sopdash.store.storage import NEW_FILE_MODE, write_atomically

MAIL_LOG = "mail-log.jsonl"
SENDING_LOCK = "sending.lock"
INTAKE_LOCK = "intake.lock"
INTAKE_TIMEOUT_S = 60.0


class KeptFiles:
    """The folder beside one store; paths given to it are relative to the folder."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = Path(store_path)
        self.root = files_dir_for(self.store_path)

    def keep(self, relative: str, data: bytes, durable: bool = True) -> str:
        """Write data at relative (atomically, with the store's permissions; durable: synced to disk); returns where it went: relative, or
        beside it under a new name if a colleague's different file is there already (the sticky folder keeps it)."""
        *folders, name = self._parts(relative)
        with self._folder(folders, create=True) as folder:
            status = folder.entry(name)
            if status is not None and stat.S_ISREG(status.st_mode) and status.st_uid != os.geteuid():
                if folder.read(name) == data:
                    return relative  # kept already, by a colleague
                stem, dot, suffix = name.partition(".")
                name = f"{stem}-{secrets.token_hex(4)}{dot}{suffix}"
            write_atomically(folder.path / name, data, like=self.store_path, folder=folder, durable=durable)
        return "/".join([*folders, name])

    def append(self, relative: str, data: bytes) -> None:
        """Add data to the end of a file kept before (never through a link), in one write: a process killed
        after it returns has lost none of it."""
        *folders, name = self._parts(relative)
        self._append(folders, name, data, create=False)

    def owner(self, relative: str) -> str | None:
        """The login that owns a kept file (who wrote it), None if nothing is kept there."""
        *folders, name = self._parts(relative)
        try:
            with self._folder(folders) as folder:
                status = folder.entry(name)
        except FileNotFoundError:
            return None
        return None if status is None else user_name(status.st_uid)

    def path(self, relative: str) -> Path:
        """Where a kept file is."""
        return self.root.joinpath(*self._parts(relative))

    def read(self, relative: str) -> bytes:
        """What was kept at relative."""
        *folders, name = self._parts(relative)
        target = self.path(relative)
        try:
            with self._folder(folders) as folder:
                return folder.read(name)
        except OSError as error:
            raise access_error(target, "read", error) from None

    def find(self, relative: str) -> bytes | None:
        """What was kept at relative, None if nothing was."""
        *folders, name = self._parts(relative)
        try:
            with self._folder(folders) as folder:
                return folder.read(name)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise access_error(self.path(relative), "read", error) from None

    def append_log(self, record: dict) -> None:
        """Add one record to the mail log (one JSON line, appended in one write)."""
        self._append([], MAIL_LOG, orjson.dumps(record) + b"\n", create=True)

    def _append(self, folders: list[str], name: str, data: bytes, create: bool) -> None:
        """Append data in one write, only to a regular file with no other name, owned by this user or the desk's
        group, never through a link."""
        target = self.root.joinpath(*folders, name)
        with self._folder(folders, create=create) as folder:
            try:
                fd = folder.open_file(name, os.O_WRONLY | os.O_APPEND | (os.O_CREAT if create else 0))
                try:
                    status = os.fstat(fd)
                    if not writable_in_place(status, self._store_mode()[1]):
                        raise StoreError(f"{target} is {_owned(status)}, so sopdash will not write to it; "
                                         "`sopdash check` says more")
                    if status.st_uid == os.geteuid():
                        self._match_store(fd)
                    os.write(fd, data)
                finally:
                    os.close(fd)
            except OSError as error:
                raise access_error(target, "write", error) from None

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
            with self._folder([]) as folder:
                lines = folder.read(MAIL_LOG).splitlines()
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
        with self._folder([], create=True) as folder, ExitStack() as held:
            try:
                held.enter_context(exclusive_lock(self.root / SENDING_LOCK, timeout, folder=folder))
            except UnsafeEntry:
                raise  # a link or FIFO planted there: not another sender at work
            except StoreError:
                yield False
                return
            yield True

    @contextmanager
    def intake_turn(self) -> Iterator[None]:
        """One mail intake at a time: a burst of mail queues here among itself, so a technician's action waits in
        the store's lock behind one message at most; a StoreError after INTAKE_TIMEOUT_S (the MTA tries again)."""
        with self._folder([], create=True) as folder:
            with exclusive_lock(self.root / INTAKE_LOCK, INTAKE_TIMEOUT_S, folder=folder):
                yield

    def _parts(self, relative: str) -> list[str]:
        """The names on the way to relative, each a plain name: nothing absolute, empty, `.`, `..` or with a NUL."""
        parts = PurePosixPath(relative).parts
        if not parts or parts[0] == "/" or any(part in (".", "..") or "\0" in part for part in parts):
            raise StoreError(f"{relative!r} is not a path inside {self.root}")
        return list(parts)

    @contextmanager
    def _folder(self, names: list[str], create: bool = False) -> Iterator[Folder]:
        """The folder `<store>.files/NAMES…`, each step opened without following a link (made if create)."""
        mode, gid = self._folder_mode() if create else (SHARED_FOLDER_MODE, -1)
        try:
            folder = folder_at(self.store_path, (self.root.name, *names), create, mode, gid)
        except OSError as error:
            if isinstance(error, FileNotFoundError) and not create:
                raise  # nothing kept there yet: the caller says what that means
            raise access_error(self.root.joinpath(*names), "create" if create else "open", error) from None
        with folder:
            yield folder

    def _store_mode(self) -> tuple[int, int]:
        """The store file's mode for files (read and write bits) and its group; 0660 and none before it exists."""
        try:
            store = self.store_path.stat()
        except FileNotFoundError:
            return NEW_FILE_MODE, -1
        except OSError as error:
            raise access_error(self.store_path, "read", error) from None
        return stat.S_IMODE(store.st_mode) & 0o666, store.st_gid

    def _folder_mode(self) -> tuple[int, int]:
        """A new folder's mode and group: the store's mode, with search where reading is allowed, setgid and sticky."""
        mode, gid = self._store_mode()
        return mode | (mode & 0o444) >> 2 | stat.S_ISGID | stat.S_ISVTX, gid

    def _match_store(self, fd: int) -> None:
        """Give the open file fd the store's mode and group (through the descriptor)."""
        share(fd, *self._store_mode())


def _owned(status: os.stat_result) -> str:
    """Why a file is not fit to write into, in words."""
    if status.st_nlink > 1:
        return f"a file with {status.st_nlink} names (a hard link to a file elsewhere)"
    return "owned by neither you nor the store's group"
