"""What the desk, the command line, the report and the dashboard need from a ticket store, whatever holds it.

A store keeps a working set (the live tickets: every ticket not closed, and those closed recently) apart
from its history (older closed tickets). Actions work on the live set; views, search and reports that need
history ask for the span they need. The TinyDB file store (`TicketStore`) and the PostgreSQL store both
keep this contract; tests of the contract run against both. Every write that adds timeline entries (`add`,
`add_many`, `update`, `transact`) seals them (`sopdash.core.chain.seal`), so `sopdash check` finds a hand edit.

Errors are `SopdashError`s: `InputError` for a ticket that does not exist, `ConflictError` for a stale
version, `StoreError` for a store that cannot be read or written.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from sopdash.core.model import Ticket

Signature = Hashable
"""A cheap token that differs after any change to any ticket, by any process (what the dashboard watches)."""

Plan = Callable[[list[Ticket]], tuple[Sequence[Ticket], Sequence[Ticket]]]
"""Given every ticket, the (changed, new) tickets to write together (what an import does)."""

Progress = Callable[[int, int], None]
"""Told (done, total) as history is read, so a screen can show how far it got."""


@runtime_checkable
class Store(Protocol):
    """A ticket store shared by every technician: writes serialised and atomic, reads consistent."""

    @property
    def location(self) -> str:
        """Where the store is, for messages (a path or a URL without its password)."""
        ...

    def live(self) -> list[Ticket]:
        """The working set, sorted by id: every ticket not closed, and those closed within `store.archive_after`."""
        ...

    def history(self, since: datetime | None = None, progress: Progress | None = None) -> list[Ticket]:
        """Every ticket not closed before since (every ticket ever when None), live and archived, sorted by id."""
        ...

    def history_slices(self, since: datetime | None = None) -> list[Callable[[], list[Ticket]]]:
        """history(since) cut into slices that each read on their own, in any process (a file store: the live set
        and one per archive month), so a report can count them at once; a slice that meets a change raises StoreError."""
        ...

    def get(self, ticket_id: int) -> Ticket:
        """One ticket, live or archived (an archived one costs only its own month); InputError if there is none."""
        ...

    def add(self, make: Callable[[int], Ticket]) -> Ticket:
        """Store make(new_id) as version 1 under a new id, never one used before; returns it as stored."""
        ...

    def add_many(self, tickets: Sequence[Ticket]) -> list[Ticket]:
        """Store tickets as version 1 in one write under new ids in order; returns them as stored."""
        ...

    def update(
        self, ticket_id: int, change: Callable[[Ticket], Ticket], *, expected_version: int | None = None
    ) -> Ticket:
        """Apply change to the ticket as stored now and store it as the next version (ConflictError if it is no
        longer at expected_version); an archived ticket that changes comes back to the live set."""
        ...

    def annotate(self, changes: Mapping[int, Callable[[Ticket], Ticket]]) -> list[Ticket]:
        """Apply mail delivery-state changes (nothing else) in one write; the file store keeps each ticket's
        version, so no open dialog conflicts with them. A ticket that is gone is skipped. Returns them as stored."""
        ...

    def transact(self, plan: Plan) -> tuple[list[Ticket], list[Ticket]]:
        """Under one lock: plan(every ticket) -> (changed, new); all written in one step, or none (imports)."""
        ...

    def signature(self) -> Signature | None:
        """A token that changes with every write to the store; None if the store is gone."""
        ...

    def archive(self) -> int:
        """Move closed tickets older than `store.archive_after` out of the live set now; how many moved."""
        ...

    def check(self) -> list[str]:
        """Diagnosis lines for `sopdash check`; problems start with "error:" or "warning:"."""
        ...
