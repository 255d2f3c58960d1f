"""The hash chain over each ticket's timeline, so that `sopdash check` finds an entry edited by hand (README:
"What the timeline's seals prove").

Every entry a write adds gets a seal, `N:DIGEST`: N numbers the ticket's sealed entries from 1, DIGEST is the
first 128 bits of a SHA-256 over the seal before it and the entry as stored (time to the second, author, kind,
text, change, mail origin; not its seal, nor its mail `delivery` record, which moves on as mail goes out).
The first seal chains from the ticket's start: its id, creation time and the entries it already had without
seals (written before sealing), so an old ticket is sealed where it stands by its next change. The ticket
keeps its newest seal (`timeline_seal`), so removing the newest entries shows too. Pure: no I/O.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any, NamedTuple

import msgspec

from sopdash.core.model import Ticket, TimelineEntry, format_time
from sopdash.core.text import one_line

_START = b"sopdash timeline chain 1\0"
_UNCOVERED = frozenset({"seal", "delivery"})  # TimelineEntry fields a seal leaves out
_ENCODER = msgspec.json.Encoder(order="sorted")
_SCALARS = frozenset({str, int, float, bool, type(None)})
_REQUIRED = object()  # the default of a field that has none
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECOND = timedelta(seconds=1)
MAX_LISTED = 10  # unsealed tickets named by id in `check`


class ChainCheck(NamedTuple):
    """What `verify` found: how many tickets are sealed, which are not yet, and each problem as a sentence."""

    sealed: int
    unsealed: list[int]
    problems: list[str]

    def lines(self) -> list[str]:
        """What `sopdash check` says: a count, the tickets not sealed yet (not a problem), each problem an error."""
        lines = [f"timeline seals: {self.sealed} tickets sealed, {len(self.problems)} problems"]
        if self.unsealed:
            named = ", ".join(f"#{ticket_id}" for ticket_id in self.unsealed[:MAX_LISTED])
            more = f" and {len(self.unsealed) - MAX_LISTED} more" if len(self.unsealed) > MAX_LISTED else ""
            lines.append(f"timeline seals: {len(self.unsealed)} tickets not sealed yet ({named}{more}): written before "
                         "sealing, each is sealed where it stands by its next change")
        return lines + [f"error: {problem}" for problem in self.problems]


def seal(ticket: Ticket, before: Ticket | None) -> Ticket:
    """`ticket` as a write stores it: the entries it gained since `before` (every entry, for a new ticket) sealed,
    chained on from its newest seal. An entry already stored without a seal keeps none."""
    kept = Counter(_content(entry) for entry in before.timeline if not entry.seal) if before is not None else Counter()
    fresh = []
    for index, entry in enumerate(ticket.timeline):
        if entry.seal:
            continue
        content = _content(entry)
        if kept[content]:
            kept[content] -= 1
        else:
            fresh.append(index)
    if not fresh:
        return ticket
    timeline = list(ticket.timeline)
    unsealed = [entry for index, entry in enumerate(timeline) if not entry.seal and index not in fresh]
    previous = _head(ticket) or _start(ticket, unsealed)
    number = _number(previous) or 0
    for index in fresh:
        number += 1
        previous = _link(number, previous, timeline[index])
        timeline[index] = msgspec.structs.replace(timeline[index], seal=previous)
    return ticket.evolve(timeline=tuple(timeline), timeline_seal=previous)


def without_seals(ticket: Ticket) -> Ticket:
    """ticket as its writer gave it, without the seals a store added."""
    timeline = tuple(msgspec.structs.replace(entry, seal="") if entry.seal else entry for entry in ticket.timeline)
    return ticket.evolve(timeline=timeline, timeline_seal="")


def verify(tickets: Iterable[Ticket]) -> ChainCheck:
    """Every ticket's chain recomputed: a sentence naming the ticket and entry for each seal that does not match."""
    sealed, unsealed, problems = 0, [], []
    for ticket in tickets:
        if not (ticket.timeline_seal or any(entry.seal for entry in ticket.timeline)):
            unsealed.append(ticket.id)
            continue
        sealed += 1
        problems += [f"ticket #{ticket.id}: {problem}" for problem in ticket_problems(ticket)]
    return ChainCheck(sealed, unsealed, problems)


def ticket_problems(ticket: Ticket) -> list[str]:
    """Where one sealed ticket's timeline differs from what its seals say was written."""
    numbered = sorted(
        ((_number(entry.seal), index, entry) for index, entry in enumerate(ticket.timeline) if entry.seal),
        key=lambda item: (item[0] is None, item[0] or 0, item[1]),
    )
    unsealed = [entry for entry in ticket.timeline if not entry.seal]
    previous = _start(ticket, unsealed)
    problems = []
    for expected, (number, index, entry) in enumerate(numbered, 1):
        if number != expected:
            shown = "an unreadable seal" if number is None else f"seal number {number}"
            problems.append(f"{_where(index, entry)} has {shown} where {expected} belongs: sealed entries were "
                            "removed, added or copied by hand")
            return problems
        if entry.seal != _link(number, previous, entry):
            since = ""
            if number == 1 and unsealed:
                since = f"; or one of the {len(unsealed)} entries without a seal was added, removed or edited"
            problems.append(f"{_where(index, entry)} does not match its seal: its time, author, kind, text or change "
                            f"was edited{since}")
        previous = entry.seal
    head = numbered[-1][2].seal if numbered else ""
    if ticket.timeline_seal != head:
        problems.append(f"its newest seal is {_shown(ticket.timeline_seal)}, its newest sealed entry's "
                        f"{_shown(head)}: timeline entries were removed or the record of the newest seal edited")
    return problems


def _head(ticket: Ticket) -> str:
    """The newest seal: as the ticket records it, else its highest-numbered entry's; "" before the first."""
    if ticket.timeline_seal:
        return ticket.timeline_seal
    seals = [entry.seal for entry in ticket.timeline if entry.seal and _number(entry.seal) is not None]
    return max(seals, key=_number, default="")


def _start(ticket: Ticket, unsealed: Sequence[TimelineEntry]) -> str:
    """What the first seal chains from: the ticket's id, creation time and its entries from before sealing."""
    digest = hashlib.sha256(_START + _ENCODER.encode([ticket.id, _plain(ticket.created_at)]))
    for content in sorted(_content(entry) for entry in unsealed):
        digest.update(b"\0" + content)
    return f"0:{_short(digest)}"


def _link(number: int, previous: str, entry: TimelineEntry) -> str:
    """The seal of `entry` as number `number`, after the seal `previous`."""
    digest = hashlib.sha256(previous.encode() + b"\0" + _content(entry))
    return f"{number}:{_short(digest)}"


def _content(entry: TimelineEntry) -> bytes:
    """The entry as its seal covers it: canonical JSON of its fields, those at their defaults left out (so a field
    added to the model later does not change the seals of entries written before it)."""
    return _ENCODER.encode(_fields(entry, _covered(type(entry))))


def _plain(value: Any) -> Any:
    """value as JSON types: a time as whole seconds since 1970 (stored to the second), a struct as its fields."""
    if value.__class__ in _SCALARS:
        return value
    if isinstance(value, datetime):
        return (value - _EPOCH) // _SECOND
    if isinstance(value, msgspec.Struct):
        return _fields(value, _covered(type(value)))
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value  # a change: {field: [old, new]} of JSON values


def _fields(struct: msgspec.Struct, covered: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """The covered fields of struct that are not at their defaults, as JSON types."""
    doc = {}
    for name, default in covered:
        value = getattr(struct, name)
        if default is _REQUIRED or not (value is default or value == default):
            doc[name] = value if value.__class__ in _SCALARS else _plain(value)
    return doc


@cache
def _covered(kind: type) -> tuple[tuple[str, Any], ...]:
    """(name, default) of each field of a Struct type a seal covers; a required field's default is _REQUIRED."""
    return tuple(
        (field.name, _REQUIRED if field.default is msgspec.NODEFAULT else field.default)
        for field in msgspec.structs.fields(kind)
        if not (kind is TimelineEntry and field.name in _UNCOVERED)
    )


def _number(seal: str) -> int | None:
    number, colon, _ = seal.partition(":")
    return int(number) if colon and number.isdigit() and len(number) < 10 else None


def _short(digest: Any) -> str:
    return base64.urlsafe_b64encode(digest.digest()[:16]).rstrip(b"=").decode()


def _where(index: int, entry: TimelineEntry) -> str:
    return f"timeline entry {index + 1} ({format_time(entry.at)}, {one_line(entry.author)})"


def _shown(seal: str) -> str:
    return f"'{seal}'" if seal else "missing"
