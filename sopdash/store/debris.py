"""Temp files that killed writes leave beside the store: `check` reports them, `check --fix` removes them.

Every write creates its temp file (`.tickets.json.XXXXXXXXXXXX.tmp`, or the same beside an archive month) while it
holds the store's lock, and renames or removes it before letting go; so whoever holds the lock knows that any
such file is debris. A killed write's temp file can hold a whole copy of the client data, so none is kept.
Only regular files count, looked at and removed by name in their folder: a link is never followed.
"""

from __future__ import annotations

import stat
from pathlib import Path

from sopdash.core.errors import StoreError
from sopdash.store.archive import archive_directory
from sopdash.store.safe_files import Folder, store_directory


def temp_files(store_path: Path) -> list[Path]:
    """The temp files of writes to the live file and to the archive months."""
    return sorted(folder.path / name for folder, name, _ in _debris(store_path, remove=False))


def debris_lines(store_path: Path) -> list[str]:
    """A warning naming how many temp files interrupted writes left, and how to remove them."""
    found = _debris(store_path, remove=False)
    if not found:
        return []
    size = sum(size for _, _, size in found)
    return [
        f"warning: {len(found)} temp files, of interrupted writes or one under way, beside {store_path} ({size:,} bytes, which may hold "
        "client data); remove them with `sopdash check --fix`"
    ]


def remove_debris(store_path: Path) -> list[str]:
    """Remove every temp file of the store; the caller holds the lock, so none belongs to a write under way."""
    return [f"fixed: removed {folder.path / name}, left by an interrupted write" for folder, name, _ in _debris(store_path, remove=True)]


def _debris(store_path: Path, remove: bool) -> list[tuple[Folder, str, int]]:
    """(folder, name, size) of each temp file beside the store and in its archive folder, removed if remove."""
    found = []
    try:
        home = store_directory(store_path)
    except OSError:
        return []
    with home:
        found += _in(home, f".{store_path.name}.", remove)
        try:
            archive = home.folder(archive_directory(store_path).name)
        except (OSError, StoreError):  # none yet, or a link: `check` names the link
            return found
        with archive:
            found += _in(archive, ".", remove)
    return found


def _in(folder: Folder, prefix: str, remove: bool) -> list[tuple[Folder, str, int]]:
    found = []
    for name in folder.names():
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        status = folder.entry(name)
        if status is None or not stat.S_ISREG(status.st_mode):
            continue  # gone (a write under way finished: `check` looks without the lock), or not a temp file of ours
        if remove:
            folder.remove(name)
        found.append((folder, name, status.st_size))
    return found
