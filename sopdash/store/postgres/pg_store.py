"""The ticket store on PostgreSQL: the same operations and promises as the file store, kept by the database.

Each ticket is a row holding its document; a change reads the row `FOR UPDATE`, applies the SOP rule
to it and writes the next version in one transaction, so two technicians never overwrite each other
and an out-of-date action is refused exactly as on the file. Ids come from a sequence, which never
hands out a number twice. What the technician's database role may do is decided by the database
(see `schema`), and every refusal there comes back as the same kind of message as on the file store.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from operator import attrgetter
from datetime import datetime, timedelta
from typing import Any

import msgspec
import psycopg
from psycopg import errors

from sopdash.clock import Clock, system_clock
from sopdash.core.chain import seal
from sopdash.core.documents import json_bytes
from sopdash.core.errors import ConflictError, InputError, RuleRefused, StoreError
from sopdash.core.model import OPEN_STATUSES, Ticket, validation_problem
from sopdash.core.search import SearchHit, SearchQuery, last_activity, matching_line, ticket_texts
from sopdash.core.summary import Cursor, TicketSummary
from sopdash.store.contract import ARCHIVE_AFTER, ByIdPlan, Progress, Store, check_version
from sopdash.store.gc_pause import gc_paused
from sopdash.store.postgres.audit_rules import AUDIT_REFUSED, INVALID_DOCUMENT, WRITE_KEY
from sopdash.store.postgres.change_feed import ChangeFeed
from sopdash.store.postgres.change_listener import POOLED, ChangeListener, announcements_heard
from sopdash.store.postgres.connection import LIMITS, RECONNECT_TIMEOUT_S, connect, first_line, shown_url
from sopdash.store.postgres.failures import described
from sopdash.store.postgres.history_pages import page_sql
from sopdash.store.postgres.kept_files import DatabaseFiles
from sopdash.store.postgres.message_index import DatabaseMailIndex
from sopdash.store.postgres.presence import DatabasePresence
from sopdash.store.postgres.search import search_sql
from sopdash.store.postgres.watchdog import WATCHDOG, cut
from sopdash.store.postgres.schema import (
    MANAGER_ONLY,
    MANAGER_ROLE,
    SCHEMA_VERSION,
    TECHNICIAN_ROLE,
    TIMELINE_ALTERED,
    VERSION_SKIPPED,
    schema_version,
)

Signature = tuple[int, int, int]

_TICKETS = msgspec.json.Decoder(list[Ticket])
_TICKET = msgspec.json.Decoder(Ticket)
_SUMMARIES = msgspec.json.Decoder(list[TicketSummary])
_NEWEST_CHANGE = "SELECT coalesce(max(seq), 0) FROM sopdash.changes"
_BY_ID_LOCK = 0x1D_7A4E  # advisory lock key: one transact_by_id at a time
# the working set, as the file store's live file: not closed, or closed (at or after creation) within archive_after;
# written as three conditions, each with its index (scale_migration), so the server reads the live rows only
_LIVE = ("status <> 'closed' OR (status = 'closed' AND closed_at >= %(cutoff)s) OR created_at >= %(cutoff)s")
PAGE = 5_000  # tickets per page when reading the history, `check` and `store copy`
LOG_LIMIT = 2_000  # changes read by id after a reconnect; more than that, and everything is read again
_REPLACE = """
UPDATE sopdash.tickets AS t SET version = v.version, doc = v.doc
FROM unnest(%s::bigint[], %s::integer[], %s::text[]::json[]) AS v(id, version, doc) WHERE t.id = v.id
"""


class PostgresStore(Store):
    """The team's tickets in a PostgreSQL database initialised by `sopdash store init-postgres`."""

    def __init__(
        self, url: str, *, create: bool = False, clock: Clock = system_clock, archive_after: timedelta = ARCHIVE_AFTER
    ) -> None:
        """Connect to url and check its schema; clock and archive_after say which closed tickets are still live.

        `create` is accepted for symmetry with the file store: only `init-postgres` creates the schema, since it
        also creates the roles."""
        self.url = url
        self.clock, self.archive_after = clock, archive_after
        self.location = shown_url(url)
        self._lock = threading.RLock()  # one connection, shared by a dashboard's threads one operation at a time
        self._listener_lock = threading.Lock()  # never the connection's lock: the screen asks the listener
        self._conn = connect(url)
        self._listener: ChangeListener | None = None
        self._feed = ChangeFeed()  # which held tickets changed since they were read
        self._held_live: dict[int, Ticket] | None = None  # what live() last read, kept up by id
        self._held_all: dict[int, Ticket] | None = None  # what history() last read, kept up by id
        self._check_schema()

    # -- reading -----------------------------------------------------------------------------

    def live(self) -> list[Ticket]:
        """The working set, sorted by id: every ticket not closed, and those closed within archive_after.

        The first read takes the live rows through their indexes; after it, only the tickets the change log names
        as changed are read again (see `ChangeFeed`), and those that aged out of the working set are let go.
        """
        cutoff = self.clock() - self.archive_after
        with self.session() as conn:
            self._catch_up(conn, cutoff)
            if self._held_live is None:
                self._feed.start(conn.execute(_NEWEST_CHANGE).fetchone()[0])
                rows = conn.execute(f"SELECT id, doc FROM sopdash.tickets WHERE {_LIVE} ORDER BY id",
                                    {"cutoff": cutoff}).fetchall()
                self._held_live = {ticket.id: ticket for ticket in self._decode_rows(rows)}
            held = self._held_live
            for aged in [ticket_id for ticket_id, ticket in held.items() if not _live_at(ticket, cutoff)]:
                del held[aged]
            return sorted(held.values(), key=attrgetter("id"))

    def history(self, since: datetime | None = None, progress: Progress | None = None) -> list[Ticket]:
        """Every ticket not closed before since (every ticket when None), sorted by id, read in pages.

        The whole history, once read, is kept up by id as the working set is; a one-off read of a period (a report)
        asks the server for that period only. Under the bulk limits: at millions of tickets the pages take a while.
        """
        with self.session("bulk") as conn:
            self._catch_up(conn, self.clock() - self.archive_after)
            if since is not None and self._held_all is None:
                return self._period(conn, since)
            if self._held_all is None:
                self._feed.start(conn.execute(_NEWEST_CHANGE).fetchone()[0])
                total = conn.execute("SELECT count(*) FROM sopdash.tickets").fetchone()[0]
                held: dict[int, Ticket] = {}
                for rows in _pages(conn):
                    held.update((ticket.id, ticket) for ticket in self._decode_rows(rows))
                    if progress is not None:
                        progress(len(held), max(total, len(held)))
                self._held_all = held
            tickets = sorted(self._held_all.values(), key=attrgetter("id"))
        if since is None:
            return tickets
        return [t for t in tickets if not (t.closed_at and t.closed_at < since and t.created_at < since)]

    def _period(self, conn: psycopg.Connection, since: datetime) -> list[Ticket]:
        """Every ticket not closed before since: the ids through the working set's indexes (as `live` reads them,
        since for the cutoff), then the tickets by id a page at a time; never a walk of every id in order."""
        ids = [row[0] for row in conn.execute(f"SELECT id FROM sopdash.tickets WHERE {_LIVE} ORDER BY id",
                                               {"cutoff": since})]
        return [ticket for start in range(0, len(ids), PAGE) for ticket in self._decode_rows(conn.execute(
            "SELECT id, doc FROM sopdash.tickets WHERE id = ANY(%s) ORDER BY id", (ids[start:start + PAGE],)).fetchall())]

    def history_slices(self, since: datetime | None = None, kind: type = Ticket) -> list[Callable[[], list[Ticket]]]:
        """history(since) as the tickets not closed and one slice per closing month, as the file store's live file
        and archive months, so a report can count them on every processor; whole tickets, whatever `kind` (which has
        a part of a ticket's fields and properties) asks.

        Each slice reads over a connection of its own, opened in the process that reads it (a connection must never
        cross a fork), and raises StoreError if any ticket changed since this call, since it might then have moved
        between slices.
        """
        period = "" if since is None else " AND NOT (closed_at < %(since)s AND created_at < %(since)s)"
        with self.session() as conn:
            stamp = conn.execute(_NEWEST_CHANGE).fetchone()[0]
            months = conn.execute(
                "SELECT DISTINCT date_trunc('month', closed_at) AS m, date_trunc('month', closed_at) + interval '1 month'"
                f" FROM sopdash.tickets WHERE status = 'closed' AND closed_at IS NOT NULL{period} ORDER BY m",
                {"since": since},
            ).fetchall()
        not_closed = ("WHERE status IS DISTINCT FROM 'closed' OR closed_at IS NULL", {})
        closed_in = "WHERE status = 'closed' AND closed_at >= %(start)s AND closed_at < %(end)s" + period
        parts = [not_closed, *((closed_in, {"start": start, "end": end, "since": since}) for start, end in months)]
        return [lambda condition=condition, params=params: self._slice(condition, params, stamp)
                for condition, params in parts]

    def history_page(self, before: Cursor | None, limit: int) -> tuple[list[TicketSummary], Cursor | None]:
        """A page of history, newest first, below `before`: its rows only, through the index in history's order
        (`history_pages`)."""
        statement, params = page_sql(before, limit)
        with self.session() as conn:
            rows = conn.execute(statement, params).fetchall()
        page = self._decode_rows(rows[:limit], _SUMMARIES)
        return page, page[-1].page_key if len(rows) > limit else None

    def tickets(self, ids: Iterable[int]) -> list[Ticket]:
        """The tickets with these ids in that order (a gone one left out), in one read by primary key."""
        ids = list(ids)
        if not ids:
            return []
        with self.session() as conn:
            rows = conn.execute("SELECT id, doc FROM sopdash.tickets WHERE id = ANY(%s)", (ids,)).fetchall()
        found = {ticket.id: ticket for ticket in self._decode_rows(rows)}
        return [found[ticket_id] for ticket_id in ids if ticket_id in found]

    def open_tickets(self) -> list[Ticket]:
        """The tickets still being worked on, read through the index of tickets not closed."""
        with self.session() as conn:
            rows = conn.execute("SELECT id, doc FROM sopdash.tickets WHERE status <> 'closed' AND status = ANY(%s) "
                                "ORDER BY id", (list(OPEN_STATUSES),)).fetchall()
        return self._decode_rows(rows)

    def every_ticket(self) -> Iterator[Ticket]:
        """Every ticket in id order, a page at a time (under the bulk limits: `store copy` writes between pages)."""
        with self.session("bulk") as conn:
            for rows in _pages(conn):
                yield from self._decode_rows(rows)

    def archive(self) -> int:
        """Nothing moves: the database keeps every ticket in one table and `live` leaves the old closed ones out."""
        return 0


    def get(self, ticket_id: int) -> Ticket:
        """One ticket; InputError if there is no such ticket."""
        with self.session() as conn:
            return self._existing(conn, ticket_id)

    def search(
        self, query: SearchQuery, limit: int = 20, before: int | None = None, since: datetime | None = None
    ) -> list[SearchHit]:
        """From the tickets' `search` tsvector and its GIN index (`postgres/search.py`)."""
        statement, params = search_sql(query, before, since)
        with self.session() as conn:
            rows = conn.execute(statement, {**params, "cutoff": self.clock() - self.archive_after, "limit": limit}).fetchall()
        tickets = self._decode_rows([(row[0], row[2]) for row in rows])
        return [_hit(query, ticket, archived) for ticket, (_, archived, _) in zip(tickets, rows)]

    # -- writing -----------------------------------------------------------------------------

    def add(self, make: Callable[[int], Ticket]) -> Ticket:
        """Store make(new_id) as version 1 under a fresh id from the sequence; returns it as stored."""
        with self._transaction() as conn:
            (ticket_id,) = conn.execute("SELECT nextval('sopdash.ticket_ids')").fetchone()
            ticket = seal(make(ticket_id).evolve(id=ticket_id, version=1), None)
            conn.execute("INSERT INTO sopdash.tickets (id, version, doc) VALUES (%s, 1, %s::json)",
                         (ticket_id, _doc(ticket)))
        return ticket

    def add_many(self, tickets: Sequence[Ticket]) -> list[Ticket]:
        """Store tickets as version 1 in one transaction, numbered in order from the sequence; returns them as stored."""
        with self._transaction("bulk") as conn:
            return _insert(conn, tickets)

    def transact(
        self, plan: Callable[[list[Ticket]], tuple[Sequence[Ticket], Sequence[Ticket]]]
    ) -> tuple[list[Ticket], list[Ticket]]:
        """plan(every ticket) -> (changed, new); both land, or nothing does. One at a time with transact_by_id (an
        advisory lock: technicians may not LOCK the table), and a ticket changed by anyone since it was read is refused
        as out of date. Every ticket is read a page at a time."""
        with self._transaction("bulk") as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_BY_ID_LOCK,))
            everything = [t for rows in _pages(conn) for t in self._decode_rows(rows)]
            changed, new = plan(everything)
            return _replace(conn, changed, {ticket.id: ticket for ticket in everything}), _insert(conn, new)

    def transact_by_id(self, plan: ByIdPlan) -> tuple[list[Ticket], list[Ticket]]:
        """One at a time (an advisory lock), each ticket plan fetches locked FOR UPDATE: plan(fetch) -> (changed,
        makers), each maker given a fresh id from the sequence; all land, or nothing does. What plan writes through
        this store's other tables (kept files) on this thread joins the same transaction."""
        with self._transaction("bulk") as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_BY_ID_LOCK,))
            fetched: dict[int, Ticket] = {}

            def fetch(ticket_id: int) -> Ticket | None:
                ticket = self._maybe(conn, ticket_id)
                if ticket is not None:
                    fetched[ticket_id] = ticket
                return ticket

            changed, makers = plan(fetch)
            replaced = _replace(conn, changed, fetched)  # sealed on from the tickets as fetched
            made = []
            for make in makers:
                (ticket_id,) = conn.execute("SELECT nextval('sopdash.ticket_ids')").fetchone()
                ticket = seal(make(ticket_id).evolve(id=ticket_id, version=1), None)
                conn.execute("INSERT INTO sopdash.tickets (id, version, doc) VALUES (%s, 1, %s::json)",
                             (ticket_id, _doc(ticket)))
                made.append(ticket)
            return replaced, made

    def update(
        self, ticket_id: int, change: Callable[[Ticket], Ticket], *, expected_version: int | None = None
    ) -> Ticket:
        """Apply change to the ticket as it is in the database now and store it as the next version; returns it."""
        with self._transaction() as conn:
            current = self._existing(conn, ticket_id, for_update=True)
            check_version(current, expected_version)
            ticket = seal(change(current), current).evolve(id=ticket_id, version=current.version + 1)
            conn.execute("UPDATE sopdash.tickets SET version = %s, doc = %s::json WHERE id = %s",
                         (ticket.version, _doc(ticket), ticket_id))
        return ticket

    def next_id(self) -> int:
        """The id the next new ticket gets (the sequence never goes back)."""
        with self.session() as conn:
            last, called = conn.execute("SELECT last_value, is_called FROM sopdash.ticket_ids").fetchone()
        return last + 1 if called else last

    def restore(self, tickets: Iterable[Ticket], next_id: int) -> None:
        """Fill an empty database with tickets exactly as they are (ids, versions) and go on numbering at next_id.

        For `sopdash store copy`, run as the database's owner; InputError if the database ever held a ticket. The
        tickets' statistics are gathered before it returns, so the planner has them from the first command on,
        not only once autovacuum gets round to it.
        """
        with self._transaction("bulk") as conn:
            conn.execute("LOCK TABLE sopdash.tickets IN EXCLUSIVE MODE")
            held = conn.execute("SELECT count(*) FROM sopdash.tickets").fetchone()[0]
            last, called = conn.execute("SELECT last_value, is_called FROM sopdash.ticket_ids").fetchone()
            if held or called:
                raise InputError(f"{self.location} is not empty ({held} tickets, ids handed out up to {last}); "
                                 "copy into a new database")
            with conn.cursor().copy("COPY sopdash.tickets (id, version, doc) FROM STDIN") as copy:
                for ticket in tickets:
                    copy.write_row((ticket.id, ticket.version, _doc(ticket)))
            conn.execute("SELECT setval('sopdash.ticket_ids', %s, false)", (next_id,))
            conn.execute("SELECT sopdash.index_message_ids(0, %s)", (next_id,))
            conn.execute("ANALYZE sopdash.tickets, sopdash.message_ids")

    def annotate(self, changes: Mapping[int, Callable[[Ticket], Ticket]]) -> list[Ticket]:
        """Apply mail delivery-state changes in one transaction; a ticket that is gone is skipped.

        Each ticket keeps its version, as on the file store, so no technician's open dialog conflicts with the
        mail gateway; the guard trigger lets a write keep the version only if it changes nothing but delivery
        records.
        """
        stored = []
        with self._transaction() as conn:
            for ticket_id, change in changes.items():
                try:
                    current = self._existing(conn, ticket_id, for_update=True)
                except InputError:
                    continue
                ticket = change(current).evolve(id=ticket_id, version=current.version)
                conn.execute("UPDATE sopdash.tickets SET doc = %s::json WHERE id = %s", (_doc(ticket), ticket_id))
                stored.append(ticket)
        return stored

    # -- watching ------------------------------------------------------------------------------

    def signature(self) -> Signature:
        """Changes whenever any ticket changes: counted from PostgreSQL's announcements, read from the change
        log only while the listening connection is down."""
        return self._listening().signature()

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Have callback called (from a background thread) as soon as a change is announced."""
        self._listening().subscribe(callback)

    @property
    def connection_lost(self) -> str | None:
        """Why changes are not being announced right now (they are polled meanwhile); None when all is well."""
        return self._listener.lost if self._listener else None

    def close(self) -> None:
        """Stop listening and close the connection."""
        if self._listener:
            self._listener.stop()
        self._conn.close()

    # -- who is here ---------------------------------------------------------------------------

    def actor(self, login: str) -> str:
        """The database role, whatever the OS login: the technician the audit trail names."""
        return self.role()

    def manager_rights(self) -> bool:
        """The database says who is a manager (sopdash_manager), whatever the config's roster says."""
        return self.is_manager()

    def logins_without_role(self, logins: Iterable[str]) -> list[str]:
        """Which logins have no role among the technicians: PostgreSQL authenticates an OS login as the role of the
        same name."""
        wanted = sorted(set(logins))
        if not wanted:
            return []
        with self.session() as conn:
            rows = conn.execute(
                "SELECT rolname, pg_has_role(oid, %s, 'MEMBER') FROM pg_roles WHERE rolname = ANY(%s)",
                (TECHNICIAN_ROLE, wanted),
            ).fetchall()
        members = {name for name, member in rows if member}
        return [login for login in wanted if login not in members]

    def presence_board(self, login: str, pid: int | None = None) -> DatabasePresence:
        """Dashboards announce themselves in sopdash.presence, as the database role."""
        return DatabasePresence(self, pid=pid)

    def kept_files(self) -> DatabaseFiles:
        """Kept mail and the mail log in the database beside the tickets."""
        return DatabaseFiles(self)

    def mail_index(self) -> DatabaseMailIndex:
        """The Message-ID index in its own table, with a unique key."""
        return DatabaseMailIndex(self)

    def role(self) -> str:
        """The database role this store acts as: the technician named in the audit trail."""
        with self.session() as conn:
            return conn.execute("SELECT current_user").fetchone()[0]

    def is_manager(self) -> bool:
        """Whether this role has a manager's rights (is a member of sopdash_manager)."""
        with self.session() as conn:
            row = conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", (MANAGER_ROLE,)).fetchone()
        return bool(row[0])

    def check(self) -> list[str]:
        """Diagnosis lines for `sopdash check`; the problems start with "error:" or "warning:"."""
        lines = [f"store: {self.location} (PostgreSQL)", f"schema: version {SCHEMA_VERSION}"]
        counted, problems = 0, []
        with self.session("bulk") as conn:
            for rows in _pages(conn):  # a page at a time: memory stays the same however many tickets
                counted += len(rows)
                problems += [f"error: {self._bad_ticket(ticket_id, problem)}" for ticket_id, problem in _invalid(rows)]
            technician = conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", (TECHNICIAN_ROLE,)).fetchone()
            heard = announcements_heard(conn, self.url)
        lines.append(f"tickets: {counted} ({len(problems)} invalid)")
        if not heard:
            lines.append(f"warning: {POOLED}; connect dashboards to the server itself, or to a pooler in session mode")
        role = self.role()
        manager = " and sopdash_manager" if self.is_manager() else ""
        if technician[0]:
            lines.append(f"role: {role}, a member of {TECHNICIAN_ROLE}{manager}")
        else:
            lines.append(f"warning: role {role} is not a member of {TECHNICIAN_ROLE}; {_grant_hint(role)}")
        return [*lines, *problems]

    # -- inside --------------------------------------------------------------------------------

    def _check_schema(self) -> None:
        with self.session() as conn:
            version = schema_version(conn)
        if version is None:
            raise StoreError(
                f"{self.location} has no sopdash schema; an administrator runs `sopdash store init-postgres --db URL`"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.location} has schema version {version}; this sopdash understands "
                             f"{SCHEMA_VERSION} — upgrade sopdash")
        if version < SCHEMA_VERSION:
            raise StoreError(f"{self.location} has schema version {version}; an administrator brings it to "
                             f"{SCHEMA_VERSION} with `sopdash store init-postgres --db URL`")

    def _listening(self) -> ChangeListener:
        with self._listener_lock:
            if self._listener is None:
                self._listener = ChangeListener(self, self._feed, self._newest_change, lost=self._abandon)
            return self._listener

    def _abandon(self) -> None:
        """The listener's line went silent: this one may have too. Idle, it is closed (the next use reconnects);
        busy, it is cut, so the statement fails now instead of waiting on a dead line."""
        if self._lock.acquire(blocking=False):
            try:
                self._conn.close()
            finally:
                self._lock.release()
        else:
            cut(self._conn)

    def current_connection(self) -> psycopg.Connection:
        """The connection this store uses now (a new one after a reconnect)."""
        return self._conn

    def _catch_up(self, conn: psycopg.Connection, cutoff: datetime) -> None:
        """Read again the held tickets that changed: those the announcements named, or the change log names when
        announcements are not heard; let go of what is held if everything must be read again."""
        if self._held_live is None and self._held_all is None:
            return
        if self._feed.behind or self._listener is None or not self._listener.hearing:
            low = self._feed.low
            if low is not None:
                rows = conn.execute("SELECT seq, ticket_id FROM sopdash.changes WHERE seq > %s ORDER BY seq LIMIT %s",
                                    (low, LOG_LIMIT + 1)).fetchall()
                oldest = conn.execute("SELECT min(seq) FROM sopdash.changes").fetchone()[0]
                self._feed.logged(rows, oldest, complete=len(rows) <= LOG_LIMIT)
        ids = self._feed.take()
        if ids is None:
            self._held_live = self._held_all = None
            return
        if not ids:
            return
        rows = conn.execute("SELECT id, doc FROM sopdash.tickets WHERE id = ANY(%s) ORDER BY id", (sorted(ids),)).fetchall()
        try:
            fresh = self._decode_rows(rows)
        except StoreError:
            self._held_live = self._held_all = None  # read everything again next time, and say what is wrong now
            raise
        for ticket in fresh:
            if self._held_all is not None:
                self._held_all[ticket.id] = ticket
            if self._held_live is not None:
                if _live_at(ticket, cutoff):
                    self._held_live[ticket.id] = ticket
                else:
                    self._held_live.pop(ticket.id, None)

    def _newest_change(self) -> int:
        with self.session("heartbeat") as conn:
            return conn.execute(_NEWEST_CHANGE).fetchone()[0]

    @contextmanager
    def session(self, kind: str = "read") -> Iterator[psycopg.Connection]:
        """The connection, to this thread alone, reopened if it was lost; database errors as StoreErrors. kind names
        the statements' limits (`connection.LIMITS`): the watchdog cuts the line if they run past them."""
        with self._lock, self._errors():
            if self._conn.closed or self._conn.broken:
                self._conn = connect(self.url, timeout_s=RECONNECT_TIMEOUT_S)
            with WATCHDOG.watching(self._conn, LIMITS[kind].watched_s):
                yield self._conn

    def session_if_free(self, kind: str = "read", wait_s: float = 0.0) -> AbstractContextManager[psycopg.Connection] | None:
        """session(kind) if no other thread holds the connection within wait_s; None if one does (the listener's
        heartbeat never waits behind another thread's long statement)."""
        if not (self._lock.acquire(timeout=wait_s) if wait_s > 0 else self._lock.acquire(blocking=False)):
            return None

        @contextmanager
        def held() -> Iterator[psycopg.Connection]:
            try:
                with self.session(kind) as conn:
                    yield conn
            finally:
                self._lock.release()

        return held()

    @contextmanager
    def _transaction(self, kind: str = "write") -> Iterator[psycopg.Connection]:
        """A write: its limits, and a key (a uuid the change log keeps), so that a commit whose answer was lost is
        looked up, not guessed: it landed (all is well) or it did not (say so, and that trying again is safe)."""
        key = str(uuid.uuid4())
        with self.session(kind) as conn:
            pid, written = conn.info.backend_pid, False
            try:
                with conn.transaction():
                    conn.execute(LIMITS[kind].set_local())
                    conn.execute("SELECT set_config(%s, %s, true)", (WRITE_KEY, key))
                    yield conn
                    written = True
            except psycopg.OperationalError as error:
                if not written or not conn.broken:
                    raise
                self._settle(key, pid, error)

    def _settle(self, key: str, pid: int, error: psycopg.OperationalError) -> None:
        """The commit was sent and its answer lost: returns if it landed, else raises saying whether it did not or
        cannot be known yet. The old session is ended first, so its commit cannot land after the look."""
        reason = first_line(error)
        try:
            self._conn = conn = connect(self.url, timeout_s=RECONNECT_TIMEOUT_S)
            with WATCHDOG.watching(conn, LIMITS["heartbeat"].watched_s * 3):
                conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
                for _ in range(50):
                    if not conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
                        break
                    time.sleep(0.1)
                landed = conn.execute("SELECT 1 FROM sopdash.write_keys WHERE key = %s", (key,)).fetchone()
        except (psycopg.Error, StoreError):
            raise StoreError(f"lost the connection to {self.location} while saving ({reason}); whether the change was "
                             "saved is not known yet: reload and look before trying again") from None
        if landed is None:
            raise StoreError(f"lost the connection to {self.location} while saving ({reason}); the change was not "
                             "saved — try again") from None

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except errors.InsufficientPrivilege as error:
            raise StoreError(f"{self.location}: {first_line(error)}; {_grant_hint(None)}") from None
        except psycopg.Error as error:
            raise self._refusal(error) from None

    def _refusal(self, error: psycopg.Error) -> Exception:
        message = first_line(error).removeprefix("ERROR:").strip()
        if error.sqlstate == VERSION_SKIPPED:
            return ConflictError(f"{message}; reload and try again")
        if error.sqlstate in (TIMELINE_ALTERED, MANAGER_ONLY, AUDIT_REFUSED):
            return RuleRefused(message)
        if error.sqlstate == INVALID_DOCUMENT:
            return StoreError(f"{self.location} refused it: {message}")
        if WATCHDOG.was_cut(self._conn):
            return StoreError(f"no answer from {self.location} in time (the line may be down); try again")
        return described(error, self.location, self._conn) or StoreError(f"{self.location}: {message}")

    def _existing(self, conn: psycopg.Connection, ticket_id: int, for_update: bool = False) -> Ticket:
        query = "SELECT doc FROM sopdash.tickets WHERE id = %s" + (" FOR UPDATE" if for_update else "")
        row = conn.execute(query, (ticket_id,)).fetchone()
        if row is None:
            raise InputError(f"no ticket #{ticket_id}")
        try:
            return _TICKET.decode(row[0])
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            raise self._bad_ticket(ticket_id, _problem(error)) from None

    def _maybe(self, conn: psycopg.Connection, ticket_id: int) -> Ticket | None:
        try:
            return self._existing(conn, ticket_id, for_update=True)
        except InputError:
            return None

    def _slice(self, condition: str, params: Mapping[str, Any], stamp: int) -> list[Ticket]:
        """The tickets matching condition, over a fresh connection; StoreError if any ticket changed after stamp."""
        with self._errors(), connect(self.url) as conn:
            rows = conn.execute(f"SELECT id, doc FROM sopdash.tickets {condition} ORDER BY id", params).fetchall()
            if conn.execute(_NEWEST_CHANGE).fetchone()[0] != stamp:
                raise StoreError(f"{self.location}: the tickets changed while being read; try again")
        return self._decode_rows(rows)  # touches no connection: a forked child must not use this store's

    def _decode_rows(self, rows: Sequence[tuple[int, bytes]], decoder: msgspec.json.Decoder = _TICKETS) -> list:
        """The tickets (or what decoder reads of them) in (id, document) rows; StoreError naming the first bad one."""
        try:
            return _decode_without_collecting(b"[" + b",".join(row[1] for row in rows) + b"]", decoder)
        except (msgspec.DecodeError, msgspec.ValidationError):
            pass
        for ticket_id, problem in _invalid(rows):  # the careful path, which names the first bad ticket
            raise self._bad_ticket(ticket_id, problem)
        raise StoreError(f"{self.location}: the tickets changed while being read; try again")

    def _bad_ticket(self, ticket_id: int, problem: str) -> StoreError:
        return StoreError(f"{self.location}: ticket {ticket_id} is invalid ({problem}); correct it or restore it from a backup")


def _insert(conn: psycopg.Connection, tickets: Sequence[Ticket]) -> list[Ticket]:
    if not tickets:
        return []
    ids = [row[0] for row in conn.execute(
        "SELECT nextval('sopdash.ticket_ids') FROM generate_series(1, %s) ORDER BY 1", (len(tickets),)
    )]
    stored = [seal(ticket.evolve(id=ticket_id, version=1), None) for ticket_id, ticket in zip(ids, tickets)]
    with conn.cursor().copy("COPY sopdash.tickets (id, version, doc) FROM STDIN") as copy:
        for ticket in stored:
            copy.write_row((ticket.id, 1, _doc(ticket)))
    conn.execute("SELECT sopdash.index_message_ids(%s, %s)", (ids[0], ids[-1]))
    return stored


def _replace(conn: psycopg.Connection, tickets: Sequence[Ticket], before: Mapping[int, Ticket]) -> list[Ticket]:
    if not tickets:
        return []
    ids = [ticket.id for ticket in tickets]
    versions = dict(conn.execute(
        "SELECT id, version FROM sopdash.tickets WHERE id = ANY(%s) ORDER BY id FOR UPDATE", (ids,)
    ).fetchall())
    stored = []
    for ticket in tickets:
        if ticket.id not in versions:
            raise InputError(f"no ticket #{ticket.id}")
        if versions[ticket.id] != ticket.version:
            check_version(ticket.evolve(version=versions[ticket.id]), ticket.version)
        stored.append(seal(ticket, before.get(ticket.id)).evolve(version=ticket.version + 1))
    conn.execute(_REPLACE, ([t.id for t in stored], [t.version for t in stored], [_doc(t) for t in stored]))
    return stored


def _hit(query: SearchQuery, ticket: Ticket, archived: bool) -> SearchHit:
    subject, text, _ = ticket_texts(ticket)
    return SearchHit(ticket.id, subject, ticket.status, archived, matching_line(query, subject, text), ticket.requester,
                     last_activity(ticket))


def _doc(ticket: Ticket) -> str:
    return json_bytes(ticket).decode()


def _decode_without_collecting(raw: bytes, decoder: msgspec.json.Decoder) -> list:
    """What decoder reads of raw, decoded with the cyclic garbage collector paused (see `gc_paused`)."""
    with gc_paused():
        return decoder.decode(raw)


def _pages(conn: psycopg.Connection) -> Iterator[list[tuple[int, bytes]]]:
    """Every (id, document) row, in id order, a page at a time (keyset: each page starts after the last id of the
    one before, so a page costs the same wherever it is)."""
    after = 0
    while True:
        rows = conn.execute(
            f"SELECT id, doc FROM sopdash.tickets WHERE id > %(after)s ORDER BY id LIMIT {PAGE}", {"after": after}
        ).fetchall()
        if rows:
            yield rows
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


def _live_at(ticket: Ticket, cutoff: datetime) -> bool:
    """Whether ticket is in the working set (as `_LIVE` says in the server)."""
    return ticket.status != "closed" or max(ticket.created_at, ticket.closed_at or ticket.created_at) >= cutoff


def _invalid(rows: Sequence[tuple[int, bytes]]) -> Iterator[tuple[int, str]]:
    for ticket_id, doc in rows:
        try:
            ticket = _TICKET.decode(doc)
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            yield ticket_id, _problem(error)
            continue
        if ticket.id != ticket_id:
            yield ticket_id, f"its id field says {ticket.id}"


def _problem(error: msgspec.MsgspecError) -> str:
    return validation_problem(error) if isinstance(error, msgspec.ValidationError) else str(error)


def _grant_hint(role: str | None) -> str:
    who = role or "your role"
    return f"an administrator makes {who} a technician with `sopdash store init-postgres --technician {role or 'LOGIN'}`"
