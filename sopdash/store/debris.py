"""Temp files that killed writes leave beside the store: `check` reports them, `check --fix` removes them.

Every write creates its temp file (`.tickets.json.XXXXXXXX.tmp`, or the same beside an archive month) while it
holds the store's lock, and renames or removes it before letting go; so whoever holds the lock knows that any
such file is debris. A killed write's temp file can hold a whole copy of the client data, so none is kept.
"""

from __future__ import annotations

from pathlib import Path

from sopdash.store.archive import archive_directory


def temp_files(store_path: Path) -> list[Path]:
    """The temp files of writes to the live file and to the archive months."""
    prefixes = [(store_path.parent, f".{store_path.name}.")]
    archive = archive_directory(store_path)
    if archive.is_dir():
        prefixes.append((archive, "."))
    found = [
        entry
        for directory, prefix in prefixes
        for entry in directory.iterdir()
        if entry.name.startswith(prefix) and entry.name.endswith(".tmp") and entry.is_file() and not entry.is_symlink()
    ]
    return sorted(found)


def debris_lines(store_path: Path) -> list[str]:
    """A warning naming how many temp files interrupted writes left, and how to remove them."""
    found = temp_files(store_path)
    if not found:
        return []
    size = sum(_size(entry) for entry in found)
    return [
        f"warning: {len(found)} temp files, of interrupted writes or one under way, beside {store_path} ({size:,} bytes, which may hold "
        "client data); remove them with `sopdash check --fix`"
    ]


def remove_debris(store_path: Path) -> list[str]:
    """Remove every temp file of the store; the caller holds the lock, so none belongs to a write under way."""
    removed = []
    for entry in temp_files(store_path):
        entry.unlink(missing_ok=True)
        removed.append(f"fixed: removed {entry}, left by an interrupted write")
    return removed


def _size(entry: Path) -> int:
    try:
        return entry.stat().st_size
    except FileNotFoundError:  # a write under way finished: `check` looks without taking the lock
        return 0
