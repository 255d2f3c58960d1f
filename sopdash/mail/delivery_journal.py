"""The outbox's journal: each delivery result kept the moment it is known, written into the tickets in batches.

Writing a result into a file store rewrites the whole live file under the lock every technician waits on,
and its cost grows with the store, so results are first appended to a small journal among the kept files
(`outbox/results.jsonl`, one line in one write before the next message goes) and written into the tickets
with one `Store.annotate` every `BATCH` results and at the end of a run. A sender killed at any point
therefore re-sends at most the one message it had handed over but not yet journaled: the next run writes
the journal into the tickets before it reads what is due. The journal is not synced to disk line by line
(that would cost more than the sending); the writes into the tickets are, so a power cut re-sends at
most the results since the last batch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec

from sopdash.core import delivery as outbound
from sopdash.core.errors import StoreError
from sopdash.core.model import Delivery, Ticket
from sopdash.store.contract import Store

if TYPE_CHECKING:
    from sopdash.store.kept_files import KeptFiles
    from sopdash.store.postgres.kept_files import DatabaseFiles

JOURNAL = "outbox/results.jsonl"
BATCH = 100


class _Result(msgspec.Struct, frozen=True):
    ticket: int
    delivery: Delivery


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(_Result)


class DeliveryJournal:
    """The results of one sender's run (the caller holds the one-sender lock), kept in `kept` and settled in `store`."""

    def __init__(self, store: Store, kept: KeptFiles | DatabaseFiles) -> None:
        self.store = store
        self.kept = kept
        self.results: list[_Result] = []

    def recover(self) -> None:
        """Write into the tickets what a run that ended early journaled but never wrote."""
        try:
            data = self.kept.read(JOURNAL)
        except StoreError:  # none yet; writing an empty one proves it can be written before anything is sent
            self.kept.keep(JOURNAL, b"")
            return
        for line in data.splitlines():
            try:
                self.results.append(_decoder.decode(line))
            except msgspec.DecodeError:
                continue  # a line damaged by hand: its message stays queued and goes again
        self.settle()

    def add(self, ticket_id: int, result: Delivery) -> None:
        """Keep one result before anything else is sent; settled into the tickets every BATCH results."""
        self.results.append(_Result(ticket_id, result))
        self.kept.append(JOURNAL, _encoder.encode(self.results[-1]) + b"\n")
        if len(self.results) >= BATCH:
            self.settle()

    def settle(self) -> None:
        """Write the kept results into their tickets (each keeping its version), then empty the journal."""
        per_ticket: dict[int, list[Delivery]] = {}
        for result in self.results:
            per_ticket.setdefault(result.ticket, []).append(result.delivery)
        if per_ticket:
            self.store.annotate({ticket_id: _with_results(records) for ticket_id, records in per_ticket.items()})
        self.kept.keep(JOURNAL, b"")
        self.results.clear()


def _with_results(records: list[Delivery]) -> Callable[[Ticket], Ticket]:
    def change(ticket: Ticket) -> Ticket:
        for record in records:
            ticket = outbound.with_result(ticket, record)
        return ticket

    return change
