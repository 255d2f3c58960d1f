"""The ticket store: the only code that reads or writes the shared ticket file (PRODUCT §4)."""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import attrgetter
from datetime import datetime
from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Document, Table

from sopdash.core.errors import ConflictError, InputError, StoreError
from sopdash.core.limits import MAX_TICKET_ID
from sopdash.core.model import Ticket
from sopdash.store.contract import Progress, Signature
from sopdash.store.lock import exclusive_lock
from sopdash.store.parts import StorePart, split_store
from sopdash.store.paths import lock_path_for
from sopdash.store.storage import (
    EMPTY_STORE,
    SCHEMA_VERSION,
    TICKETS,
    OrjsonStorage,
    access_error,
    group_name,
    missing_store,
    parse_store,
    read_bytes,
)



class TicketStore:
    """The ticket file shared by every technician: locked, atomic writes and unlocked, consistent reads."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        """Open the store at path; with create=True a missing store (and its directory) is created empty."""
        self.path = Path(path)
        self.lock_path = lock_path_for(self.path)
        if self._exists():
            return
        if not create:
            raise missing_store(self.path)
        self._create()

    @property
    def location(self) -> str:
        """The store file's path, for messages."""
        return str(self.path)

    def live(self) -> list[Ticket]:
        """The working set, sorted by id (for now the whole file: the archive comes with issue 12)."""
        return self.load()

    def history(self, since: datetime | None = None, progress: Progress | None = None) -> list[Ticket]:
        """Every ticket not closed before since, sorted by id (for now the whole file)."""
        return self.load()

    def archive(self) -> int:
        """Move closed tickets out of the live set: nothing yet, the single file is all there is."""
        return 0

    def load(self) -> list[Ticket]:
        """Every ticket, validated, sorted by id.

        A large file is decoded a part at a time (see `parts`): decoding holds the interpreter, and between
        parts a dashboard that loads in a worker thread gets to answer its keys.
        """
        with gc_paused():
            raw = read_bytes(self.path)
            parts = [part.load() for part in split_store(raw, self.path, len(raw))]
            if any(part is None for part in parts):  # the careful path, which names the first problem
                docs = parse_store(raw, self.path)[TICKETS]
                tickets = [self._ticket(int(key), doc) for key, doc in docs.items()]
            else:
                tickets = [ticket for part in parts for ticket in part or ()]
        tickets.sort(key=attrgetter("id"))
        return tickets

    def parts(self, count: int) -> list[StorePart]:
        """The file cut between tickets into up to `count` parts that decode on their own (one for a small store)."""
        return split_store(read_bytes(self.path), self.path, count)

    def get(self, ticket_id: int) -> Ticket:
        """One ticket; InputError if there is no such ticket."""
        return self._existing(self._table(), ticket_id)

    def add(self, make: Callable[[int], Ticket]) -> Ticket:
        """Store make(new_id) as version 1, numbered after the highest id; returns it as stored."""
        with self._writing() as table:
            ticket_id = next_id(table)
            ticket = make(ticket_id).evolve(id=ticket_id, version=1)
            table.insert(Document(ticket.to_dict(), doc_id=ticket_id))
        return ticket

    def add_many(self, tickets: Sequence[Ticket]) -> list[Ticket]:
        """Store tickets as version 1 in one write, renumbered in order after the highest id; returns them as stored."""
        with self._writing() as table:
            return _insert(table, tickets)

    def write_many(self, tickets: Sequence[Ticket]) -> list[Ticket]:
        """Replace existing tickets in one write, each only if still at the version it carries; returns them as stored."""
        with self._writing() as table:
            return self._replace(table, tickets)

    def transact(
        self, plan: Callable[[list[Ticket]], tuple[Sequence[Ticket], Sequence[Ticket]]]
    ) -> tuple[list[Ticket], list[Ticket]]:
        """Under one lock: plan(every ticket) -> (changed, new); both written in one replace, or nothing is."""
        with self._writing() as table:
            current = [self._ticket(int(key), doc) for key, doc in raw_documents(table).items()]
            changed, new = plan(sorted(current, key=attrgetter("id")))
            return self._replace(table, changed), _insert(table, new)

    def _replace(self, table: Table, tickets: Sequence[Ticket]) -> list[Ticket]:
        stored = []
        for ticket in tickets:
            current = self._existing(table, ticket.id)
            check_version(current, ticket.version)
            stored.append(ticket.evolve(version=current.version + 1))
        docs = {ticket.id: ticket.to_dict() for ticket in stored}
        if docs:
            table.update(lambda doc: doc.update(docs[doc["id"]]), doc_ids=list(docs))
        return stored

    def update(
        self, ticket_id: int, change: Callable[[Ticket], Ticket], *, expected_version: int | None = None
    ) -> Ticket:
        """Apply change to the ticket as it is on disk now and store it as the next version; returns it."""
        with self._writing() as table:
            current = self._existing(table, ticket_id)
            check_version(current, expected_version)
            ticket = change(current).evolve(id=ticket_id, version=current.version + 1)
            table.update(ticket.to_dict(), doc_ids=[ticket_id])
        return ticket

    def annotate(self, changes: Mapping[int, Callable[[Ticket], Ticket]]) -> list[Ticket]:
        """Apply mail delivery-state changes under the lock, each ticket keeping its version.

        No technician decides anything on these, so they must not make an open dialog fail with a
        conflict. A ticket no longer in this file is skipped. Returns the tickets as stored.
        """
        stored = []
        with self._writing() as table:
            for ticket_id, change in changes.items():
                doc = table.get(doc_id=ticket_id)
                if doc is None:
                    continue
                current = self._ticket(ticket_id, doc)
                ticket = change(current).evolve(id=ticket_id, version=current.version)
                table.update(ticket.to_dict(), doc_ids=[ticket_id])
                stored.append(ticket)
        return stored

    def signature(self) -> Signature | None:
        """(mtime_ns, size, inode) of the file, changed by every write; None if the file is missing."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise access_error(self.path, "read", error) from None
        return (status.st_mtime_ns, status.st_size, status.st_ino)

    def check(self) -> list[str]:
        """Diagnosis lines for `sopdash check`; the problems start with "error:" or "warning:"."""
        lines = [f"store: {self.path}"]
        try:
            docs = raw_documents(self._table())
        except StoreError as error:
            return [*lines, f"error: {error}", *self._permission_lines()]
        problems = [f"error: {error}" for error in self._invalid(docs)]
        lines.append(f"schema: version {SCHEMA_VERSION}")
        lines.append(f"tickets: {len(docs)} ({len(problems)} invalid)")
        return [*lines, *problems, *self._permission_lines()]

    def _exists(self) -> bool:
        try:
            self.path.stat()
        except FileNotFoundError:
            return False
        except OSError as error:
            raise access_error(self.path, "read", error) from None
        return True

    def _create(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise access_error(self.path.parent, "create", error) from None
        with exclusive_lock(self.lock_path):
            # another technician may have created it while we waited for the lock
            if not self._exists():
                OrjsonStorage(self.path).write(EMPTY_STORE)

    def _table(self) -> Table:
        """The tickets table over a fresh TinyDB, so every operation sees the file as it is now."""
        return TinyDB(self.path, storage=OrjsonStorage).table(TICKETS)

    @contextmanager
    def _writing(self) -> Iterator[Table]:
        """The tickets table read under the lock; what changes inside lands in one atomic replace, or not at all."""
        with exclusive_lock(self.lock_path), gc_paused():
            table = self._table()
            table.storage.hold_writes()
            yield table
            table.storage.flush()

    def _existing(self, table: Table, ticket_id: int) -> Ticket:
        doc = table.get(doc_id=ticket_id)
        if doc is None:
            raise InputError(f"no ticket #{ticket_id}")
        return self._ticket(ticket_id, doc)

    def _ticket(self, ticket_id: int, doc: dict) -> Ticket:
        """The validated ticket in doc; a StoreError naming the ticket and the problem otherwise."""
        try:
            ticket = Ticket.from_dict(doc)
        except (InputError, TypeError, ValueError, AttributeError) as error:
            raise self._bad_ticket(ticket_id, str(error)) from None
        if ticket.id != ticket_id:
            raise self._bad_ticket(ticket_id, f"its id field says {ticket.id}")
        return ticket

    def _bad_ticket(self, ticket_id: int, problem: str) -> StoreError:
        problem = problem.removeprefix(f"ticket {ticket_id}: ")
        return StoreError(
            f"{self.path}: ticket {ticket_id} is invalid ({problem}); correct it in the file or restore it from a backup"
        )

    def _invalid(self, docs: dict[str, dict]) -> Iterator[StoreError]:
        for key, doc in docs.items():
            try:
                self._ticket(int(key), doc)
            except StoreError as error:
                yield error

    def _permission_lines(self) -> list[str]:
        store = [*file_lines("file", self.path), *world_readable_lines(self.path)]
        lock = file_lines("lock", self.lock_path) or [f"lock: {self.lock_path} not created yet (the first write makes it)"]
        return [*store, *lock, *directory_lines(self.path.parent)]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while building many objects that form no cycles.

    Parsing a large store allocates millions of objects, each allocation nudging the collector into
    passes that find nothing to free: pausing it halves the time to load 50,000 tickets.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def raw_documents(table: Table) -> dict[str, dict]:
    """The table's stored documents by id string, without the per-document copy TinyDB's all() makes."""
    return table.storage.read()[table.name]


def _insert(table: Table, tickets: Sequence[Ticket]) -> list[Ticket]:
    """Insert tickets as version 1, numbered in order after the highest id."""
    first = next_id(table)
    stored = [ticket.evolve(id=first + n, version=1) for n, ticket in enumerate(tickets)]
    if stored:
        table.insert_multiple(Document(ticket.to_dict(), doc_id=ticket.id) for ticket in stored)
    return stored


def next_id(table: Table) -> int:
    """One more than the highest ticket id in table; a StoreError once ids would pass the limit."""
    following = max(map(int, raw_documents(table)), default=0) + 1
    if following > MAX_TICKET_ID:
        raise StoreError(f"ticket ids have reached {MAX_TICKET_ID}, the highest sopdash keeps; start a new store")
    return following


def check_version(current: Ticket, expected_version: int | None) -> None:
    """Refuse to overwrite a ticket that changed since the technician looked at it."""
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(
            f"ticket #{current.id} changed since you looked at it (now version {current.version}); reload and try again"
        )


def file_lines(label: str, path: Path) -> list[str]:
    """Mode and group of path (nothing if it is missing), with a warning if this user cannot read it."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return []
    except OSError as error:
        return [f"error: {access_error(path, 'read', error)}"]
    mode = stat.S_IMODE(status.st_mode)
    lines = [f"{label}: {path} mode {mode:04o}, group {group_name(status.st_gid)}"]
    if not os.access(path, os.R_OK):
        lines.append(f"warning: {access_error(path, 'read', PermissionError())}")
    return lines


def world_readable_lines(path: Path) -> list[str]:
    """A warning if users outside the support group can read the store's client details."""
    try:
        readable = bool(path.stat().st_mode & stat.S_IROTH)
    except OSError:
        return []  # file_lines has already said why
    return [f"warning: {path} is world-readable and holds client details; run `chmod o-rwx {path}`"] if readable else []


def directory_lines(directory: Path) -> list[str]:
    """A warning if this user cannot save: atomic replace needs write access to the directory."""
    if os.access(directory, os.W_OK | os.X_OK):
        return []
    return [f"warning: {access_error(directory, 'write in', PermissionError())}; until then you can only read"]
