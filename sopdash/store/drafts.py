"""Drafts: what a technician was typing in a dialog when the dashboard stopped on an internal error, kept for them.

Beside a store file they are in `<store>.drafts/`, made setgid and sticky like every shared folder (a technician
adds files there but never removes a colleague's); a database store has no folder, so there they are in the
technician's own state folder. A draft is a new file made with O_EXCL under an unpredictable name, mode 0600 set
through its descriptor, and is read back only if it is a regular file with one name that this user owns: a link,
or a file a colleague planted under someone's name, is never offered to anyone.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import platformdirs

from sopdash.store.paths import sidecar
from sopdash.store.safe_files import FOLDER_FLAGS, SHARED_FOLDER_MODE, Folder, UnsafeEntry, share

DRAFT_MODE = 0o600
_SUFFIX = ".txt"


class DraftFolder:
    """The folder `name` in `directory` (made with `mode` when a draft is first kept); drafts are named by a prefix."""

    def __init__(self, directory: Path, name: str, mode: int) -> None:
        self.directory = directory
        self.name = name
        self.mode = mode

    @classmethod
    def beside(cls, store_path: Path) -> DraftFolder:
        """`<store>.drafts/`, shared by the technicians of a store file."""
        folder = sidecar(store_path, ".drafts")
        return cls(folder.parent, folder.name, SHARED_FOLDER_MODE)

    @classmethod
    def of_this_user(cls) -> DraftFolder:
        """`drafts/` in this user's own state folder (for a database store)."""
        return cls(platformdirs.user_state_path("sopdash"), "drafts", 0o700)

    def keep(self, prefix: str, text: str) -> None:
        """Write `text` as a new draft named `PREFIX.RANDOM.txt`, synced to disk."""
        with self._open(create=True) as folder:
            name = f"{prefix}.{secrets.token_hex(6)}{_SUFFIX}"
            fd = folder.open_file(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DRAFT_MODE)
            with open(fd, "wb") as file:
                os.fchmod(fd, DRAFT_MODE)
                file.write(text.encode("utf-8"))
                file.flush()
                os.fsync(fd)
            os.fsync(folder.fd)

    def take(self, prefix: str) -> str | None:
        """The newest of this user's drafts named `prefix`, all of which are then removed; None if there is none."""
        try:
            folder = self._open()
        except FileNotFoundError:
            return None
        with folder:
            found = [draft for name in folder.names() if name.startswith(f"{prefix}.") and (draft := _own(folder, name))]
            for _, _, name in found:
                folder.remove(name)
        return max(found)[1] if found else None

    def _open(self, create: bool = False) -> Folder:
        if create:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with Folder(os.open(self.directory, FOLDER_FLAGS & ~os.O_NOFOLLOW), self.directory) as parent:
            made = False
            if create:
                try:
                    os.mkdir(self.name, self.mode & 0o777, dir_fd=parent.fd)
                    made = True
                except FileExistsError:
                    pass
            folder = parent.folder(self.name)
            if made:
                share(folder.fd, self.mode)
            return folder


def _own(folder: Folder, name: str) -> tuple[int, str, str] | None:
    """(when it was written, its text, its name) for a regular file with one name that this user owns, else None."""
    try:
        fd = folder.open_file(name)
    except (UnsafeEntry, OSError):
        return None
    with open(fd, "rb") as file:
        status = os.fstat(fd)
        if status.st_uid != os.geteuid() or status.st_nlink != 1:
            return None
        return status.st_mtime_ns, file.read().decode("utf-8", "replace"), name
