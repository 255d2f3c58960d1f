"""Moving a store of schema 2 to the archive folder named after its whole file name.

Schema 2 kept the archive in `<stem>.archive/` (`tickets.archive/`), which `helpdesk.json` and `helpdesk.db`, or a
store and its `store copy` `tickets.bak`, share — and so overwrite each other's months. Schema 3 keeps it in
`<name>.archive/` (`tickets.json.archive/`). The first write of a schema-2 store, under the lock, copies every month
its live file lists into the new folder; its commit then writes the live file as schema 3. A crash in between leaves
the store as it was, still read from the old folder, and the next write copies again. The old folder is left where
it is: another store of the same stem may still list months in it (`sopdash check` says so).
"""

from __future__ import annotations

import stat
from pathlib import Path

from sopdash.core.errors import StoreError
from sopdash.store.archive import archive_folder, made_archive_folder
from sopdash.store.archive_index import INDEX_SUFFIX, rebuild_index
from sopdash.store.month_tallies import TALLY_SUFFIX
from sopdash.store.safe_files import Folder
from sopdash.store.storage import STEM_ARCHIVE_SCHEMA, read_bytes, write_atomically


def copy_old_archive(store_path: Path, archived: dict[str, list[int]]) -> None:
    """Copy the months `archived` lists from `<stem>.archive/` to `<name>.archive/`, byte for byte.

    A StoreError, and nothing copied, if the new folder holds anything that is not such a copy: then it is not
    this store's, or the old folder changed since, and a human must say which folder is the archive.
    """
    if not archived:
        return
    with archive_folder(store_path, STEM_ARCHIVE_SCHEMA) as old, made_archive_folder(store_path) as new:
        refuse_strangers(store_path, old, new)
        for month in sorted(archived):
            name = f"{month}.json"
            write_atomically(new.path / name, read_bytes(old.path / name, old), like=store_path, folder=new)
            rebuild_index(new, month)


def refuse_strangers(store_path: Path, old: Folder, new: Folder) -> None:
    """A StoreError if the new folder holds a file that is not a copy of the old folder's file of that name."""
    for name in sorted(new.names()):
        if name.startswith(".") and name.endswith(".tmp") or name.endswith((INDEX_SUFFIX, TALLY_SUFFIX)):
            continue  # a killed write's temp file (`sopdash check --fix` removes it), or a month's derived file
        if _is_regular(new, name) and _is_regular(old, name) and new.read(name) == old.read(name):
            continue
        raise StoreError(
            f"both {old.path} (the old place of {store_path.name}'s archive) and {new.path} (its new place) exist, and "
            f"{new.path / name} is not a copy of {old.path / name}, so sopdash cannot tell which folder is the archive "
            f"of {store_path}; nothing was changed. Move aside the one that is not its archive and try again"
        )


def _is_regular(folder: Folder, name: str) -> bool:
    status = folder.entry(name)
    return status is not None and stat.S_ISREG(status.st_mode)
