"""The presence directory beside the store: one small file per running dashboard (see `sopdash.core.presence`).

`<store>.presence/<login>@<host>.<pid>.json` is rewritten by its dashboard when what it shows changes and
at least every HEARTBEAT_S seconds; readers ignore and delete entries older than STALE_AFTER_S, and on
this host those whose process is gone. It never touches the ticket file or its lock, so presence never
bumps a ticket's version. Freshness is measured on the wall clock, not the injectable ticket clock:
SOPDASH_NOW may freeze ticket time, but a dashboard that stopped must still go stale.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

import msgspec

from sopdash.core.presence import STALE_AFTER_S, VIEWING, Presence
from sopdash.store.storage import NEW_FILE_MODE

HEARTBEAT_S = 3.0
DIRECTORY_MODE = 0o770  # the group shares it, like the store
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_decode = msgspec.json.Decoder(Presence).decode


def presence_dir_for(store_path: Path) -> Path:
    """`<store>.presence/` beside the store file."""
    return store_path.with_name(store_path.name + ".presence")


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
        self.directory = presence_dir_for(Path(store_path))
        self.path = self.directory / f"{_UNSAFE.sub('_', login)}@{_UNSAFE.sub('_', self.host)}.{self.pid}.json"

    def others(self) -> list[Presence]:
        """Every other dashboard's fresh entry; stale ones and those of dead local processes are deleted.

        With nobody else around this is one directory listing.
        """
        try:
            names = [entry for entry in os.scandir(self.directory) if entry.name.endswith(".json")]
        except OSError:
            return []
        now_s = self.wall()
        found = []
        for entry in names:
            if entry.path == str(self.path):
                continue
            presence = self._read(Path(entry.path), now_s)
            if presence is not None:
                found.append(presence)
        return found

    def leave(self) -> None:
        """Remove this dashboard's entry (on exit; a crash leaves it to go stale)."""
        self.path.unlink(missing_ok=True)
        self._announced = None

    def _read(self, path: Path, now_s: float) -> Presence | None:
        try:
            presence = _decode(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, msgspec.DecodeError):  # half-known or unreadable: judge it by its age alone
            if _age_s(path, now_s) > STALE_AFTER_S:
                _remove(path)
            return None
        if presence.is_fresh(now_s) and not self._process_gone(presence):
            return presence
        _remove(path)
        return None

    def _process_gone(self, presence: Presence) -> bool:
        if presence.host != self.host:
            return False
        try:
            os.kill(presence.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # another user's live process
            return False
        return False

    def _publish(self, entry: Presence) -> None:
        self._write(msgspec.json.encode(entry))

    def _write(self, data: bytes) -> None:
        if not self.directory.is_dir():
            _make_directory(self.directory)
        temp = self.path.with_name(f".{self.path.name}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, NEW_FILE_MODE)
        try:
            os.fchmod(fd, NEW_FILE_MODE)
            os.write(fd, data)
        finally:
            os.close(fd)
        os.replace(temp, self.path)


def _make_directory(directory: Path) -> None:
    """The presence directory, group-shared whatever the umask; keeps the setgid bit it inherits from the store's directory."""
    directory.mkdir(parents=True, exist_ok=True)
    inherited = directory.stat().st_mode & stat.S_ISGID
    try:
        os.chmod(directory, DIRECTORY_MODE | inherited)
    except PermissionError:  # another user made it a moment ago
        pass


def _age_s(path: Path, now_s: float) -> float:
    try:
        return now_s - path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # not ours to delete (another user's file in a directory without group write): ignore it
        pass
