"""What the desk, the command line, the report and the dashboard need from a ticket store, whatever holds it.

A store keeps a working set (the live tickets: every ticket not closed, and those closed recently) apart
from its history (older closed tickets). Actions work on the live set; views, search and reports that need
history ask for the span they need. The TinyDB file store (`TicketStore`) and the PostgreSQL store both
derive from `Store`: what every store must do is abstract, and a capability a backend has nothing to do for
(announcing changes, a lost connection, debris to clean, an old layout to split) has a default here, so no
caller asks which backend it has. Tests of the contract run against both. Every write that adds timeline entries
(`add`, `add_many`, `update`, `transact`, `transact_by_id`) seals them (`sopdash.core.chain.seal`), so `sopdash
check` finds a hand edit; `annotate` changes only delivery records, which the seals leave out.

Errors are `SopdashError`s: `InputError` for a ticket that does not exist, `ConflictError` for a stale
version, `StoreError` for a store that cannot be read or written.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sopdash.core.errors import ConflictError, InputError
from sopdash.core.model import OPEN_STATUSES, Ticket
from sopdash.core.summary import Cursor, TicketSummary, newest_first, summary_of

ARCHIVE_AFTER = timedelta(days=14)
"""How long a closed ticket stays in the working set, unless the desk's `store.archive_after` says otherwise."""

if TYPE_CHECKING:
    from sopdash.core.search import SearchHit, SearchQuery
    from sopdash.store.kept_files import KeptFiles
    from sopdash.store.mail_index import MailIndex
    from sopdash.store.postgres.kept_files import DatabaseFiles
    from sopdash.store.presence import PresenceBoard

Signature = Hashable
"""A cheap token that differs after any change to any ticket, by any process (what the dashboard watches)."""

Plan = Callable[[list[Ticket]], tuple[Sequence[Ticket], Sequence[Ticket]]]
"""Given every ticket, the (changed, new) tickets to write together (what an import does)."""

Fetch = Callable[[int], Ticket | None]
"""The ticket with an id as stored now, None if there is none (what a `transact_by_id` plan reads through)."""

Maker = Callable[[int], Ticket]
"""A new ticket, given the id the store numbers it with."""

ByIdPlan = Callable[[Fetch], tuple[Sequence[Ticket], Sequence[Maker]]]
"""Given fetch, the (changed tickets, makers of new tickets) to write together (what mail intake does)."""

Progress = Callable[[int, int], None]
"""Told (done, total) as history is read, so a screen can show how far it got."""


class Store(ABC):
    """A ticket store shared by every technician: writes serialised and atomic, reads consistent."""

    location: str
    """Where the store is, for messages (a path or a URL without its password)."""

    @abstractmethod
    def live(self) -> list[Ticket]:
        """The working set, sorted by id: every ticket not closed, and those closed within `store.archive_after`."""

    @abstractmethod
    def history(self, since: datetime | None = None, progress: Progress | None = None) -> list[Ticket]:
        """Every ticket not closed before since (every ticket ever when None), live and archived, sorted by id."""

    @abstractmethod
    def history_slices(self, since: datetime | None = None, kind: type = Ticket) -> list[Callable[[], list]]:
        """history(since) cut into slices that each read on their own, in any process (a file store: the live set
        and one per archive month), so a report can count them at once; a slice that meets a change raises StoreError.
        A store may build each ticket as `kind`, a type with some of a ticket's fields (the report's `ReportTicket`),
        and skip the rest unread; the file store's archive months may keep the report's tally beside them
        (`store/month_tallies.py`)."""

    @abstractmethod
    def get(self, ticket_id: int) -> Ticket:
        """One ticket, live or archived (an archived one costs only its own month); InputError if there is none."""

    @abstractmethod
    def add(self, make: Callable[[int], Ticket]) -> Ticket:
        """Store make(new_id) as version 1 under a new id, never one used before; returns it as stored."""

    @abstractmethod
    def add_many(self, tickets: Sequence[Ticket]) -> list[Ticket]:
        """Store tickets as version 1 in one write under new ids in order; returns them as stored."""

    @abstractmethod
    def update(
        self, ticket_id: int, change: Callable[[Ticket], Ticket], *, expected_version: int | None = None
    ) -> Ticket:
        """Apply change to the ticket as stored now and store it as the next version (ConflictError if it is no
        longer at expected_version); an archived ticket that changes comes back to the live set."""

    @abstractmethod
    def annotate(self, changes: Mapping[int, Callable[[Ticket], Ticket]]) -> list[Ticket]:
        """Apply mail delivery-state changes (nothing else) in one write; the file store keeps each ticket's
        version, so no open dialog conflicts with them. A ticket that is gone is skipped. Returns them as stored."""

    @abstractmethod
    def transact(self, plan: Plan) -> tuple[list[Ticket], list[Ticket]]:
        """Under one lock: plan(every ticket) -> (changed, new); all written in one step, or none (imports)."""

    @abstractmethod
    def transact_by_id(self, plan: ByIdPlan) -> tuple[list[Ticket], list[Ticket]]:
        """Like transact, reading only the tickets plan fetches, so it costs what they cost, not the history: under
        the write lock (one such plan at a time; what it fetches held against every other writer), plan(fetch) ->
        (changed, makers); each maker is called with its new ticket's id; all written in one step, or none."""

    @abstractmethod
    def search(
        self, query: SearchQuery, limit: int = 20, before: int | None = None, since: datetime | None = None
    ) -> list[SearchHit]:
        """Up to limit tickets, live and archived, holding every word and phrase of query and passing its status,
        priority and assignee filters, newest (highest id) first; before (the last id of a page) gives the next
        page, since leaves out tickets not changed since."""

    def reindex(self) -> int | None:
        """Build the search index anew (`sopdash store reindex`); how many tickets it holds, or None for a store
        whose index the database keeps itself."""
        return None

    @abstractmethod
    def signature(self) -> Signature | None:
        """A token that changes with every write to the store; None if the store is gone."""

    @abstractmethod
    def archive(self) -> int:
        """Move closed tickets older than `store.archive_after` out of the live set now; how many moved."""

    @abstractmethod
    def check(self) -> list[str]:
        """Diagnosis lines for `sopdash check`; problems start with "error:" or "warning:"."""

    @abstractmethod
    def next_id(self) -> int:
        """The id the next new ticket gets (what `sopdash store copy` carries over)."""

    @abstractmethod
    def restore(self, tickets: Iterable[Ticket], next_id: int) -> None:
        """Fill this empty store with tickets exactly as they are (ids, versions) and go on numbering at next_id;
        InputError if it ever held a ticket."""

    @abstractmethod
    def presence_board(self, login: str, pid: int | None = None) -> PresenceBoard:
        """Where the dashboard of process pid (this one by default) announces which ticket login is on."""

    @abstractmethod
    def kept_files(self) -> KeptFiles | DatabaseFiles:
        """Where kept mail, its attachments, the mail log and the outbox lock are."""

    # -- history in pages: what every store can do from `history`, and a store with an index does cheaper -------

    def history_page(self, before: Cursor | None, limit: int) -> tuple[list[TicketSummary], Cursor | None]:
        """(up to limit summaries of every ticket, live and archived, newest first (`summary.page_key`) from below
        `before` (from the newest when None); the cursor of the next page, None if this one is the last)."""
        page, more = newest_first([summary_of(ticket) for ticket in self.history()], before, limit)
        return page, page[-1].page_key if more else None

    def tickets(self, ids: Iterable[int]) -> list[Ticket]:
        """The tickets with these ids in that order, live or archived (what a page of history shows in full); a
        ticket that is gone is left out."""
        found = []
        for ticket_id in ids:
            try:
                found.append(self.get(ticket_id))
            except InputError:
                continue
        return found

    # -- capabilities with nothing to do on some backend -----------------------------------------

    def open_tickets(self) -> list[Ticket]:
        """The tickets still being worked on (new, open, waiting), sorted by id; a database reads only those."""
        return [ticket for ticket in self.live() if ticket.status in OPEN_STATUSES]

    def every_ticket(self) -> Iterator[Ticket]:
        """Every ticket, live and archived, in id order, for a pass over the whole store (`check`, `store copy`); a
        database streams them a page at a time, so memory does not grow with the history."""
        return iter(self.history())

    def mail_index(self) -> MailIndex:
        """Where mail intake looks up which ticket holds a Message-ID (kept files here; a database has a table)."""
        from sopdash.store.mail_index import MailIndex

        return MailIndex(self.kept_files())

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Have callback called (from a background thread) as soon as a change is announced; a store that does
        not announce changes calls nothing, and watchers rely on `signature`. A store that announces changes names
        the changed tickets, so the `live` or `history` that follows reads only those again, not the whole set."""
        return None

    @property
    def connection_lost(self) -> str | None:
        """Why changes are not being announced right now (they are polled meanwhile); None when all is well."""
        return None

    def actor(self, login: str) -> str:
        """Who acts on this store when the OS login is login (a database names its own role)."""
        return login

    def manager_rights(self) -> bool | None:
        """Whether the store itself says the actor is a manager; None leaves it to the config's roster."""
        return None

    def shared_file(self) -> Path | None:
        """The file the store is, whose folder and group a team shares; None for a database."""
        return None

    def logins_without_role(self, logins: Iterable[str]) -> list[str]:
        """Which of these logins may not act as technicians by the store's own roles (none: a file has no roles)."""
        return []

    def fix(self) -> list[str]:
        """What `sopdash check --fix` did."""
        return ["fix: nothing to do for this store"]

    def upgrade(self) -> bool:
        """Bring a store an older sopdash wrote up to the layout this one writes; False if it was up to date."""
        return False

    def close(self) -> None:
        """Let go of connections and listeners."""
        return None


def check_version(current: Ticket, expected_version: int | None) -> None:
    """Refuse to overwrite a ticket that changed since the technician looked at it."""
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(
            f"ticket #{current.id} changed since you looked at it (now version {current.version}); reload and try again"
        )
