"""Which tickets changed since a reader last read them: named by the announcements, or read from the change log.

Each write is logged in `sopdash.changes` under a sequence number and announced with the `[seq, ticket_id]`
pairs it logged (see `scale_migration`). Numbers are drawn as transactions write and become visible as they
commit, in any order, and a number may never become visible (a write rolled back). So the feed keeps `low`, up to
which every number is accounted for, the numbers above it already seen, and when the gap above `low` was first
noticed: a gap older than `GAP_GRACE_S` is a write that never committed, and is passed over. After a reconnect the
change log is read from `low`, as it is when a payload says too many changed to name; if the log was pruned past
`low`, or holds more than a reader reads by id, everything is read again.

Thread-safe: the listening thread reports what it hears, the reading thread takes the ids to read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

import msgspec

GAP_GRACE_S = 30.0
IN_FLIGHT = 100  # a whole read reads again this many changes before it from the log, in case they were uncommitted
_PAYLOAD = msgspec.json.Decoder(list[tuple[int, int]] | dict[str, int])


class ChangeFeed:
    """The change log's sequence numbers accounted for, and the ticket ids still to be read again."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.low: int | None = None
        """Every sequence number up to this one is accounted for; None before the first whole read."""
        self._seen: dict[int, int] = {}  # sequence numbers above low already seen, and the ticket each named
        self._gap_since: float | None = None
        self._ids: set[int] = set()
        self._whole = True
        self._behind = False

    @property
    def behind(self) -> bool:
        """Whether announcements may have been missed, so the change log must be read from `low`."""
        return self._behind or self.low is None

    def start(self, newest: int) -> None:
        """A whole read begins at a moment when newest is the change log's newest number. It covers every change up
        to newest that had committed; the last `IN_FLIGHT` numbers stay to be seen, since a write that drew one of
        them may commit after the read."""
        with self._lock:
            self._whole = self._behind = False
            start = max(newest - IN_FLIGHT, 0)
            if self.low is None or start > self.low:
                self.low = start
                self._seen = {seq: ticket_id for seq, ticket_id in self._seen.items() if seq > start}
                self._gap_since = None
            self._advance()

    def heard(self, payload: str, newest: int | None = None) -> bool:
        """An announcement, when the change log's newest number is newest: its [seq, id] pairs are noted (those
        the log can hold); one that names no pairs, or too many to name, means the change log must be read.
        Whether it named a change not accounted for yet.

        Anyone may announce, so a payload is only a hint: a forged pair costs a read by id, and a pair naming a
        number already seen with another ticket has both read; what must be read in full is the log's to say."""
        try:
            named = _PAYLOAD.decode(payload)
        except msgspec.MsgspecError:
            named = None
        with self._lock:
            if isinstance(named, list):
                return self._note(pair for pair in named if newest is None or pair[0] <= newest)
            self._behind = True
            many = named.get("many") if isinstance(named, dict) else None
            return isinstance(many, int) and (self.low is None or many > self.low)

    def missed(self) -> None:
        """Announcements may have been lost (the connection dropped): read the change log before trusting them."""
        with self._lock:
            self._behind = True

    def logged(self, rows: Iterable[tuple[int, int]], oldest: int | None, complete: bool = True) -> None:
        """What the change log holds after `low` (complete: all of it, not the first so many), and the oldest
        number it still holds (None: it is empty)."""
        with self._lock:
            if not complete or (self.low is not None and oldest is not None and oldest > self.low + 1):
                self._whole = True  # too far behind, or pruned past what this reader saw: read everything
            self._note(rows)
            self._behind = False

    def take(self) -> set[int] | None:
        """The ids to read again (and forget), or None if everything must be read again."""
        with self._lock:
            if self._whole or self.low is None:
                return None
            ids, self._ids = self._ids, set()
            return ids

    def _note(self, pairs: Iterable[tuple[int, int]]) -> bool:
        """Note the pairs; whether one named a number above `low` not seen before."""
        if self.low is None:
            return False
        new = False
        for seq, ticket_id in pairs:
            if seq > self.low and self._seen.get(seq) != ticket_id:
                new = new or seq not in self._seen
                self._seen.setdefault(seq, ticket_id)
                self._ids.add(ticket_id)
            elif seq <= self.low:  # committed late, after a whole read began: read again, harmlessly if needless
                self._ids.add(ticket_id)
        self._advance()
        return new

    def _advance(self) -> None:
        assert self.low is not None
        while self.low + 1 in self._seen:
            self.low += 1
            del self._seen[self.low]
        if not self._seen:
            self._gap_since = None
            return
        now = self._clock()
        if self._gap_since is None:
            self._gap_since = now
        elif now - self._gap_since >= GAP_GRACE_S:  # a write that never committed: pass over its numbers
            self.low = min(self._seen) - 1
            self._gap_since = None
            self._advance()
