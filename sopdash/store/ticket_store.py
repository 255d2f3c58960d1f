"""The ticket store: the only code that reads or writes the shared ticket files (live file and archive; README:
\"Sharing one store on a support box\")."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from sopdash.clock import Clock, system_clock
from sopdash.core.chain import seal
from sopdash.core.documents import json_bytes
from sopdash.core.errors import InputError, StoreError
from sopdash.core.model import Ticket
from sopdash.core.summary import Cursor, TicketSummary, newest_first, summary_of
from sopdash.store.archive import archive_directory, archive_folder, month_of, month_path, read_month
from sopdash.store.archive_index import index_name, index_problem, indexed_tickets, month_summaries, rebuild_index
from sopdash.store.contract import ARCHIVE_AFTER, ByIdPlan, Plan, Progress, Signature, Store, check_version
from sopdash.store.diagnosis import diagnose
from sopdash.store.gc_pause import gc_paused
from sopdash.store.kept_files import KeptFiles
from sopdash.store.lock import Notify, exclusive_lock
from sopdash.store.month_tallies import MonthSlice
from sopdash.store.locked_write import LockedWrite, find_archived, listed
from sopdash.store.debris import remove_debris
from sopdash.store.sidecar_check import repair_sidecars
from sopdash.store.paths import following_links, lock_path_for, make_directory
from sopdash.store.presence import PresenceDirectory
from sopdash.store.access_errors import access_error
from sopdash.store.storage import (
    META,
    SCHEMA_VERSION,
    SINGLE_FILE_SCHEMA,
    TICKETS,
    OrjsonStorage,
    StoreFile,
    missing_store,
    open_tickets_of,
    read_bytes,
    raw_ticket,
    read_raw_file,
    read_store_file,
    read_summaries,
    record_of,
    tickets_as,
)

if TYPE_CHECKING:
    from sopdash.core.search import SearchHit, SearchQuery

_READ_ATTEMPTS = 3  # a history read that meets a move under way starts again; a third clash is not a coincidence


class TicketStore(Store):
    """The live file every technician shares, with its archive of month files: locked, atomic writes (see
    `LockedWrite`) and unlocked, consistent reads."""

    def __init__(
        self,
        path: Path,
        *,
        create: bool = False,
        clock: Clock = system_clock,
        archive_after: timedelta = ARCHIVE_AFTER,
        notify: Notify | None = None,
    ) -> None:
        """Open the store at path; with create=True a missing store (and its directory) is created empty.

        clock says when tickets are due for the archive (closed more than archive_after ago); notify hears what the
        store has to say on the side: a wait for another writer, an old single-file store split.
        """
        self.given = Path(path)
        # Relative, `..` and linked folders resolved once, here; a link at the store's own name only if it is ours.
        self.path = following_links(Path(os.path.realpath(self.given.parent)) / self.given.name)
        self.lock_path = lock_path_for(self.path)
        self.clock, self.archive_after, self.notify = clock, archive_after, notify
        self._months: dict[str, tuple[Signature, dict[int, Ticket]]] = {}
        self._pages: _Paging | None = None
        self._last_live: tuple[Signature | None, StoreFile] | None = None  # what `live` read last, for `_paging`
        if self._exists():
            return
        if not create:
            raise missing_store(self.path)
        self._create()

    @property
    def location(self) -> str:
        """The live file's path, for messages."""
        return str(self.path)

    def live(self) -> list[Ticket]:
        """The live file's tickets, sorted by id: every ticket not closed, and those closed within archive_after."""
        with gc_paused():
            signature = self.signature()  # before reading: a write meanwhile leaves the pair out of date, never wrong
            stored = read_store_file(self.path)
            self._last_live = (signature, stored)
            return sorted(stored.tickets.values(), key=attrgetter("id"))

    def open_tickets(self) -> list[Ticket]:
        """The tickets still being worked on (new, open, waiting), sorted by id; the live file's closed ones unbuilt."""
        with gc_paused():
            return sorted(open_tickets_of(self.path), key=attrgetter("id"))

    def history(self, since: datetime | None = None, progress: Progress | None = None) -> list[Ticket]:
        """Every ticket not closed before since (all when None), live and archived, sorted by id.

        Reads the live file and the months from since's on; a month read before and unchanged since is not read
        again. A move by another writer during the read (a listed ticket not yet in its month) starts it over.
        """
        with gc_paused():
            for _ in range(_READ_ATTEMPTS):
                signature = self.signature()
                live = read_store_file(self.path)
                try:
                    tickets = [*live.tickets.values(), *self._archived(live, since, progress)]
                except StoreError:
                    if self.signature() == signature:
                        raise
                    continue
                return sorted(not_closed_before(tickets, since), key=attrgetter("id"))
        raise StoreError(f"{self.path} kept changing while it was read; try again")

    def history_slices(self, since: datetime | None = None, kind: type = Ticket) -> list[Callable[[], list]]:
        """history(since) as the live file's tickets and one slice per archive month from since's on, each read on its
        own (a month that changed since this call may raise StoreError: then read history), each ticket built as
        `kind` (`tickets_as`); a month is a `MonthSlice`, beside which a report may keep its tally."""
        raw = read_bytes(self.path)
        record = record_of(raw, self.path)
        archived: dict[str, list[int]] = record.get("archived", {})
        schema = record.get("schema")
        slices: list[Callable[[], list]] = [lambda: not_closed_before(list(tickets_as(raw, self.path, kind).values()), since)]
        for month in months_from(archived, since):
            ids = archived[month]
            path = month_path(self.path, month, schema)

            def decode(data: bytes, month: str = month, ids: list[int] = ids, path: Path = path) -> list:
                return not_closed_before(listed(tickets_as(data, path, kind), ids, self.path, month, schema), since)

            slices.append(MonthSlice(self.path, month, ids, schema, decode))
        return slices

    def _archived(self, live: StoreFile, since: datetime | None, progress: Progress | None) -> Iterator[Ticket]:
        archived: dict[str, list[int]] = live.record.get("archived", {})
        schema = live.record.get("schema")
        months = months_from(archived, since)
        for done, month in enumerate(months, 1):
            yield from listed(self._month(month, schema), archived[month], self.path, month, schema)
            if progress is not None:
                progress(done, len(months))

    def _month(self, month: str, schema: object) -> dict[int, Ticket]:
        """One archive month's tickets by id, read again only if its file changed since the last read."""
        path = month_path(self.path, month, schema)
        with archive_folder(self.path, schema) as folder:
            status = folder.entry(path.name)
            signature = None if status is None else (status.st_mtime_ns, status.st_size, status.st_ino)
            cached = self._months.get(str(path))
            if cached is None or cached[0] != signature:
                cached = (signature, read_store_file(path, folder).tickets)
                self._months[str(path)] = cached
        return cached[1]

    def get(self, ticket_id: int) -> Ticket:
        """One ticket, from the live file or from the one month that lists it; InputError if there is none. Only that
        ticket is built: the live file's others are skipped as bytes."""
        live = read_raw_file(self.path)
        key = str(ticket_id)
        if key in live.tickets:
            return raw_ticket(self.path, key, live.tickets[key])
        record = live.meta["1"]
        return find_archived(self.path, record.get("archived", {}), ticket_id, record.get("schema"))

    def history_page(self, before: Cursor | None, limit: int) -> tuple[list[TicketSummary], Cursor | None]:
        """A page of history, newest first: the live file's tickets, and the summaries of the archive's months from
        before's month down, from their indexes (`archive_index`), only as many months as the page reaches into (a
        month holds only tickets closed in it, so an older month never sorts above a newer one). What one page read
        serves the next, until the live file changes."""
        with gc_paused():
            pages = self._paging()
            candidates = list(pages.live)
            months = sorted((m for m in pages.archived if before is None or m <= month_of(before[0])), reverse=True)
            reached = 0
            for month in months:
                if month not in pages.months:
                    pages.months[month] = self._summaries(month, pages.archived[month], pages.schema)
                found = [s for s in pages.months[month] if before is None or s.page_key < before]
                candidates += found
                reached += 1
                if len(found) >= limit:
                    break
            page, more = newest_first(candidates, before, limit)
        return page, page[-1].page_key if page and (more or reached < len(months)) else None

    def _paging(self) -> _Paging:
        """The live file's summaries and archive list, read again only if the live file changed since."""
        signature = self.signature()
        if self._pages is None or self._pages.signature != signature:
            record, summaries = self._live_summaries(signature)
            self._pages = _Paging(signature, summaries, record.get("archived", {}), record.get("schema"), {})
        return self._pages

    def _live_summaries(self, signature: Signature | None) -> tuple[dict[str, Any], list[TicketSummary]]:
        """(the live file's record, its tickets' summaries): from what `live` read if the file is still that
        version (the dashboard holds those tickets: no second read of a large file), else read for themselves."""
        last = self._last_live
        if last is not None and signature is not None and last[0] == signature:
            return last[1].record, [summary_of(ticket) for ticket in last[1].tickets.values()]
        return read_summaries(self.path)

    def _summaries(self, month: str, ids: list[int], schema: object) -> list[TicketSummary]:
        """The summaries of the tickets the month lists, from its index (made again if it does not match the month)."""
        summaries = None
        if schema == SCHEMA_VERSION:  # the months of an older layout, which stores may share, have no index
            with archive_folder(self.path, schema) as folder:
                summaries = month_summaries(folder, month)
        if summaries is None:  # the month cannot be indexed: read it whole, which names its problem
            return [summary_of(t) for t in listed(read_month(self.path, month, schema).tickets, ids, self.path, month, schema)]
        wanted = set(ids)
        found = [summary for summary in summaries if summary.id in wanted]
        if len(found) < len(wanted):
            listed({summary.id: summary for summary in found}, ids, self.path, month, schema)  # names the missing one
        return found

    def tickets(self, ids: Iterable[int]) -> list[Ticket]:
        """The tickets with these ids in that order (a gone one left out): archived ones from their own bytes in their
        months (`archive_index`), each month's index read once; the live file read whole only if a live one is asked
        for (what a page of history asks for is mostly archived)."""
        ids = list(ids)
        wanted = set(ids)
        pages = self._paging()
        by_month = {month: [i for i in listed_ids if i in wanted] for month, listed_ids in pages.archived.items()}
        by_month = {month: found_ids for month, found_ids in by_month.items() if found_ids}
        found: dict[int, Ticket] = {}
        for month, month_ids in by_month.items():
            if pages.schema == SCHEMA_VERSION:  # the months of an older layout, which stores may share, have no index
                with archive_folder(self.path, pages.schema) as folder:
                    found.update(indexed_tickets(folder, month, month_ids))
            for ticket_id in month_ids:
                if ticket_id not in found:  # the index could not vouch for it: the one-ticket way, which rebuilds it
                    found[ticket_id] = find_archived(self.path, pages.archived, ticket_id, pages.schema)
        if wanted - found.keys():
            live = read_store_file(self.path).tickets
            found.update((i, live[i]) for i in wanted - found.keys() if i in live)
        return [found[ticket_id] for ticket_id in ids if ticket_id in found]

    def add(self, make: Callable[[int], Ticket]) -> Ticket:
        """Store make(new_id) as version 1 under an id never used before; returns it as stored."""
        with self._writing() as write:
            ticket_id = write.next_id()
            return write.insert([make(ticket_id).evolve(id=ticket_id)])[0]

    def add_many(self, tickets: Sequence[Ticket]) -> list[Ticket]:
        """Store tickets as version 1 in one write, under new ids in order; returns them as stored."""
        with self._writing() as write:
            return write.insert(tickets)

    def transact(self, plan: Plan) -> tuple[list[Ticket], list[Ticket]]:
        """Under one lock: plan(every ticket, archive too) -> (changed, new); both written in one commit, or nothing is."""
        with self._writing() as write:
            changed, new = plan(write.every_ticket())
            return _replace(write, changed), write.insert(new)

    def transact_by_id(self, plan: ByIdPlan) -> tuple[list[Ticket], list[Ticket]]:
        """Under one lock: plan(fetch) -> (changed, makers), reading only the tickets it fetches (an archived one costs
        its month); the changes and the made tickets written in one commit, or nothing is."""
        with self._writing() as write:
            changed, makers = plan(lambda ticket_id: _fetched(write, ticket_id))
            first = write.next_id()
            return _replace(write, changed), write.insert([make(first + n) for n, make in enumerate(makers)])

    def update(
        self, ticket_id: int, change: Callable[[Ticket], Ticket], *, expected_version: int | None = None
    ) -> Ticket:
        """Apply change to the ticket as stored now and store it as the next version in the live file; returns it."""
        with self._writing() as write:
            current = write.ticket(ticket_id)
            check_version(current, expected_version)
            ticket = seal(change(current), current).evolve(id=ticket_id, version=current.version + 1)
            write.put([ticket])
            return ticket

    def archive(self) -> int:
        """Move every closed ticket older than archive_after to the archive now; how many moved."""
        with self._writing(every_due=True) as write:
            pass
        return sum(write.moved.values())

    def is_single_file(self) -> bool:
        """True for a store written before the archive existed, whose next write splits it."""
        return self.schema() == SINGLE_FILE_SCHEMA

    def schema(self) -> object:
        """The live file's schema version: before SCHEMA_VERSION, its next write (or `store migrate`) upgrades it."""
        return read_store_file(self.path).record.get("schema")

    def upgrade(self) -> bool:
        """Bring a store an older sopdash wrote up to date — split a single file, move the archive to the folder
        named after the whole file name (`notify` hears where the months went); False if it was up to date."""
        if self.schema() == SCHEMA_VERSION:
            return False
        self.archive()
        return True

    def next_id(self) -> int:
        """The id the next new ticket gets: the live file's high-water mark."""
        return int(read_store_file(self.path).record.get("next_id", 1))

    def restore(self, tickets: Iterable[Ticket], next_id: int) -> None:
        """Fill the empty store with tickets as they are and go on numbering at next_id; InputError if it ever
        held a ticket. Closed tickets that are due go to their months, as if they had always been there."""
        with exclusive_lock(self.lock_path):
            held = read_store_file(self.path)
            if held.tickets or held.record.get("archived") or held.record.get("next_id", 1) != 1:
                raise InputError(f"{self.location} is not empty; copy into a new store")
            document = empty_store()
            document[META]["1"]["next_id"] = next_id
            document[TICKETS] = {str(ticket.id): orjson.Fragment(json_bytes(ticket)) for ticket in tickets}
            OrjsonStorage(self.path).write(document)
        self.archive()

    def shared_file(self) -> Path:
        """The live file."""
        return self.path

    def presence_board(self, login: str, pid: int | None = None) -> PresenceDirectory:
        """Dashboards announce themselves in `<store>.presence/` beside the live file."""
        return PresenceDirectory(self.path, login, pid=pid)

    def kept_files(self) -> KeptFiles:
        """`<store>.files/` beside the live file."""
        return KeptFiles(self.path)

    def annotate(self, changes: Mapping[int, Callable[[Ticket], Ticket]]) -> list[Ticket]:
        """Apply mail delivery-state changes under the lock, each ticket keeping its version.

        No technician decides anything on these, so they must not make an open dialog fail with a
        conflict. A ticket that is not in the live file (archived, or gone) is skipped. Returns them as stored.
        """
        stored = []
        with self._writing() as write:
            for ticket_id, change in changes.items():
                if str(ticket_id) not in write.docs:
                    continue
                current = write.ticket(ticket_id)
                revision = current.mail_revision + 1
                stored.append(change(current).evolve(id=ticket_id, version=current.version, mail_revision=revision))
            write.put(stored)
        return stored

    def signature(self) -> Signature | None:
        """(mtime_ns, size, inode) of the live file, which every write replaces; None if it is missing."""
        try:
            return file_signature(self.path)
        except FileNotFoundError:
            return None

    def check(self) -> list[str]:
        """Diagnosis lines for `sopdash check`: live file, archive months, where each ticket is, permissions, debris."""
        from sopdash.store import file_search

        lines = diagnose(self.given, self.lock_path)
        if any(line.startswith("error:") for line in lines):
            return lines
        return lines + file_search.diagnosis(self.path, self.signature())

    def fix(self) -> list[str]:
        """What `sopdash check --fix` did: links and FIFOs planted where sopdash keeps its own files removed and
        modes set right (`sidecar_check`), then, under the lock, the temp files of interrupted writes removed; then
        the search index brought in line."""
        from sopdash.store import file_search

        done = repair_sidecars(self.path)
        with self._locked():
            done += remove_debris(self.path) + self._reindex_months()
        return done + file_search.repair(self.path, self.signature, self._locked)

    def search(
        self, query: SearchQuery, limit: int = 20, before: int | None = None, since: datetime | None = None
    ) -> list[SearchHit]:
        """From `<store>.search.sqlite`, caught up first if a write did not reach it."""
        from sopdash.store import file_search

        return file_search.search(self.path, self.signature, self._locked, self.notify, query, limit, before, since)

    def reindex(self) -> int:
        """Build `<store>.search.sqlite` anew from every ticket (writers wait only for its last step); how many it
        holds."""
        from sopdash.store.search_index import SearchIndex

        return SearchIndex(self.path).rebuild(self.signature, self._locked)

    def _reindex_months(self) -> list[str]:
        """Make again each month's index that is missing or does not match its month (under the lock)."""
        done: list[str] = []
        try:
            record = read_store_file(self.path).record
            archived = record.get("archived", {})
            if record.get("schema") != SCHEMA_VERSION or not archived:
                return done
            with archive_folder(self.path) as folder:
                for month in sorted(archived):
                    problem = index_problem(folder, month)
                    if problem is not None and rebuild_index(folder, month) is not None:
                        done.append(f"fixed: {folder.path / index_name(month)} was {problem}; made it again from the month")
        except StoreError:
            pass  # an unreadable store or a planted archive folder: `check` names it
        return done

    def _locked(self) -> AbstractContextManager[None]:
        """The store's lock; a file that is not a store (a link to /etc/passwd, say) gets no lock file made beside it."""
        if not os.path.lexists(self.lock_path):
            read_raw_file(self.path)
        return exclusive_lock(self.lock_path, notify=self.notify)

    def _exists(self) -> bool:
        try:
            self.path.stat()
        except FileNotFoundError:
            return False
        except OSError as error:
            raise access_error(self.path, "read", error) from None
        return True

    def _create(self) -> None:
        from sopdash.store.search_index import SearchIndex

        make_directory(self.path.parent)
        with exclusive_lock(self.lock_path):
            # another technician may have created it while we waited for the lock
            if not self._exists():
                OrjsonStorage(self.path).write(empty_store())
                SearchIndex(self.path).catch_up(self.signature())

    @contextmanager
    def _writing(self, every_due: bool = False) -> Iterator[LockedWrite]:
        """The store read under the lock; what changes inside is committed in one step, or not at all; then the
        search index is brought in line (`file_search`: the search modules load only when a store is written)."""
        from sopdash.store import file_search

        with self._locked():
            before = self.signature()
            write = LockedWrite(self.path)
            yield write
            changed = file_search.changed_docs(write)
            moved = write.commit(self.clock(), self.archive_after, every_due)
            file_search.after_write(self.path, before, self.signature(), write, changed, self.notify)
        if write.upgrading and self.notify is not None:
            self.notify(
                f"split the single-file store {self.path}: {sum(moved.values())} closed tickets moved to "
                f"{len(moved)} month files in {archive_directory(self.path)}"
            )


@dataclass
class _Paging:
    """What pages of history are cut from, as of one version of the live file (its signature): the live tickets'
    summaries, the months it lists, and each month's summaries once read."""

    signature: Signature | None
    live: list[TicketSummary]
    archived: dict[str, list[int]]
    schema: object
    months: dict[str, list[TicketSummary]]


def months_from(archived: dict[str, list[int]], since: datetime | None) -> list[str]:
    """The archive months that can hold tickets not closed before since, in order."""
    return sorted(month for month in archived if since is None or month >= month_of(since))


def not_closed_before(tickets: list[Ticket], since: datetime | None) -> list[Ticket]:
    """tickets without those closed (and created) before since."""
    if since is None:
        return tickets
    return [t for t in tickets if not (t.closed_at and t.closed_at < since and t.created_at < since)]


def empty_store() -> dict[str, dict]:
    """A live file without tickets."""
    return {META: {"1": {"schema": SCHEMA_VERSION, "next_id": 1, "archived": {}}}, TICKETS: {}}


def file_signature(path: Path) -> Signature:
    """(mtime_ns, size, inode) of path, changed by every atomic replace; FileNotFoundError if it is missing."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise access_error(path, "read", error) from None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


def _fetched(write: LockedWrite, ticket_id: int) -> Ticket | None:
    try:
        return write.ticket(ticket_id)
    except InputError:
        return None


def _replace(write: LockedWrite, tickets: Sequence[Ticket]) -> list[Ticket]:
    """Store changed tickets as their next version, each only if still at the version it carries."""
    stored = []
    for ticket in tickets:
        current = write.ticket(ticket.id)
        check_version(current, ticket.version)
        stored.append(seal(ticket, current).evolve(version=current.version + 1))
    write.put(stored)
    return stored
