"""The sidecar lock that serialises every read-modify-write of the store."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sopdash.core.errors import StoreError
from sopdash.store.storage import NEW_FILE_MODE, access_error

LOCK_TIMEOUT_S = 15.0
_FIRST_WAIT_S = 0.002
_LONGEST_WAIT_S = 0.05


@contextmanager
def exclusive_lock(lock_path: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold an exclusive flock on lock_path; a StoreError if another process keeps it past timeout."""
    fd = open_lock_file(lock_path)
    try:
        acquire(fd, lock_path, timeout)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def open_lock_file(lock_path: Path) -> int:
    """A descriptor on the lock file, creating it 0660 regardless of umask.

    Read-only is enough for flock, so technicians need no write permission on the lock file itself.
    """
    try:
        try:
            fd = os.open(lock_path, os.O_RDONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, NEW_FILE_MODE)
        except FileExistsError:
            return os.open(lock_path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as error:
        raise access_error(lock_path, "open the lock file", error) from None
    os.fchmod(fd, NEW_FILE_MODE)
    return fd


def acquire(fd: int, lock_path: Path, timeout: float) -> None:
    """Take the flock, polling so that a stuck holder becomes an error instead of a hang."""
    deadline = time.monotonic() + timeout
    wait = _FIRST_WAIT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"another sopdash has held {lock_path} for over {timeout:.0f} s; "
                    "try again, and if it persists look for a stuck sopdash process"
                ) from None
            time.sleep(wait)
            wait = min(wait * 2, _LONGEST_WAIT_S)
