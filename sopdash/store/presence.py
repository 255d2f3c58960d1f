"""The presence directory beside the store: one small file per running dashboard (see `sopdash.core.presence`).

`<store>.presence/<login>@<host>.<pid>.json` is rewritten by its dashboard when what it shows changes and
at least every HEARTBEAT_S seconds; readers ignore and delete entries older than STALE_AFTER_S, and on
this host those whose process is gone. It never touches the ticket file or its lock, so presence never
bumps a ticket's version. Freshness is measured on the reader's wall clock, not the injectable ticket clock
(SOPDASH_NOW may freeze ticket time, but a dashboard that stopped must still go stale), and against the
file's own times as well as the time it claims, so an entry dated in the future still expires.

The folder is setgid and sticky (each dashboard replaces only its own entry) and is opened without following a
link; an entry is read non-blocking with a size cap and only if it is a regular file, so a FIFO or a huge
file named `x.json` cannot hang or swamp a dashboard.
"""

from __future__ import annotations

import os
import re
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

import msgspec

from sopdash.core.errors import StoreError
from sopdash.core.presence import STALE_AFTER_S, VIEWING, Presence
from sopdash.store.paths import presence_dir_for, user_name
from sopdash.store.safe_files import NEW_FILE_MODE, SHARED_FOLDER_MODE, Folder, store_directory

HEARTBEAT_S = 3.0
MAX_ENTRY_BYTES = 4096  # an entry is about 120 bytes; anything much longer is not one
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_decode = msgspec.json.Decoder(Presence).decode

__all__ = ["HEARTBEAT_S", "PresenceBoard", "PresenceDirectory", "presence_dir_for"]


class PresenceBoard(ABC):
    """This dashboard's announcement, and everyone else's still-fresh ones, wherever a store keeps them."""

    def __init__(
        self, login: str, wall: Callable[[], float] = time.time, host: str | None = None, pid: int | None = None
    ) -> None:
        self.login = login
        self.host = host or socket.gethostname()
        self.pid = os.getpid() if pid is None else pid
        self.wall = wall
        self._announced: tuple[int | None, str] | None = None
        self._renewed_s = 0.0

    def announce(self, ticket_id: int | None, activity: str = VIEWING) -> bool:
        """Say what this dashboard shows; written only when it changed or the heartbeat is due. True if written."""
        now_s = self.wall()
        state = (ticket_id, activity)
        if state == self._announced and now_s - self._renewed_s < HEARTBEAT_S:
            return False
        self._publish(Presence(self.login, self.host, self.pid, now_s, ticket_id, activity))  # type: ignore[arg-type]
        self._announced, self._renewed_s = state, now_s
        return True

    @abstractmethod
    def others(self) -> list[Presence]:
        """Every other dashboard's fresh entry; stale ones are cleared."""

    @abstractmethod
    def leave(self) -> None:
        """Remove this dashboard's entry (on exit; a crash leaves it to go stale)."""

    @abstractmethod
    def _publish(self, entry: Presence) -> None:
        """Write this dashboard's entry."""


class PresenceDirectory(PresenceBoard):
    """Presence as one small file per dashboard in `<store>.presence/` beside the store file."""

    def __init__(
        self, store_path: Path, login: str, wall: Callable[[], float] = time.time, host: str | None = None, pid: int | None = None
    ) -> None:
        super().__init__(login, wall, host, pid)
        self.store_path = Path(store_path)
        self.directory = presence_dir_for(self.store_path)
        self.name = f"{_UNSAFE.sub('_', login)}@{_UNSAFE.sub('_', self.host)}.{self.pid}.json"
        self.path = self.directory / self.name

    def others(self) -> list[Presence]:
        """Every other dashboard's fresh entry; stale ones and those of dead local processes are deleted (where the
        sticky folder lets this user).

        With nobody else around this is one directory listing. A StoreError if the folder is a link.
        """
        try:
            folder = self._folder(create=False)
        except FileNotFoundError:
            return []
        with folder:
            now_s = self.wall()
            found = []
            for name in folder.names():
                if name.endswith(".json") and name != self.name:
                    presence = self._read(folder, name, now_s)
                    if presence is not None:
                        found.append(presence)
        return found

    def leave(self) -> None:
        """Remove this dashboard's entry (on exit; a crash leaves it to go stale)."""
        try:
            with self._folder(create=False) as folder:
                folder.remove(self.name)
        except FileNotFoundError:
            pass
        self._announced = None

    def _read(self, folder: Folder, name: str, now_s: float) -> Presence | None:
        """The entry `name` if it is fresh; a stale, dead, garbled or non-regular one is removed where allowed."""
        try:
            fd = folder.open_file(name)
        except FileNotFoundError:
            return None
        except (OSError, StoreError):  # a link, a FIFO, unreadable: never an entry
            _remove(folder, name)
            return None
        with open(fd, "rb") as file:
            status = os.fstat(fd)
            data = file.read(MAX_ENTRY_BYTES + 1)
        written_s = min(status.st_mtime, status.st_ctime)  # ctime only the kernel sets: a forged mtime cannot hold it
        try:
            presence = _decode(data) if len(data) <= MAX_ENTRY_BYTES else None
        except msgspec.DecodeError:
            presence = None
        if presence is None:  # half-known or too long: judge it by its age alone
            if now_s - written_s > STALE_AFTER_S:
                _remove(folder, name)
            return None
        if now_s - min(presence.seen_s, written_s) <= STALE_AFTER_S and not self._process_gone(presence):
            return _as_its_owner(presence, status.st_uid)
        _remove(folder, name)
        return None

    def _process_gone(self, presence: Presence) -> bool:
        if presence.host != self.host:
            return False
        if presence.pid <= 0:  # not a process: kill would ask a whole process group
            return True
        try:
            os.kill(presence.pid, 0)
        except (ProcessLookupError, OverflowError):
            return True
        except PermissionError:  # another user's live process
            return False
        return False

    def _publish(self, entry: Presence) -> None:
        self._write(msgspec.json.encode(entry))

    def _write(self, data: bytes) -> None:
        """This dashboard's entry replaced in one step by a new file under an unpredictable name."""
        with self._folder(create=True) as folder:
            fd, temp = folder.temp_file(self.name)
            try:
                with open(fd, "wb") as file:
                    os.fchmod(fd, NEW_FILE_MODE)
                    file.write(data)
                os.replace(temp, self.name, src_dir_fd=folder.fd, dst_dir_fd=folder.fd)
            finally:
                folder.remove(temp)

    def _folder(self, create: bool) -> Folder:
        """The presence folder, opened without following a link (made setgid and sticky, in the store directory's
        group, if create); FileNotFoundError if there is none."""
        with store_directory(self.store_path) as home:
            gid = os.fstat(home.fd).st_gid
            return home.folder(self.directory.name, create, SHARED_FOLDER_MODE, gid)


def _remove(folder: Folder, name: str) -> None:
    try:
        folder.remove(name)
    except OSError:  # not ours to delete (another user's file in the sticky folder): ignore it
        pass


def _as_its_owner(presence: Presence, uid: int) -> Presence:
    """The entry under the login of the user whose file it is: a colleague cannot announce as someone else (root's
    entries, a dashboard run as root for anyone, are taken as they say)."""
    if uid == 0:
        return presence
    owner = user_name(uid)
    return presence if presence.login == owner else msgspec.structs.replace(presence, login=owner)
