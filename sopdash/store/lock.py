"""The sidecar lock that serialises every read-modify-write of the store, and says who a waiting writer is behind."""

from __future__ import annotations

import fcntl
import os
import pwd
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sopdash.core.errors import StoreError
from sopdash.core.text import one_line
from sopdash.store.safe_files import NEW_FILE_MODE, Folder, store_directory, writable_in_place
from sopdash.store.access_errors import access_error

LOCK_TIMEOUT_S = 15.0
WAIT_NOTICE_S = 1.0  # a writer queued this long says so: a write normally holds the lock for a few milliseconds
_POLL_S = 0.002  # short and constant, so a waiter does not sleep through the moment the lock frees
HOLDER_BYTES = 256

Notify = Callable[[str], None]


@contextmanager
def exclusive_lock(
    lock_path: Path, timeout: float = LOCK_TIMEOUT_S, notify: Notify | None = None, *, folder: Folder | None = None
) -> Iterator[None]:
    """Hold an exclusive flock on lock_path (in folder, a sidecar opened already, if given), with this writer's name
    in the file while it does.

    A writer that has to wait tells notify who it is queued behind; a StoreError if the lock stays taken past timeout.
    """
    fd, writable = open_lock_file(lock_path, folder)
    try:
        acquire(fd, lock_path, timeout, notify)
        if writable:
            _write_holder(fd, holder_text())
        try:
            yield
        finally:
            if writable:
                _write_holder(fd, "")
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def open_lock_file(lock_path: Path, folder: Folder | None = None) -> tuple[int, bool]:
    """A descriptor on the lock file (made 0660 regardless of umask) and whether it can carry the holder's name.

    The lock file is opened without following a link and must be a regular file: a link a colleague planted
    there is refused, never written through. Read-only is enough for flock, so a technician without write
    permission on the lock file can still write the store; the holder's name is then left out, as it is from a
    file with a second name (a hard link) or that neither this user nor the desk's group owns.
    """
    name = lock_path.name
    try:
        with nullcontext(folder) if folder is not None else store_directory(lock_path) as home:
            try:
                fd = home.open_file(name, os.O_RDWR | os.O_CREAT | os.O_EXCL)
                os.fchmod(fd, NEW_FILE_MODE)
                return fd, True
            except FileExistsError:
                try:
                    fd = home.open_file(name, os.O_RDWR)
                except PermissionError:
                    return home.open_file(name, os.O_RDONLY), False
            return fd, writable_in_place(os.fstat(fd), os.fstat(home.fd).st_gid)
    except OSError as error:
        raise access_error(lock_path, "open the lock file", error) from None


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
                    f"{lock_holder(fd) or 'another sopdash writer'} held it all that time; nothing was changed — try again"
                ) from None
            if notify is not None and not told and waited >= WAIT_NOTICE_S:
                told = True
                notify(f"waiting for the store: queued behind {lock_holder(fd) or 'another sopdash writer'}")
            time.sleep(_POLL_S)


def lock_holder(fd: int) -> str:
    """Who holds the lock open on fd, as its holder wrote it ("amara (pid 4242 on desk1)"); empty if unknown."""
    try:
        return one_line(os.pread(fd, HOLDER_BYTES, 0).decode("utf-8", errors="replace"))[:200]
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
    """The holder's name over the first HOLDER_BYTES bytes, padded with spaces: the lock file is never truncated."""
    os.pwrite(fd, text.encode()[:HOLDER_BYTES].ljust(HOLDER_BYTES), 0)
