"""Files and folders beside the store, opened so that no link or FIFO a colleague planted there can turn sopdash
against someone else's files.

The store's path and the directories above it are chosen by whoever names the store, so links there are followed
(see `paths.following_links`). Below the store's directory nothing is: a sidecar folder is opened with
O_DIRECTORY|O_NOFOLLOW and everything in it by name relative to that descriptor; a file with O_NOFOLLOW|O_NONBLOCK
(so a FIFO cannot block the open) and checked with fstat to be a regular file before it is used; a new file is
made with O_EXCL, a temp file under an unpredictable name; modes and groups are set through the descriptor.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from sopdash.core.errors import StoreError

NEW_FILE_MODE = 0o660
SHARED_FOLDER_MODE = 0o3770  # setgid: files keep the folder's group; sticky: only a file's owner removes or replaces it
FILE_FLAGS = os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_LINKED = (errno.ELOOP, errno.ENOTDIR)  # what O_NOFOLLOW (with O_DIRECTORY: ENOTDIR) answers for a link
_TEMP_ATTEMPTS = 100


class UnsafeEntry(StoreError):
    """A link, FIFO or other non-regular entry where sopdash keeps a plain file or folder."""


class GroupRefused(PermissionError):
    """A file could not be given the group it must keep: this user is not in it."""


class Folder:
    """An open directory; what is in it is named relative to it, never through a link."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def folder(self, name: str, create: bool = False, mode: int = SHARED_FOLDER_MODE, gid: int = -1) -> Folder:
        """The folder `name` in this one (made with mode and group gid if missing and create); UnsafeEntry if a link
        or anything but a folder is there, FileNotFoundError if nothing is."""
        made = False
        if create:
            try:
                os.mkdir(name, mode & 0o777, dir_fd=self.fd)  # less the umask until set through its descriptor
                made = True
            except FileExistsError:
                pass
        try:
            fd = os.open(name, FOLDER_FLAGS, dir_fd=self.fd)
        except OSError as error:
            if error.errno in _LINKED:
                raise self.unsafe(name, "folder") from None
            raise
        if made:
            share(fd, mode, gid)
        return Folder(fd, self.path / name)

    def open_file(self, name: str, flags: int = os.O_RDONLY, mode: int = NEW_FILE_MODE) -> int:
        """A descriptor on the regular file `name` (O_CREAT in flags makes it, with mode, if missing); UnsafeEntry for a
        link, FIFO, device or folder."""
        try:
            fd = os.open(name, flags | FILE_FLAGS, mode, dir_fd=self.fd)
        except OSError as error:
            if error.errno in (*_LINKED, errno.ENXIO, errno.EISDIR):  # ENXIO: a FIFO without a reader
                raise self.unsafe(name, "file") from None
            raise
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise self.unsafe(name, "file")
        return fd

    def read(self, name: str) -> bytes:
        """The regular file `name`, whole."""
        with open(self.open_file(name), "rb") as file:
            return file.read()

    def temp_file(self, name: str) -> tuple[int, str]:
        """A new private file `.NAME.XXXXXXXXXXXX.tmp` under an unpredictable name, made with O_EXCL: (fd, its name)."""
        for _ in range(_TEMP_ATTEMPTS):
            temp = f".{name}.{secrets.token_hex(6)}.tmp"
            try:
                return self.open_file(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), temp
            except FileExistsError:
                continue
        raise FileExistsError(errno.EEXIST, "no free temp file name", str(self.path))

    def replace(self, temp: tuple[int, str], name: str, data: bytes, mode: int, gid: int = -1, durable: bool = True) -> None:
        """Write data to the temp file (from `temp_file`; mode and group gid set through its descriptor), fsync it,
        rename it over `name` and fsync the folder: `name` is the old file or the new one, whatever happens (without
        durable, nothing is fsynced: a power cut may lose the new file)."""
        fd, temp_name = temp
        try:
            with open(fd, "wb") as file:
                share(fd, mode, gid, strict=True)
                file.write(data)
                file.flush()
                if durable:
                    os.fsync(fd)
            os.replace(temp_name, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        finally:
            self.remove(temp_name)  # only still there if the rename did not happen
        if durable:
            os.fsync(self.fd)

    def entry(self, name: str) -> os.stat_result | None:
        """What is at `name` itself (a link is not followed); None if nothing is."""
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def names(self) -> list[str]:
        """The names in this folder."""
        return os.listdir(self.fd)

    def remove(self, name: str) -> None:
        """Remove the entry `name` (a link itself, never what it points at); nothing if it is gone."""
        try:
            os.unlink(name, dir_fd=self.fd)
        except FileNotFoundError:
            pass

    def unsafe(self, name: str, expected: str) -> UnsafeEntry:
        """The error for something other than a plain `expected` ("file" or "folder") at `name`."""
        return UnsafeEntry(
            f"{self.path / name} is {self.describe(name)}, where sopdash keeps a plain {expected}; sopdash follows no "
            "link and opens no FIFO beside the store, so nobody can point it at another's files. `sopdash check` says "
            "what is there, and `sopdash check --fix` removes what it safely can"
        )

    def describe(self, name: str) -> str:
        """What is at `name`, in words: `a symbolic link to /home/bo/.profile`, `a FIFO`, `a folder`…"""
        try:
            status = self.entry(name)
            target = os.readlink(name, dir_fd=self.fd) if status is not None and stat.S_ISLNK(status.st_mode) else ""
        except OSError:
            return "unreadable"
        return f"a symbolic link to {target}" if target else kind(status)


def store_directory(store_path: Path) -> Folder:
    """The directory holding the store file, opened as named (links above the store were chosen, so followed)."""
    return Folder(os.open(store_path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC), store_path.parent)


def folder_at(store_path: Path, names: tuple[str, ...], create: bool = False, mode: int = SHARED_FOLDER_MODE,
              gid: int = -1) -> Folder:
    """The folder reached from the store's directory through names, each opened without following a link (and made
    with mode and group gid if missing and create)."""
    current = store_directory(store_path)
    try:
        for name in names:
            inner = current.folder(name, create, mode, gid)
            current.close()
            current = inner
    except BaseException:
        current.close()
        raise
    return current


def share(fd: int, mode: int, gid: int = -1, strict: bool = False) -> None:
    """Give the open file or folder fd mode and (unless gid is -1) group gid; a group this user is not in is left
    as it is, unless strict (then GroupRefused)."""
    os.fchmod(fd, mode)
    if gid != -1 and os.fstat(fd).st_gid != gid:
        try:
            os.fchown(fd, -1, gid)
        except PermissionError:
            if strict:
                raise GroupRefused(errno.EPERM, "not in the group", gid) from None
            return
        os.fchmod(fd, mode)  # a change of group clears setgid


def writable_in_place(status: os.stat_result, gid: int) -> bool:
    """Whether sopdash may write into a shared file as it is (append, a lock holder's name): a regular file with no
    other name (a hard link could be someone's private file), that this user owns or the desk's group gid does."""
    return stat.S_ISREG(status.st_mode) and status.st_nlink == 1 and (status.st_uid == os.geteuid() or status.st_gid == gid)


def kind(status: os.stat_result | None) -> str:
    """What an entry is, in words (`a FIFO`, `a folder`, `a file with 2 names (a hard link)`…)."""
    if status is None:
        return "gone"
    kinds = {stat.S_ISLNK: "a symbolic link", stat.S_ISFIFO: "a FIFO", stat.S_ISSOCK: "a socket",
             stat.S_ISCHR: "a device", stat.S_ISBLK: "a device", stat.S_ISDIR: "a folder"}
    for test, words in kinds.items():
        if test(status.st_mode):
            return words
    if status.st_nlink > 1:
        return f"a file with {status.st_nlink} names (a hard link)"
    return "a regular file"
