"""What the file store does with its search index (`search_index.py`) around a write, a search, `check` and
`check --fix`: a failed index update never fails the write (the index is left stale, and said to be); before a
search a stale index is caught up under the store's lock, and a missing or unreadable one built anew."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path

import msgspec

from sopdash.core.errors import StoreError
from sopdash.core.search import SearchHit, SearchQuery
from sopdash.store.locked_write import LockedWrite
from sopdash.store.search_index import SearchIndex
from sopdash.store.storage import read_raw_file

_INDEX_ERRORS = (sqlite3.Error, OSError, StoreError)
Lock = Callable[[], AbstractContextManager[None]]
Told = Callable[[str], None] | None


def changed_docs(write: LockedWrite) -> dict[str, msgspec.Raw]:
    """The bytes of the tickets a write put, taken before its commit moves any of them to the archive."""
    return {key: write.docs[key] for key in write.changed if key in write.docs}


def after_write(store_path: Path, before: object, after: object, write: LockedWrite,
                changed: dict[str, msgspec.Raw], notify: Told) -> None:
    """Index what a committed write changed (the lock still held); if that fails the write stands, the index
    stays behind it (stale), and notify hears so."""
    archived_now = {i for month in write.moved for i in write.archived[month] if i not in write.listed_before.get(month, ())}
    try:
        SearchIndex(store_path).after_write(before, after, write.live, changed, archived_now)
    except _INDEX_ERRORS as error:
        if notify is not None:
            notify(f"the search index was not updated ({error}); the next search or `sopdash check --fix` catches it up")


def search(store_path: Path, signature: Callable[[], object], locked: Lock, notify: Told, query: SearchQuery,
           limit: int, before: int | None, since: datetime | None) -> list[SearchHit]:
    """The newest tickets matching query, from an index brought in line first if it is behind the store."""
    index = SearchIndex(store_path)
    bring_in_line(index, signature, locked, notify)
    try:
        return index.search(query, limit, before, since)
    except (sqlite3.Error, OSError) as error:
        raise StoreError(f"the search index {index.path} cannot be read ({error}); `sopdash store reindex` builds it anew") from None


def bring_in_line(index: SearchIndex, signature: Callable[[], object], locked: Lock, notify: Told) -> str | None:
    """Catch a stale index up under the lock, or build a missing or unreadable one anew (reading the history
    without the lock); what was done, or None if it was in line."""
    if index.in_line_with(signature()):
        return None
    if index.exists():
        try:
            with locked():
                index.catch_up(signature())
            return f"fixed: the search index {index.path} caught up with the store"
        except _INDEX_ERRORS:
            pass  # unreadable, not an index, or of another format: built anew below
    if notify is not None:
        notify(f"building the search index {index.path} (once; it is kept up to date from now on)")
    count = index.rebuild(signature, locked)
    return f"fixed: the search index {index.path} built anew ({count} tickets)"


def diagnosis(store_path: Path, signature: object) -> list[str]:
    """What `check` says of the search index."""
    live = read_raw_file(store_path)
    count = len(live.tickets) + sum(len(ids) for ids in live.meta["1"].get("archived", {}).values())
    problem = SearchIndex(store_path).problem(signature, count)
    if problem is None:
        return [f"ok: the search index holds all {count} tickets"]
    return [f"warning: {problem}; `sopdash check --fix` or `sopdash store reindex` brings it in line"]


def repair(store_path: Path, signature: Callable[[], object], locked: Lock) -> list[str]:
    """What `check --fix` did to the search index (the store's lock not held): caught up if that brings it in
    line (a count that still differs is built anew), else built anew."""
    if diagnosis(store_path, signature())[0].startswith("ok:"):
        return []
    index = SearchIndex(store_path)
    done = bring_in_line(index, signature, locked, None)
    if diagnosis(store_path, signature())[0].startswith("ok:"):
        return [done] if done else []
    return [f"fixed: the search index {index.path} built anew ({index.rebuild(signature, locked)} tickets)"]
