"""A store file cut between tickets into parts that each decode on their own, so processes can share a read.

The store writes `{"meta":{...},"tickets":{"1":{"id":1,...},"2":{"id":2,...}}}` with no spaces. Inside a
JSON string every quote is escaped, so the bytes `,"7":{"id":7,` can only be the start of ticket 7 in
the tickets table: that is where a cut goes. A part is the bytes between two cuts wrapped as a
`{"tickets":{...}}` document. Whatever does not fit this shape (a hand-edited file, a corrupt one)
is left whole, and the careful path in `TicketStore.load` says what is wrong with it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec

from sopdash.core.model import Ticket
from sopdash.store.storage import check_schema, decode_tickets

MIN_PART_BYTES = 4_000_000  # about 3,000 tickets: below this a process costs more than it saves
_HEAD = b'{"meta":'
_TICKETS = b',"tickets":{'
_TICKET_START = re.compile(rb',"(\d+)":\{"id":(\d+)[,}]')


class _Part(msgspec.Struct):
    tickets: dict[int, Ticket]


_PART = msgspec.json.Decoder(_Part)


class StorePart:
    """Consecutive tickets of a store file, decoded only when asked, in whichever process asks."""

    def __init__(self, raw: bytes, path: Path, start: int = 0, end: int | None = None) -> None:
        self._raw, self._path, self._start, self._end = raw, path, start, len(raw) if end is None else end

    def load(self) -> list[Ticket] | None:
        """This part's tickets, checked, in file order; None if anything in it is off (`TicketStore.load` says what)."""
        raw, start, end = self._raw, self._start, self._end
        if start == 0 and end == len(raw):
            return decode_tickets(raw, self._path)
        # one copy of the part, not three: the slice is a view, and join sizes its result once
        document = b"".join(
            (b"" if start == 0 else b'{"tickets":{', memoryview(raw)[start:end], b"}}" if end < len(raw) else b"")
        )
        try:
            tickets = _PART.decode(document).tickets
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
        if any(ticket.id != key for key, ticket in tickets.items()):
            return None
        return list(tickets.values())


def split_store(raw: bytes, path: Path, count: int, min_bytes: int | None = None) -> list[StorePart]:
    """raw cut into up to `count` parts of about equal size, each of at least min_bytes (MIN_PART_BYTES); one part
    when it has not the shape the store writes.

    The schema version is checked here, once, since only the first part holds it.
    """
    count = min(count, len(raw) // max(MIN_PART_BYTES if min_bytes is None else min_bytes, 1))
    tickets_at = raw.find(_TICKETS)
    if count < 2 or not raw.startswith(_HEAD) or tickets_at < 0:
        return [StorePart(raw, path)]
    try:
        meta: Any = msgspec.json.decode(raw[len(_HEAD) : tickets_at])
    except msgspec.DecodeError:
        return [StorePart(raw, path)]
    check_schema(meta, path)
    bounds = [0, *_cuts(raw, tickets_at + len(_TICKETS), count), len(raw)]
    # a cut is the comma before a ticket: the part after it starts one byte later
    starts = [0, *(cut + 1 for cut in bounds[1:-1])]
    return [StorePart(raw, path, start, end) for start, end in zip(starts, bounds[1:])]


def _cuts(raw: bytes, first_ticket: int, count: int) -> list[int]:
    """Offsets of the commas before the tickets nearest past each (1/count)th of the file, in order."""
    cuts: list[int] = []
    span = len(raw) - first_ticket
    for n in range(1, count):
        match = _TICKET_START.search(raw, max(first_ticket + span * n // count, cuts[-1] + 1 if cuts else 0))
        while match and match[1] != match[2]:
            match = _TICKET_START.search(raw, match.end())
        if match is None:
            break
        cuts.append(match.start())
    return cuts
