"""The sidecar lock that serialises every read-modify-write of the store, and says who a waiting writer is behind."""

from __future__ import annotations

import fcntl
import os
import pwd
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sopdash.core.errors import StoreError
from sopdash.core.text import one_line
from sopdash.store.storage import NEW_FILE_MODE, access_error

LOCK_TIMEOUT_S = 15.0
WAIT_NOTICE_S = 1.0  # a writer queued this long says so: a write normally holds the lock for a few milliseconds
_POLL_S = 0.002  # short and constant, so a waiter does not sleep through the moment the lock frees

Notify = Callable[[str], None]


@contextmanager
def exclusive_lock(lock_path: Path, timeout: float = LOCK_TIMEOUT_S, notify: Notify | None = None) -> Iterator[None]:
    """Hold an exclusive flock on lock_path, with this writer's name in the file while it does.

    A writer that has to wait tells notify who it is queued behind; a StoreError if the lock stays taken past timeout.
    """
    fd, writable = open_lock_file(lock_path)
    try:
        acquire(fd, lock_path, timeout, notify)
        if writable:
            _write_holder(fd, holder_text())
        try:
            yield
        finally:
            if writable:
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def open_lock_file(lock_path: Path) -> tuple[int, bool]:
    """A descriptor on the lock file (creating it 0660 regardless of umask) and whether it can carry the holder's name.

    Read-only is enough for flock, so a technician without write permission on the lock file can still write
    the store; only the holder's name is then left out.
    """
    try:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, NEW_FILE_MODE)
        except FileExistsError:
            try:
                return os.open(lock_path, os.O_RDWR | os.O_CLOEXEC), True
            except PermissionError:
                return os.open(lock_path, os.O_RDONLY | os.O_CLOEXEC), False
    except OSError as error:
        raise access_error(lock_path, "open the lock file", error) from None
    os.fchmod(fd, NEW_FILE_MODE)
    return fd, True


def acquire(fd: int, lock_path: Path, timeout: float, notify: Notify | None) -> None:
    """Take the flock, polling so that a long wait is reported and bounded instead of a silent hang."""
    started = time.monotonic()
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            waited = time.monotonic() - started
            if waited >= timeout:
                raise StoreError(
                    f"gave up after {timeout:g} s queued for the store lock {lock_path}: "
                    f"{lock_holder(lock_path) or 'another sopdash writer'} held it all that time; nothing was changed — try again"
                ) from None
            if notify is not None and not told and waited >= WAIT_NOTICE_S:
                told = True
                notify(f"waiting for the store: queued behind {lock_holder(lock_path) or 'another sopdash writer'}")
            time.sleep(_POLL_S)


def lock_holder(lock_path: Path) -> str:
    """Who holds the lock, as its holder wrote it ("amara (pid 4242 on desk1)"); empty if unknown."""
    try:
        return one_line(lock_path.read_text(encoding="utf-8", errors="replace"))[:200]
    except OSError:
        return ""


def holder_text() -> str:
    """This process as other writers see it while it holds the lock."""
    try:
        login = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        login = str(os.getuid())
    return f"{login} (pid {os.getpid()} on {socket.gethostname()})"


def _write_holder(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode(), 0)
