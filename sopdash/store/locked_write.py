"""One read-modify-write of the store under its lock, committed so that a crash at any point (kill -9 included)
leaves every ticket in exactly one place.

The live file is the commit point. Its meta record lists, per archive month, the ids that month's file holds
(`archived`), and keeps the high-water mark of ids (`next_id`). A ticket is where the live file says it is:
in the live file's tickets table, or in the month that lists it. Copies a month file holds that its list does
not name are leftovers, never read. So a write goes in this order:

1. each month that gains tickets is rewritten (atomic replace) with them added as copies nobody reads yet
   (and without leftovers); the tickets it already lists are never rewritten, only added to;
2. the live file is replaced: the moved tickets gone from its table and listed under their months, changed
   tickets in, new ids counted — the one atomic step that makes the whole write happen.

A crash before 2 leaves the old store, plus unread copies the next move to that month writes over; a crash
after 2 leaves the new store. A store of schema 2 has its months copied to the new archive folder first (see
`archive_migration`), and step 2 makes it schema 3. A ticket that comes back from the archive (reopened, or changed by an import)
is simply put in the live file and struck from its month's list in step 2; its old copy is a leftover.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from sopdash.core.chain import seal
from sopdash.core.documents import json_bytes
from sopdash.core.errors import InputError, StoreError
from sopdash.core.limits import MAX_TICKET_ID
from sopdash.core.model import Ticket, format_time
from sopdash.store.safe_files import Folder
from sopdash.store.archive import (
    archive_folder,
    doc_archived_at,
    due_for_archive,
    made_archive_folder,
    month_path,
    read_month,
    worth_a_look,
)
from sopdash.store.archive_index import encode_month, indexed_ticket, rebuild_index, write_index
from sopdash.store.archive_migration import copy_old_archive
from sopdash.store.storage import (
    SCHEMA_VERSION,
    SINGLE_FILE_SCHEMA,
    raw_ticket,
    read_raw_file,
    write_atomically,
)


class LockedWrite:
    """The store's files as one transaction: read the live file, change tickets, `commit`. Hold the lock throughout."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.live = read_raw_file(path)
        self.record: dict[str, Any] = self.live.meta["1"]
        self.schema = self.record.get("schema")  # where the archive is read from until the commit
        self.upgrading = self.schema == SINGLE_FILE_SCHEMA
        if self.upgrading:
            self.record = {"schema": SCHEMA_VERSION, "next_id": _highest_id(self.docs) + 1, "archived": {}}
        self.archived: dict[str, list[int]] = self.record.setdefault("archived", {})
        self.listed_before = {month: set(ids) for month, ids in self.archived.items()}  # what a crash falls back to
        self.fetched: set[int] = set()  # ids brought back from the archive in this write
        self.moved: dict[str, int] = {}  # how many tickets the commit moved to each month
        self.changed: set[str] = set()  # ids put in this write

    @property
    def docs(self) -> dict[str, msgspec.Raw]:
        """The live tickets table as stored: each ticket's bytes by id string."""
        return self.live.tickets

    def ticket(self, ticket_id: int) -> Ticket:
        """A ticket as stored now, live or archived; InputError if there is no such ticket."""
        doc = self.docs.get(str(ticket_id))
        if doc is not None:
            return raw_ticket(self.path, str(ticket_id), doc)
        return find_archived(self.path, self.archived, ticket_id, self.schema)

    def every_ticket(self) -> list[Ticket]:
        """Every ticket, live and archived, sorted by id (reads the whole archive)."""
        tickets = [raw_ticket(self.path, key, doc) for key, doc in self.docs.items()]
        for month, ids in self.archived.items():
            stored = read_month(self.path, month, self.schema).tickets
            tickets.extend(listed(stored, ids, self.path, month, self.schema))
        return sorted(tickets, key=lambda ticket: ticket.id)

    def put(self, tickets: Sequence[Ticket]) -> None:
        """Store tickets under their ids in the live file; one that was archived comes back."""
        for ticket in tickets:
            key = str(ticket.id)
            month = None if key in self.docs else listing_month(self.archived, ticket.id)
            if month is not None:
                self.archived[month].remove(ticket.id)
                if not self.archived[month]:
                    del self.archived[month]
                self.fetched.add(ticket.id)
            self.docs[key] = msgspec.Raw(json_bytes(ticket))
            self.changed.add(key)

    def insert(self, tickets: Sequence[Ticket]) -> list[Ticket]:
        """Store tickets as version 1 under new ids in order, never ids used before; returns them as stored."""
        first = self.next_id()
        if first + len(tickets) - 1 > MAX_TICKET_ID:
            raise StoreError(f"ticket ids have reached {MAX_TICKET_ID}, the highest sopdash keeps; start a new store")
        stored = [seal(ticket.evolve(id=first + n, version=1), None) for n, ticket in enumerate(tickets)]
        self.put(stored)
        if stored:
            self.record["next_id"] = first + len(stored)
        return stored

    def next_id(self) -> int:
        """The id the next new ticket gets."""
        return max(int(self.record.get("next_id", 1)), _highest_id(self.docs) + 1)

    def commit(self, now: datetime, archive_after: timedelta, every_due: bool = False) -> dict[str, int]:
        """Move what is due to the archive and write it all in the order that keeps a crash harmless (above);
        returns how many tickets went to each month.

        Without every_due, tickets move only in batches (`ARCHIVE_BATCH`); an old single-file store moves all at once.
        """
        due = self._due(now, archive_after, every_due)
        by_month: dict[str, list[str]] = {}
        for key, month in due.items():
            by_month.setdefault(month, []).append(key)
        if self.schema != SCHEMA_VERSION:
            copy_old_archive(self.path, {month: ids for month, ids in self.listed_before.items() if ids})
            self.record["schema"] = self.schema = SCHEMA_VERSION
        if by_month:
            with made_archive_folder(self.path) as folder:
                for month, keys in sorted(by_month.items()):
                    self._add_to_month(folder, month, keys)
        for month, keys in by_month.items():
            self.archived[month] = sorted({*self.archived.get(month, ()), *map(int, keys)})
        for key in due:
            del self.docs[key]
        self.record["next_id"] = self.next_id()
        self.live.meta["1"] = self.record
        write_atomically(self.path, self.live.encode())
        self.moved = {month: len(keys) for month, keys in by_month.items()}
        return self.moved

    def _due(self, now: datetime, archive_after: timedelta, every_due: bool) -> dict[str, str]:
        """{id: month} of the live tickets to move now, looking at every ticket only when a batch may be due.

        The live file keeps when its oldest closed ticket closed (`oldest_closed`), so most writes read only the
        tickets they changed: on a live file of 2,400 tickets that saves a quarter of a note's time under the lock.
        """
        oldest = _time(self.record.get("oldest_closed"))
        for key in self.changed:
            closed = doc_archived_at(self.docs[key])
            if closed is not None and (oldest is None or closed < oldest):
                oldest = closed
        if every_due or self.upgrading or "oldest_closed" not in self.record or worth_a_look(oldest, now, archive_after):
            due, oldest = due_for_archive(self.docs, now, archive_after, batch=not (every_due or self.upgrading))
        else:
            due = {}
        for key in [key for key in due if int(key) in self.fetched]:
            del due[key]  # changed in this write while listed in a month: it goes back at a later write
            closed = doc_archived_at(self.docs[key])
            oldest = closed if oldest is None or (closed is not None and closed < oldest) else oldest
        self.record["oldest_closed"] = format_time(oldest)
        return due

    def _add_to_month(self, folder: Folder, month: str, keys: list[str]) -> None:
        """Step 1: the month's file with these live tickets added as unlisted copies, and its leftovers dropped."""
        path = month_path(self.path, month)
        if folder.entry(path.name) is not None:  # a link or FIFO there is refused by the read
            kept = set(map(str, self.listed_before.get(month, ())))
            tickets = {key: doc for key, doc in read_raw_file(path, folder).tickets.items() if key in kept}
        else:
            tickets = {}
        tickets.update((key, self.docs[key]) for key in keys)
        data, spans = encode_month({"1": {"schema": SCHEMA_VERSION, "month": month}}, tickets)
        write_atomically(path, data, like=self.path, folder=folder)
        write_index(folder, month, data, spans)


def listing_month(archived: dict[str, list[int]], ticket_id: int) -> str | None:
    """The archive month whose list names ticket_id, if any."""
    return next((month for month, ids in archived.items() if ticket_id in ids), None)


def find_archived(store_path: Path, archived: dict[str, list[int]], ticket_id: int, schema: object) -> Ticket:
    """An archived ticket, read from its own bytes in the one month file that lists it (`archive_index`), or from
    the whole month if the month's index cannot vouch for them; InputError if no month lists it."""
    month = listing_month(archived, ticket_id)
    if month is None:
        raise InputError(f"no ticket #{ticket_id}")
    if schema == SCHEMA_VERSION:  # the months of an older layout, which stores may share, have no index
        with archive_folder(store_path, schema) as folder:
            ticket = indexed_ticket(folder, month, ticket_id)
            if ticket is None and rebuild_index(folder, month) is not None:
                ticket = indexed_ticket(folder, month, ticket_id)
        if ticket is not None:
            return ticket
    stored = read_month(store_path, month, schema).tickets
    return listed(stored, [ticket_id], store_path, month, schema)[0]


def listed(stored: dict[int, Ticket], ids: list[int], store_path: Path, month: str, schema: object) -> list[Ticket]:
    """The tickets of a month file that its list names; a StoreError if one is missing."""
    try:
        return [stored[ticket_id] for ticket_id in ids]
    except KeyError as missing:
        raise StoreError(
            f"{month_path(store_path, month, schema)} lacks ticket {missing.args[0]}, which {store_path} says is "
            "archived there; restore the archive from a backup"
        ) from None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _highest_id(docs: dict[str, dict]) -> int:
    return max(map(int, docs), default=0)
