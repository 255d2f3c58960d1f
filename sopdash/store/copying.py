"""`sopdash store copy`: a whole store moved to the other backend (file ⇄ PostgreSQL), exactly, and checked.

Exactly means every ticket with its id and version, and the id the next new ticket gets, so that ids are
never reused after a move. The copy is read back from the destination and compared with the source by
count and by a SHA-256 over the tickets' documents; a destination that already holds tickets is refused.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import orjson

from sopdash.core.documents import json_bytes
from sopdash.core.errors import StoreError
from sopdash.core.model import Ticket
from sopdash.store.contract import Store


class Contents(NamedTuple):
    """What a copy must carry over: every ticket, and the next id. Its count and checksum prove a copy."""

    tickets: list[Ticket]
    next_id: int

    @property
    def checksum(self) -> str:
        """SHA-256 over the next id and every ticket's document, keys sorted, in id order."""
        digest = hashlib.sha256(str(self.next_id).encode())
        for ticket in self.tickets:
            digest.update(json_bytes(ticket, orjson.OPT_SORT_KEYS))
        return digest.hexdigest()

    def describe(self) -> str:
        return f"{len(self.tickets)} tickets, next id {self.next_id}, sha256 {self.checksum[:16]}"


def contents(store: Store) -> Contents:
    """Every ticket of store, live and archived, and its next id."""
    return Contents(store.history(), store.next_id())


def copy_store(source: Store, destination: Store) -> tuple[Contents, Contents]:
    """Copy source into the empty destination; returns (what was read, what the destination holds now).

    StoreError if the two differ after the copy; InputError if the destination was not empty.
    """
    read = contents(source)
    destination.restore(read.tickets, read.next_id)
    written = contents(destination)
    if written != read:
        raise StoreError(f"the copy in {destination.location} does not match {source.location}: "
                         f"{written.describe()} against {read.describe()}")
    return read, written
