"""Month tallies kept beside the archive: a closed month counted once, its figures read back by later reports.

An archive month whose every ticket is settled (resolved or closed, saying when: its clocks read the same at any
instant, `core.clocks.settled`), and whose every instant a tally filters on (creation, escalations, time logged, the client's score)
lies inside the report's period, tallies the same in every report whose period holds all of them. Such a month's
tally is kept through its slice (`KeptSlice`: the file store writes it beside the month, `store/month_tallies.py`)
with those instants' span, under a key naming all else it depends on: the SLA policy's fingerprint
(`core/policy_fingerprint.py`), the report's tables, this format and sopdash's version. A later report whose
period holds the span reads it back instead of decoding and clocking the month; a month partly in the period, or
holding a ticket not settled, is counted as before and nothing is kept. Change FORMAT with any change to what a
tally counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Protocol, runtime_checkable

import msgspec

from sopdash import __version__
from sopdash.core.clocks import settled
from sopdash.core.limits import in_range
from sopdash.core.model import Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.policy_fingerprint import policy_fingerprint
from sopdash.report.tally import Grouping, Slice, Tally, tally, used_sorted

FORMAT = 1


@runtime_checkable
class KeptSlice(Protocol):
    """A slice beside which a tally of its tickets may be kept (`store/month_tallies.py`'s MonthSlice)."""

    def __call__(self) -> list[Ticket]: ...

    def kept(self, key: str) -> bytes | None: ...

    def keep(self, key: str, data: bytes) -> None: ...


class Span(msgspec.Struct, frozen=True):
    """The first and last instants a month's tally filters on."""

    first: datetime
    last: datetime

    def within(self, since: datetime, until: datetime) -> bool:
        return since <= self.first and self.last < until


class MonthTally(msgspec.Struct, frozen=True):
    """What is kept: the span, and the tally of every ticket of the month (MessagePack of its own, decoded only once
    the span is known to fit)."""

    span: Span
    tally: msgspec.Raw


_MONTH_TALLY = msgspec.msgpack.Decoder(MonthTally)
_TALLY = msgspec.msgpack.Decoder(Tally)


def kept_key(policy: SlaPolicy, groupings: Sequence[Grouping]) -> str | None:
    """The key a month's tally is kept under for this policy and these tables; None if the policy has no fingerprint."""
    fingerprint = policy_fingerprint(policy)
    if fingerprint is None:
        return None
    return f"{FORMAT}/{__version__}/{fingerprint}/{','.join(grouping.name for grouping in groupings)}"


class KeptTallies:
    """How a report's slices are counted (`tally_history`): `ready` gives the kept tally of a slice that has one that
    holds for the period; `count` counts a slice's tickets, and keeps the tally where it will hold for later reports."""

    def __init__(
        self, policy: SlaPolicy, since: datetime, until: datetime, now: datetime, groupings: Sequence[Grouping]
    ) -> None:
        self.policy, self.since, self.until, self.now, self.groupings = policy, since, until, now, groupings
        # A `now` the clocks cannot count reads every clock apart, settled or not.
        self.key = kept_key(policy, groupings) if in_range(now) else None

    def ready(self, read: Slice) -> Callable[[], Tally] | None:
        """The slice's kept tally, to decode (the slice counted after all if it does not decode); None if it has none
        that holds."""
        if self.key is None or not isinstance(read, KeptSlice):
            return None
        data = read.kept(self.key)
        try:
            kept = None if data is None else _MONTH_TALLY.decode(data)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
        if kept is None or not kept.span.within(self.since, self.until):
            return None
        return partial(self._decoded, read, kept.tally)

    def count(self, read: Slice) -> Tally:
        """The tally of the slice's tickets, kept if they are settled and all in the period."""
        tickets = read()
        counted = tally(tickets, self.policy, self.since, self.until, self.now, self.groupings)
        if self.key is not None and isinstance(read, KeptSlice):
            span = settled_span(tickets)
            if span is not None and span.within(self.since, self.until):
                month = MonthTally(span, msgspec.Raw(msgspec.msgpack.encode(used_sorted(counted))))
                read.keep(self.key, msgspec.msgpack.encode(month))
        return counted

    def _decoded(self, read: Slice, data: msgspec.Raw) -> Tally:
        try:
            return _TALLY.decode(data)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return self.count(read)


def settled_span(tickets: Iterable[Ticket]) -> Span | None:
    """The span of every instant a tally filters on, if every ticket is settled; else (or with no ticket) None."""
    instants: list[datetime] = []
    for ticket in tickets:
        if not settled(ticket):
            return None
        instants.append(ticket.created_at)
        instants.extend(escalation.at for escalation in ticket.escalations)
        instants.extend(entry.at for entry in ticket.timeline if entry.time is not None)
        if ticket.satisfaction is not None:
            instants.append(ticket.satisfaction.at)
    return Span(min(instants), max(instants)) if instants else None
