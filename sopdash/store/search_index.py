"""The file store's search index: `<store>.search.sqlite` beside the live file, an SQLite FTS5 table of every ticket's
folded, stemmed words (`core/search.py`), live and archived. Derived, never the source of truth.

Every locked write brings it up to date before the lock is let go (`after_write`): the index keeps the live file's
signature as it was after the last write it saw (its marker), so a write whose index update was lost (a crash, a
full disk, kill -9 between the two commits) leaves the marker behind the live file — the index is stale, and the
next write, search or `check --fix` catches it up (`catch_up`) from the live file and the months that changed.
`rebuild` (`sopdash store reindex`, or a search that finds none) builds it anew in a temp file, reading the history
without the lock.

Opened as the other sidecars are: the file and its rollback journal (kept in place, `journal_mode=PERSIST`, so
nobody can plant a link under its name between writes) are checked to be regular files, not links, before SQLite
opens them by name, and made with the store's read and write bits and its group.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path

import msgspec

from sopdash.core.errors import StoreError
from sopdash.core.model import Requester, Ticket
from sopdash.core.search import (
    SearchHit,
    SearchQuery,
    fts_expression,
    index_text,
    last_activity,
    matching_line,
    ticket_texts,
)
from sopdash.store.archive import read_month
from sopdash.store.paths import sidecar
from sopdash.store.safe_files import Folder, share, store_directory
from sopdash.store.storage import RawFile, raw_ticket, read_raw_file

SUFFIX = ".search.sqlite"
JOURNAL = "-journal"
FORMAT = "1"  # what the index holds and how it folds words; an index of another format is built anew
_BATCH = 2_000
_BUSY_TIMEOUT = 10.0

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY, version INTEGER NOT NULL, seal TEXT NOT NULL, archived INTEGER NOT NULL, status TEXT NOT NULL,
    priority TEXT NOT NULL, assignee TEXT NOT NULL, changed TEXT NOT NULL,
    subject TEXT NOT NULL, text TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL
);
CREATE VIRTUAL TABLE words USING fts5(subject, text, people, tokenize = 'unicode61 remove_diacritics 0', columnsize = 0);
"""


class _Stamp(msgspec.Struct):
    """What tells one state of a ticket from another: its version and its newest timeline seal (so a store put back
    from a backup, same ids and versions, other text, is still told apart)."""

    version: int = 1
    timeline_seal: str = ""


_STAMP = msgspec.json.Decoder(_Stamp)


def marker(signature: object) -> str:
    """A live file's signature as the index keeps it."""
    return repr(signature)


class SearchIndex:
    """`<store>.search.sqlite`: opened safely, updated under the store's lock, searched without it."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self.path = sidecar(store_path, SUFFIX)

    def exists(self) -> bool:
        """Whether there is an index file (of any kind) beside the store."""
        return os.path.lexists(self.path)

    # -- opening -------------------------------------------------------------------------------------------

    @contextmanager
    def connection(self, create: bool = False) -> Iterator[sqlite3.Connection]:
        """The index, its file and journal checked first; made empty if create and missing. FileNotFoundError if it
        is missing, UnsafeEntry if a link or FIFO is where it or its journal belongs."""
        with store_directory(self.store_path) as home:
            if create and home.entry(self.path.name) is None:
                self._make(home, self.path.name)
            fd = home.open_file(self.path.name)
            try:
                status = os.fstat(fd)
                if status.st_nlink != 1:
                    raise home.unsafe(self.path.name, "file")
                self._vet_journal(home)
                conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
            finally:
                os.close(fd)
        with closing(conn):
            conn.execute("PRAGMA journal_mode = PERSIST")
            opened = os.stat(self.path, follow_symlinks=False)
            if (opened.st_dev, opened.st_ino) != (status.st_dev, status.st_ino):
                raise StoreError(f"{self.path} was replaced while it was opened; try again")
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
                _create_schema(conn)
            yield conn

    def _vet_journal(self, home: Folder) -> None:
        name = self.path.name + JOURNAL
        if home.entry(name) is None:
            try:
                self._make(home, name)
            except PermissionError:
                return  # a reader without write access: SQLite makes no journal for it
        else:
            os.close(home.open_file(name))  # refuses a link or FIFO

    def _make(self, home: Folder, name: str) -> None:
        try:
            fd = home.open_file(name, os.O_RDWR | os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            return  # another technician made it first
        try:
            store = os.stat(self.store_path)
            share(fd, stat.S_IMODE(store.st_mode) & 0o666, store.st_gid)
        finally:
            os.close(fd)

    # -- keeping it up to date -----------------------------------------------------------------------------

    def after_write(self, before: object, after: object, live: RawFile, changed: dict[str, msgspec.Raw],
                    archived_now: set[int]) -> None:
        """Bring the index in line with a write just committed (the store's lock still held): before and after are
        the live file's signatures around the write, live the file as written, changed the tickets it wrote (their
        bytes, taken before the commit moved any to the archive), archived_now the ids the commit moved. A missing
        index, or one of another format, is left for a search or `store reindex` to build: never under a write."""
        if not self.exists():
            return
        with self.connection() as conn, transaction(conn):
            if _meta(conn, "format") != FORMAT:
                return
            if _meta(conn, "marker") != marker(before):
                self._catch_up(conn, live)
            else:
                rows = [raw_ticket(self.store_path, key, doc) for key, doc in changed.items()]
                _put(conn, [(ticket, ticket.id in archived_now) for ticket in rows], replace=True)
                conn.executemany("UPDATE tickets SET archived = 1 WHERE id = ?", [(i,) for i in archived_now])
            _set_marker(conn, after)

    def catch_up(self, signature: object) -> None:
        """Bring a stale index in line with the store (the store's lock held): what changed since its marker, read
        from the live file and the months that gained tickets; an empty index is made for a store with none.
        StoreError if the index is of another format (then `rebuild`)."""
        live = read_raw_file(self.store_path)
        with self.connection(create=True) as conn, transaction(conn):
            if _meta(conn, "format") != FORMAT:
                raise StoreError(f"the search index {self.path} was built by another version of sopdash")
            self._catch_up(conn, live)
            _set_marker(conn, signature)

    def rebuild(self, signature: Callable[[], object], locked: Callable[[], AbstractContextManager[None]]) -> int:
        """Build the index anew from every ticket (the store's lock not held); how many tickets it holds.

        The history is read and indexed into a temp file without the lock, so writers wait only while, under the
        lock, what changed meanwhile is added and the temp file takes the index's place."""
        with store_directory(self.store_path) as home:
            fd, temp = home.temp_file(self.path.name)
            os.close(fd)
        try:
            with closing(sqlite3.connect(self.path.with_name(temp), isolation_level=None)) as conn:
                conn.execute("PRAGMA journal_mode = OFF")  # a temp file: a crash leaves debris, never a half index
                _create_schema(conn)
                with transaction(conn):
                    self._catch_up(conn, read_raw_file(self.store_path))
                with locked():
                    with transaction(conn):
                        self._catch_up(conn, read_raw_file(self.store_path))
                        _set_marker(conn, signature())
                    count = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
                    self._put_in_place(temp)
            return count
        finally:
            with store_directory(self.store_path) as home:
                home.remove(temp)  # only still there if it never took the index's place

    def _put_in_place(self, temp: str) -> None:
        """The built temp file, given the store's mode and group, becomes the index; the old index's journal goes
        with it, and a new one is made in its place."""
        with store_directory(self.store_path) as home:
            fd = home.open_file(temp)
            try:
                store = os.stat(self.store_path)
                share(fd, stat.S_IMODE(store.st_mode) & 0o666, store.st_gid)
            finally:
                os.close(fd)
            home.remove(self.path.name + JOURNAL)
            os.replace(temp, self.path.name, src_dir_fd=home.fd, dst_dir_fd=home.fd)
            self._vet_journal(home)

    def _catch_up(self, conn: sqlite3.Connection, live: RawFile) -> None:
        """Index what the live file and its months hold that the index does not, as it is now."""
        known = {row[0]: (row[1], row[2], row[3]) for row in conn.execute("SELECT id, version, seal, archived FROM tickets")}
        stale_live = [key for key, doc in live.tickets.items() if known.pop(int(key), None) != (*_stamp(doc), 0)]
        _put(conn, [(raw_ticket(self.store_path, key, live.tickets[key]), False) for key in stale_live], replace=True)
        archived: dict[str, list[int]] = live.meta["1"].get("archived", {})
        schema = live.meta["1"].get("schema")
        for month, ids in sorted(archived.items()):
            behind = [i for i in ids if known.pop(i, (0, "", 0))[2] != 1]
            if behind:
                stored = read_month(self.store_path, month, schema).tickets
                _put(conn, [(stored[i], True) for i in behind if i in stored], replace=True)
        conn.executemany("DELETE FROM tickets WHERE id = ?", [(i,) for i in known])
        conn.executemany("DELETE FROM words WHERE rowid = ?", [(i,) for i in known])

    # -- what check says -----------------------------------------------------------------------------------

    def problem(self, signature: object, expected_count: int) -> str | None:
        """What is wrong with the index, in words (missing, stale, inconsistent, unreadable); None if it is in line."""
        if not self.exists():
            return f"the search index {self.path} is missing"
        try:
            with self.connection() as conn:
                if _meta(conn, "format") != FORMAT:
                    return f"the search index {self.path} was built by another version of sopdash"
                if _meta(conn, "marker") != marker(signature):
                    return f"the search index {self.path} is behind the store (a write did not reach it)"
                count = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        except (sqlite3.Error, OSError, StoreError) as error:
            return f"the search index {self.path} cannot be read ({error})"
        if count != expected_count:
            return f"the search index {self.path} holds {count} tickets where the store holds {expected_count}"
        return None

    # -- searching -----------------------------------------------------------------------------------------

    def search(self, query: SearchQuery, limit: int, before: int | None, since: datetime | None) -> list[SearchHit]:
        """The newest tickets (highest ids first, below before if given) holding every word and phrase of query and
        passing its status, priority and assignee filters, changed at or after since."""
        where, params = ["words MATCH ?"], [fts_expression(query)]
        if before is not None:
            where.append("words.rowid < ?")
            params.append(before)
        for column, values in (("status", query.filters.statuses), ("priority", query.filters.priorities),
                               ("assignee", query.filters.assignees)):
            if values is not None:
                where.append(f"t.{column} IN ({', '.join('?' * len(values))})")
                params.extend(sorted(values))
        if since is not None:
            where.append("t.changed >= ?")
            params.append(_time(since))
        sql = ("SELECT t.id, t.subject, t.status, t.archived, t.text, t.name, t.email, t.changed FROM words "
               f"JOIN tickets t ON t.id = words.rowid WHERE {' AND '.join(where)} ORDER BY words.rowid DESC LIMIT ?")
        with self.connection() as conn:
            rows = conn.execute(sql, (*params, limit)).fetchall()
        return [
            SearchHit(id, subject, status, bool(archived), matching_line(query, subject, text), Requester(name, email),
                      datetime.fromisoformat(changed))
            for id, subject, status, archived, text, name, email, changed in rows
        ]

    def in_line_with(self, signature: object) -> bool:
        """Whether the index is there, readable, and saw the write that left the live file at signature."""
        try:
            with self.connection() as conn:
                return _meta(conn, "format") == FORMAT and _meta(conn, "marker") == marker(signature)
        except (OSError, sqlite3.Error, StoreError):
            return False


def _create_schema(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        for statement in filter(str.strip, _SCHEMA.split(";")):
            conn.execute(statement)
        conn.execute("INSERT INTO meta VALUES ('format', ?), ('marker', '')", (FORMAT,))


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken at once (BEGIN IMMEDIATE): committed at the end, rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _put(conn: sqlite3.Connection, tickets: Iterable[tuple[Ticket, bool]], replace: bool) -> None:
    """Store tickets (each with whether it is archived) in the index, in batches."""
    batch: list[tuple[Ticket, bool]] = []
    for each in tickets:
        batch.append(each)
        if len(batch) >= _BATCH:
            _put_batch(conn, batch, replace)
            batch = []
    _put_batch(conn, batch, replace)


def _put_batch(conn: sqlite3.Connection, batch: list[tuple[Ticket, bool]], replace: bool) -> None:
    rows, words = [], []
    for ticket, archived in batch:
        subject, text, people = ticket_texts(ticket)
        rows.append((ticket.id, ticket.version, ticket.timeline_seal, int(archived), ticket.status, ticket.priority, ticket.assignee,
                     _time(last_activity(ticket)), subject, text, ticket.requester.name, ticket.requester.email))
        words.append((ticket.id, index_text(subject), index_text(text), index_text(people)))
    if replace:
        conn.executemany("DELETE FROM words WHERE rowid = ?", [(row[0],) for row in rows])
    conn.executemany("INSERT OR REPLACE INTO tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO words (rowid, subject, text, people) VALUES (?, ?, ?, ?)", words)


def _stamp(doc: msgspec.Raw) -> tuple[int, str]:
    stamp = _STAMP.decode(doc)
    return stamp.version, stamp.timeline_seal


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def _set_marker(conn: sqlite3.Connection, signature: object) -> None:
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('marker', ?)", (marker(signature),))


def _time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")

