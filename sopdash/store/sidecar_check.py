"""`sopdash check` on what sits beside the store: links, FIFOs, wrong groups and modes where sopdash keeps plain
files and folders (the lock, `<store>.presence/`, `<store>.files/`, `<store>.archive/`), and `check --fix`, which
repairs what it safely can and names what it leaves for a human.

Everything is looked at through folder descriptors and `lstat`, so a link is reported as the link it is (never as
its target's mode) and a repair never reaches through one. --fix removes a link, FIFO or socket only where no
store data can be (the lock, the presence folder and its entries, kept files, unlisted month names); a link in
place of the archive or kept-files folder, or of a listed month, may be someone's only copy, so it is left.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from sopdash.core.errors import StoreError
from sopdash.store.archive import archive_directory
from sopdash.store.paths import files_dir_for, lock_path_for, old_archive_dir_for, presence_dir_for
from sopdash.store.safe_files import Folder, store_directory
from sopdash.store.access_errors import group_name
from sopdash.store.storage import SCHEMA_VERSION, read_store_file

_MONTH = re.compile(r"\d{4}-\d{2}\.json")
_MONTH_INDEX = re.compile(r"\d{4}-\d{2}\.(index|tally)")  # derived (`archive_index`, `month_tallies`): may go
_KEPT_WALK_LIMIT = 200_000  # entries looked at in `<store>.files/`; a desk keeps a few per mail
_REMOVES = ("removes it (never what it points at)", "removed it; what it pointed at is untouched")
_REGROUPS = ("gives it the store's group", "gave it the store's group")
_LEFT = "if it leads to this store's {}, move that back in place of the link; otherwise remove the link"


class Scan:
    """What `check` says about the sidecars, or (repair) what `check --fix` did and left."""

    def __init__(self, store_path: Path, repair: bool) -> None:
        self.store_path = store_path
        self.repair = repair
        self.lines: list[str] = []
        self.gid = store_path.stat().st_gid

    def found(self, level: str, problem: str, fix: Callable[[], object] | None = None, does: tuple[str, str] = ("", ""),
              left: str = "") -> None:
        """One problem: reported by `check` (with what --fix does, does[0]); by --fix repaired with fix (then does[1]
        says what was done) or, without fix, left (with the advice in left)."""
        if not self.repair:
            advice = f"; `sopdash check --fix` {does[0]}" if fix else (f"; {left}" if left else "")
            self.lines.append(f"{level}: {problem}{advice}")
        elif fix is None:
            if level != "note":
                self.lines.append(f"left for you: {problem}" + (f"; {left}" if left else ""))
        else:
            try:
                fix()
                self.lines.append(f"fixed: {problem}; {does[1]}")
            except OSError as error:
                self.lines.append(f"left for you: {problem}; --fix could not: {error.strerror or error}")

    def odd_entry(self, folder: Folder, name: str, expected: str, removable: bool, left: str = "") -> bool:
        """Report what is at name if it is not a plain `expected` ("file"/"folder"); True if it was not."""
        status = folder.entry(name)
        if status is None:
            return False
        wanted = stat.S_ISDIR if expected == "folder" else stat.S_ISREG
        if wanted(status.st_mode):
            return False
        removable = removable and not stat.S_ISDIR(status.st_mode) and not stat.S_ISREG(status.st_mode)
        problem = f"{folder.path / name} is {folder.describe(name)}, where sopdash keeps a plain {expected}"
        self.found("error", problem, (lambda: folder.remove(name)) if removable else None, _REMOVES,
                   left or "move it away by hand")
        return True

    def folder_modes(self, folder: Folder, sticky: bool) -> None:
        """A sidecar folder's group, its permissions for users outside the group, and (sticky) its sticky bit."""
        status = os.fstat(folder.fd)
        mode = stat.S_IMODE(status.st_mode)
        wanted = mode & ~0o007 | (stat.S_ISVTX | stat.S_ISGID if sticky else 0)
        if wanted != mode:
            missing = "open to users outside the group" if mode & 0o007 else "not sticky, so one technician can remove another's files"
            self.found("warning", f"{folder.path} has mode {mode:04o}: {missing}", lambda: os.fchmod(folder.fd, wanted),
                       (f"sets {wanted:04o}", f"set it to {wanted:04o}"))
        self.group(folder.fd, folder.path, status)

    def file_modes(self, folder: Folder, name: str, status: os.stat_result) -> None:
        """A kept file's group, links and permissions for users outside the group (fixed through a descriptor)."""
        path = folder.path / name
        if status.st_nlink > 1:
            self.found("warning", f"{path} has {status.st_nlink} names (a hard link)",
                       left="sopdash will not write to it; check where its other names are")
        mode = stat.S_IMODE(status.st_mode)
        if mode & 0o007:
            self.found("warning", f"{path} has mode {mode:04o}: open to users outside the group",
                       lambda: _through(folder, name, lambda fd: os.fchmod(fd, mode & ~0o007)),
                       (f"sets {mode & ~0o007:04o}", f"set it to {mode & ~0o007:04o}"))
        if status.st_gid != self.gid:
            self.found("warning", f"{path} belongs to group {group_name(status.st_gid)}, not the store's {group_name(self.gid)}",
                       lambda: _through(folder, name, lambda fd: os.fchown(fd, -1, self.gid)), _REGROUPS)

    def group(self, fd: int, path: Path, status: os.stat_result) -> None:
        if status.st_gid != self.gid:
            self.found("warning", f"{path} belongs to group {group_name(status.st_gid)}, not the store's {group_name(self.gid)}",
                       lambda: os.fchown(fd, -1, self.gid), _REGROUPS)


def sidecar_lines(store_path: Path, archived: dict[str, list[int]] | None, schema: object) -> list[str]:
    """`check`'s lines on the sidecars (archived: the months the live file lists; None if it cannot be read)."""
    return _scan(store_path, archived, schema, repair=False)


def repair_sidecars(store_path: Path) -> list[str]:
    """`check --fix`: links and FIFOs planted where sopdash keeps its own files removed, modes and groups set
    through descriptors; a line for each thing done and each left for a human."""
    try:
        record = read_store_file(store_path).record
        archived, schema = record.get("archived", {}), record.get("schema")
    except StoreError:
        archived, schema = None, SCHEMA_VERSION
    return _scan(store_path, archived, schema, repair=True)


def _scan(store_path: Path, archived: dict[str, list[int]] | None, schema: object, repair: bool) -> list[str]:
    try:
        scan = Scan(store_path, repair)
        home = store_directory(store_path)
    except OSError:
        return []  # the store's own lines say why it cannot be read
    with home:
        lock = lock_path_for(store_path).name
        if not scan.odd_entry(home, lock, "file", removable=True):
            status = home.entry(lock)
            if status is not None and status.st_nlink > 1:
                scan.found("warning", f"{home.path / lock} has {status.st_nlink} names (a hard link)",
                           left="sopdash will not write its holder's name in it; remove the other names")
        _presence(scan, home, presence_dir_for(store_path).name)
        _kept(scan, home, files_dir_for(store_path).name)
        _archive(scan, home, archive_directory(store_path, schema).name, archived)
        old = old_archive_dir_for(store_path)
        if schema == SCHEMA_VERSION and home.entry(old.name) is not None and old != archive_directory(store_path):
            scan.found("note", f"{old} is where sopdash kept archives before {store_path.name}'s own "
                       f"{archive_directory(store_path).name}/; once no other store named {store_path.stem}.* lists "
                       "months in it (each moves its months on its next write), remove it by hand")
    return scan.lines


def _presence(scan: Scan, home: Folder, name: str) -> None:
    folder = _sidecar(scan, home, name, removable=True)
    if folder is not None:
        with folder:
            scan.folder_modes(folder, sticky=True)
            for entry in sorted(folder.names()):
                scan.odd_entry(folder, entry, "file", removable=True)


def _kept(scan: Scan, home: Folder, name: str) -> None:
    folder = _sidecar(scan, home, name, removable=False, left=_LEFT.format("kept mail"))
    if folder is not None:
        with folder:
            _walk(scan, folder, [_KEPT_WALK_LIMIT])


def _walk(scan: Scan, folder: Folder, budget: list[int]) -> None:
    """Every entry below folder: plain folders and files only, modes and groups right."""
    scan.folder_modes(folder, sticky=True)
    for name in sorted(folder.names()):
        budget[0] -= 1
        if budget[0] < 0:
            return
        status = folder.entry(name)
        if status is None or scan.odd_entry(folder, name, "folder" if stat.S_ISDIR(status.st_mode) else "file", removable=True):
            continue
        if stat.S_ISDIR(status.st_mode):
            inner = _opened(folder, name)
            if inner is not None:
                with inner:
                    _walk(scan, inner, budget)
        else:
            scan.file_modes(folder, name, status)


def _archive(scan: Scan, home: Folder, name: str, archived: dict[str, list[int]] | None) -> None:
    folder = _sidecar(scan, home, name, removable=False, left=_LEFT.format("archive"))
    if folder is None:
        return
    with folder:
        scan.folder_modes(folder, sticky=False)
        for entry in sorted(folder.names()):
            if _MONTH.fullmatch(entry):
                listed = archived is None or entry.removesuffix(".json") in archived
                scan.odd_entry(folder, entry, "file", removable=not listed,
                               left="the live file lists this month: put the month's file in its place (from a backup)")
            elif _MONTH_INDEX.fullmatch(entry):
                scan.odd_entry(folder, entry, "file", removable=True)


def _sidecar(scan: Scan, home: Folder, name: str, removable: bool, left: str = "") -> Folder | None:
    """The sidecar folder name, opened; None (and what is there reported) if it is missing or no plain folder."""
    if scan.odd_entry(home, name, "folder", removable, left):
        return None
    return _opened(home, name)


def _opened(folder: Folder, name: str) -> Folder | None:
    try:
        return folder.folder(name)
    except (OSError, StoreError):
        return None


def _through(folder: Folder, name: str, change: Callable[[int], None]) -> None:
    """Apply change to the file name through a descriptor opened without following a link."""
    fd = folder.open_file(name)
    try:
        change(fd)
    finally:
        os.close(fd)

