"""`<store file name>.settings.toml`: the desk's settings beside a store file, and `<…>.settings.log.jsonl`, who
changed them when.

Both sit in the shared folder, so they are opened without following links and only as plain files. The settings
are replaced whole (temp file, fsync, rename) under the store's lock; the file keeps its mode and group, 0640 in
the store file's group when new: the group reads the desk's policy, and only who may write the file changes it.
"""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path
from typing import Any

import orjson

from sopdash.core.errors import RuleRefused, StoreError
from sopdash.store.contract import Signature
from sopdash.store.lock import exclusive_lock
from sopdash.store.paths import following_links, lock_path_for
from sopdash.store.safe_files import UnsafeEntry, share, store_directory
from sopdash.store.access_errors import access_error, group_name

SETTINGS_MODE = 0o640  # the group reads the policy; only the file's owner changes it (`chmod g+w` lets the group)
MAX_SETTINGS_BYTES = 1 << 20
MAX_LOG_BYTES = 64 << 20


def settings_path_for(store_path: Path) -> Path:
    """`<store file name>.settings.toml`, beside the store file (a linked store's target)."""
    return Path(f"{following_links(Path(store_path))}.settings.toml")


def settings_log_path_for(store_path: Path) -> Path:
    """`<store file name>.settings.log.jsonl`: one line per change of the desk's settings."""
    return Path(f"{following_links(Path(store_path))}.settings.log.jsonl")


class SettingsFile:
    """The desk's settings beside one store file."""

    managers_by_role = False  # the settings' roster says who is a manager

    def __init__(self, store_path: Path) -> None:
        self.store_path = following_links(Path(store_path))
        self.path = settings_path_for(self.store_path)
        self.log_path = settings_log_path_for(self.store_path)

    @property
    def where(self) -> str:
        return str(self.path)

    def read(self) -> str | None:
        """The settings file's text; None if the desk has none."""
        fd = self._open(self.path.name)
        if fd is None:
            return None
        with os.fdopen(fd, "rb") as file:
            data = file.read(MAX_SETTINGS_BYTES + 1)
        if len(data) > MAX_SETTINGS_BYTES:
            raise StoreError(f"{self.path} is over {MAX_SETTINGS_BYTES >> 20} MB; it is not the desk's settings — "
                             "restore it from a backup")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise StoreError(f"{self.path} is not UTF-8 text; fix it or restore it from a backup") from None

    def signature(self) -> Signature | None:
        """(mtime_ns, size, inode) of the settings file, which every change replaces; None if there is none."""
        try:
            status = os.lstat(self.path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise access_error(self.path, "read", error) from None
        return (status.st_mtime_ns, status.st_size, status.st_ino)

    def refusal(self) -> str | None:
        """Why this login may not change the desk's settings; None if it may.

        An existing file: who may write it (its owner, its group if group-writable, root). No file yet: whoever
        owns the store's folder, or root, creates it (so no colleague can make the desk's policy theirs first).
        """
        try:
            status = os.lstat(self.path)
        except FileNotFoundError:
            folder = os.stat(self.store_path.parent)
            if os.geteuid() in (0, folder.st_uid):
                return None
            return (f"the desk has no settings file yet, and only the owner of {self.store_path.parent} "
                    f"({_owner(folder.st_uid)}) or root creates it")
        except OSError as error:
            raise access_error(self.path, "read", error) from None
        _plain_file(status, self.path)
        if _writable(self.path) and (_writable(self.log_path) or not os.path.lexists(self.log_path)):
            return None
        if _writable(self.path):
            return f"you may write {self.path} but not its log {self.log_path}; give both the same mode"
        group = f", or group '{group_name(status.st_gid)}' once it is group-writable" if not status.st_mode & 0o020 else ""
        return (f"only who may write {self.path} changes the desk's policy: its owner {_owner(status.st_uid)}{group} "
                f"(mode {stat.S_IMODE(status.st_mode):04o})")

    def replace(self, text: str, expected: Signature | None, record: dict[str, Any]) -> None:
        """Write text as the settings, under the store lock, if they are still at `expected`, and log record.

        RuleRefused if someone changed them since they were read (read again and retry). The log is opened first,
        so a change that could not be logged is not made.
        """
        refusal = self.refusal()
        if refusal:
            raise RuleRefused(refusal)
        with exclusive_lock(lock_path_for(self.store_path)):
            if self.signature() != expected:
                raise RuleRefused(f"the desk's settings changed while you edited them ({self.path}); nothing was "
                                  "saved — look again and retry")
            log = self._open_log()
            try:
                self._write(text.encode("utf-8"))
                os.write(log, orjson.dumps(record) + b"\n")
                os.fsync(log)
            finally:
                os.close(log)

    def log(self, limit: int) -> list[dict[str, Any]]:
        """The last `limit` changes, oldest first; a line that is not a record is skipped."""
        fd = self._open(self.log_path.name)
        if fd is None:
            return []
        with os.fdopen(fd, "rb") as file:
            status = os.fstat(fd)
            file.seek(max(0, status.st_size - MAX_LOG_BYTES))
            lines = file.read(MAX_LOG_BYTES).splitlines()
        records = []
        for line in lines[-limit:]:
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(record)
        return records

    def check(self) -> list[str]:
        """Diagnosis lines for `sopdash check`: where the settings are, who may change them, what is off."""
        try:
            status = os.lstat(self.path)
        except FileNotFoundError:
            lines = [f"settings: none yet ({self.path})"]
            if self.store_path.exists() and os.stat(self.store_path).st_mode & 0o020:
                lines.append("warning: the store is shared but the desk has no settings, so each login's own config "
                             "sets its policy and roster (a private [roster.LOGIN] manager = true counts); create them "
                             "with `sopdash config migrate` or `sopdash config set`")
            return lines
        except OSError as error:
            return [f"error: {access_error(self.path, 'read', error)}"]
        mode = stat.S_IMODE(status.st_mode)
        if not stat.S_ISREG(status.st_mode):
            return [f"error: {self.path} is not a plain file; remove it and restore the desk's settings from a backup"]
        lines = [f"settings: {self.path} (mode {mode:04o}, owner {_owner(status.st_uid)}, group "
                 f"{group_name(status.st_gid)}; who may write it changes the desk's policy)"]
        if mode & 0o002:
            lines.append(f"error: anyone on the machine may change the desk's policy; run `chmod o-w {self.path}`")
        elif mode & 0o020:
            lines.append(f"warning: every member of group '{group_name(status.st_gid)}' may change the desk's policy "
                         f"and roster; `chmod g-w {self.path}` leaves it to its owner")
        return lines

    def close(self) -> None:
        """Nothing stays open between calls."""

    def _write(self, data: bytes) -> None:
        """Temp file (O_EXCL, never through a link), mode and group set through it, fsync, rename, fsync folder."""
        mode, gid = self._permissions()
        try:
            with store_directory(self.store_path) as folder:
                folder.replace(folder.temp_file(self.path.name), self.path.name, data, mode, gid)
        except UnsafeEntry:
            raise
        except PermissionError:
            raise StoreError(f"cannot give the desk's settings the group '{group_name(gid)}': you are not in it") from None
        except OSError as error:
            raise access_error(self.path, "write", error) from None

    def _permissions(self) -> tuple[int, int]:
        """The settings file's mode and group, or for a new one 0640 and the store file's group."""
        try:
            status = os.lstat(self.path)
            return stat.S_IMODE(status.st_mode), status.st_gid
        except FileNotFoundError:
            return SETTINGS_MODE, os.stat(self.store_path).st_gid

    def _open(self, name: str, flags: int = os.O_RDONLY, mode: int = SETTINGS_MODE) -> int | None:
        """A descriptor on the plain file `name` beside the store, never through a link; None if it is not there."""
        try:
            with store_directory(self.store_path) as folder:
                return folder.open_file(name, flags, mode)
        except FileNotFoundError:
            return None
        except UnsafeEntry:
            raise
        except OSError as error:
            raise access_error(self.path.parent / name, "open", error) from None

    def _open_log(self) -> int:
        """The log opened for appending (created like the settings file), never through a link."""
        mode, gid = self._permissions()
        fd = self._open(self.log_path.name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode)
        if fd is None:
            raise StoreError(f"the store's folder {self.path.parent} is gone; nothing was saved")
        try:
            if os.fstat(fd).st_size == 0:
                share(fd, mode, gid, strict=True)
        except PermissionError:
            os.close(fd)
            raise StoreError(f"cannot give the desk's settings the group '{group_name(gid)}': you are not in it") from None
        return fd


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids, follow_symlinks=False)


def _plain_file(status: os.stat_result, path: Path) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise StoreError(f"{path} is not a plain file; sopdash will not use it — remove it and restore the desk's "
                         "settings from a backup (`sopdash config` shows them)")


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)

