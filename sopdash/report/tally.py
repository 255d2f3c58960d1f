"""The SLA report's raw figures: counts, business durations and breaches per group, before any percentile.

A tally is taken over any run of tickets and tallies merge, so a store's history can be counted a share of
its slices (archive months) per processor, at once, and the shares added up (`tally_history`). Everything
here is a msgspec Struct, so a share crosses between processes as a few bytes of MessagePack.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from operator import attrgetter
from typing import NamedTuple, Protocol

import msgspec

from sopdash.core.clocks import BREACHED, MET, MET_LATE, ClockReading, ticket_clocks
from sopdash.core.errors import StoreError
from sopdash.core.model import ESCALATION_REASONS, PRIORITIES, Requester, Ticket, TimelineEntry
from sopdash.core.policy import SlaPolicy
from sopdash.report.satisfaction import UNASSIGNED, add_score

UNCATEGORISED = "(none)"

Slice = Callable[[], list[Ticket]]  # reads one part of a history, in any process
Row = tuple[Ticket, ClockReading, ClockReading]  # a ticket created in the period, with its two clocks
_COMPLETED = frozenset({MET, MET_LATE})
_MISSED = frozenset({MET_LATE, BREACHED})


class Grouping(NamedTuple):
    """One table of the report: tickets grouped by `key` (an empty key counts as `blank`); the time logged on a
    ticket goes to `time_key`'s group (the ticket's own group when None). A report has a table per grouping."""

    name: str  # the table's name: `by_<name>` in JSON, `<name>.csv`, `by <name>` in text
    key: Callable[[Ticket], str]
    blank: str = ""
    order: tuple[str, ...] = ()  # groups listed first, in this order; the rest by name
    time_key: Callable[[Ticket, TimelineEntry], str] | None = None


GROUPINGS: tuple[Grouping, ...] = (
    Grouping("priority", attrgetter("priority"), order=PRIORITIES),
    # Time by technician is the time each technician logged, on whichever ticket.
    Grouping("technician", attrgetter("assignee"), UNASSIGNED, time_key=lambda ticket, entry: entry.author),
    Grouping("category", attrgetter("category"), UNCATEGORISED),
)


class Breach(msgspec.Struct, frozen=True, gc=False):
    """A clock that missed its target: `breached` (still open, past due) or `met_late`."""

    ticket_id: int = msgspec.field(name="ticket")
    subject: str
    priority: str
    assignee: str
    category: str
    requester: Requester
    clock: str
    state: str
    due: datetime | None
    over_s: int
    policy: str = ""  # the SLA policy the ticket was measured against


class ClockTally(msgspec.Struct, gc=False):
    """One clock over a group: outcomes counted, and the business seconds each completed clock used."""

    within: int = 0
    late: int = 0
    pending: int = 0
    used: list[int] = []


class GroupTally(msgspec.Struct, gc=False):
    """Tickets created in a group, and how their two clocks fared."""

    created: int = 0
    time_s: int = 0  # time logged in the period (core/time_spent.py), billable or not
    billable_s: int = 0
    ack: ClockTally = msgspec.field(default_factory=ClockTally)
    resolution: ClockTally = msgspec.field(default_factory=ClockTally)


class Tally(msgspec.Struct, gc=False):
    """Every raw figure of a report: per group (blank names already spelled out), escalations, breaches."""

    overall: GroupTally = msgspec.field(default_factory=GroupTally)
    groups: dict[str, dict[str, GroupTally]] = {}  # {grouping name: {group name: its tally}}
    escalations: dict[str, int] = {}
    breaches: list[Breach] = []
    merged: int = 0  # tickets created in the period and closed by a merge: duplicates, left out of the clocks
    scores: dict[str, list[int]] = {}  # clients' scores given in the period, by technician (`report/satisfaction.py`)


def tally(
    tickets: Iterable[Ticket], policy: SlaPolicy, since: datetime, until: datetime, now: datetime,
    groupings: Sequence[Grouping] = GROUPINGS,
) -> Tally:
    """The figures of tickets created in [since, until), every clock read at `now`, a table per grouping;
    escalations and time spent by when they happened."""
    rows: list[Row] = []
    escalations = dict.fromkeys(ESCALATION_REASONS, 0)
    logged: list[tuple[Ticket, TimelineEntry]] = []
    merged_duplicates = 0
    scores: dict[str, list[int]] = {}
    for ticket in tickets:
        add_score(scores, ticket, since, until)
        for escalation in ticket.escalations:
            if since <= escalation.at < until:
                escalations[escalation.reason] = escalations.get(escalation.reason, 0) + 1
        for entry in ticket.timeline:
            if entry.time is not None and since <= entry.at < until:
                logged.append((ticket, entry))
        if since <= ticket.created_at < until and ticket.merged_into is not None:
            merged_duplicates += 1
        elif since <= ticket.created_at < until:
            clocks = ticket_clocks(ticket, policy, now)
            rows.append((ticket, clocks.ack, clocks.resolution))
    overall = _group(rows)
    _add_time(overall, [entry for _, entry in logged])
    return Tally(
        overall=overall,
        groups={grouping.name: _groups(rows, logged, grouping) for grouping in groupings},
        escalations=escalations,
        breaches=list(_breaches(rows, policy)),
        merged=merged_duplicates,
        scores=scores,
    )


def tally_history(
    slices: Sequence[Slice], read_all: Callable[[], list[Ticket]], policy: SlaPolicy, since: datetime,
    until: datetime, now: datetime, groupings: Sequence[Grouping] = GROUPINGS, counter: SliceCounter | None = None,
) -> Tally:
    """The tally of a history given as slices (a store's `history_slices`): dealt out one share per processor, each
    share counted in a process of its own at once, a slice at a time, and the tallies merged (on one processor, the
    slices counted here in turn). With a counter (the report's `kept_tallies.KeptTallies`), slices it has a tally
    ready for are taken here, while the others are counted, each by it.

    A share that fails in any way (a month moved meanwhile, a bad file, a child that died) has the whole history
    counted again here from read_all (the store's `history`), which names any problem.
    """
    count = counter.count if counter else partial(_tickets_tally, policy=policy, since=since, until=until, now=now,
                                                   groupings=groupings)
    ready = [counter.ready(read) if counter else None for read in slices]
    taken = [take for take in ready if take is not None]
    slices = [read for read, take in zip(slices, ready) if take is None]
    workers = min(len(slices), _processors())
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        try:  # here, a slice at a time
            return merged([*(take() for take in taken), *(count(read) for read in slices)])
        except StoreError:
            return tally(read_all(), policy, since, until, now, groupings)
    shares = [slices[n::workers] for n in range(workers)]

    def count_share(n: int) -> bytes:  # a slice at a time, added up as it goes: one month's tickets are held at once
        share = Tally()
        for read in shares[n]:
            share = merged([share, count(read)])
        return msgspec.msgpack.encode(used_sorted(share))

    # Forked, the children inherit count_share and its slices (store connections are opened anew in each slice), so
    # only a share's number goes to them and a tally's bytes come back.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_take,
                               initargs=(count_share,))
    try:
        with pool:
            sent = pool.map(_counted, range(workers))
            here = merged([take() for take in taken])
            counted = [msgspec.msgpack.decode(share, type=Tally) for share in sent]
    except (StoreError, BrokenProcessPool, OSError, msgspec.DecodeError):
        return tally(read_all(), policy, since, until, now, groupings)
    return merged([here, *counted])


class SliceCounter(Protocol):
    """How `tally_history` counts slices: a slice's tally ready without reading it (None: count it), or counted."""

    def ready(self, read: Slice) -> Callable[[], Tally] | None: ...

    def count(self, read: Slice) -> Tally: ...


def _tickets_tally(
    read: Slice, policy: SlaPolicy, since: datetime, until: datetime, now: datetime, groupings: Sequence[Grouping]
) -> Tally:
    return tally(read(), policy, since, until, now, groupings)


_count: Callable[[int], bytes] | None = None  # in a pool's child: what `tally_history` gave it


def _take(count: Callable[[int], bytes]) -> None:
    global _count
    _count = count


def _counted(n: int) -> bytes:
    assert _count is not None
    return _count(n)


def _processors() -> int:
    """How many processors this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def merged(tallies: Sequence[Tally]) -> Tally:
    """The tally of all the parts' tickets together; breaches stay in ticket order."""
    whole = Tally(escalations=dict.fromkeys(ESCALATION_REASONS, 0))
    for part in tallies:
        _add_group(whole.overall, part.overall)
        for name, part_groups in part.groups.items():
            groups = whole.groups.setdefault(name, {})
            for key, group in part_groups.items():
                _add_group(groups.setdefault(key, GroupTally()), group)
        for reason, count in part.escalations.items():
            whole.escalations[reason] = whole.escalations.get(reason, 0) + count
        whole.breaches.extend(part.breaches)
        whole.merged += part.merged
        for technician, given in part.scores.items():
            whole.scores.setdefault(technician, []).extend(given)
    whole.breaches.sort(key=attrgetter("ticket_id"))
    return whole


def used_sorted(counted: Tally) -> Tally:
    """counted with its durations sorted: a share (or a kept month) sorts its own, in its process, so the merged ones
    sort fast (sorted runs, which sorting merges)."""
    for group in (counted.overall, *(group for groups in counted.groups.values() for group in groups.values())):
        group.ack.used.sort()
        group.resolution.used.sort()
    return counted


def _add_group(total: GroupTally, part: GroupTally) -> None:
    total.created += part.created
    total.time_s += part.time_s
    total.billable_s += part.billable_s
    for clock in ("ack", "resolution"):
        into, add = getattr(total, clock), getattr(part, clock)
        into.within += add.within
        into.late += add.late
        into.pending += add.pending
        into.used.extend(add.used)


def _groups(rows: list[Row], logged: list[tuple[Ticket, TimelineEntry]], grouping: Grouping) -> dict[str, GroupTally]:
    """The rows' tallies, and the time logged, by the grouping's key."""
    key, blank = grouping.key, grouping.blank
    by_key: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_key[key(row[0]) or blank].append(row)
    groups = {name: _group(group) for name, group in by_key.items()}
    time_key = grouping.time_key or (lambda ticket, entry: key(ticket))
    entries: dict[str, list[TimelineEntry]] = defaultdict(list)
    for ticket, entry in logged:
        entries[time_key(ticket, entry) or blank].append(entry)
    for name, group_entries in entries.items():
        _add_time(groups.setdefault(name, GroupTally()), group_entries)
    return groups


def _add_time(group: GroupTally, entries: list[TimelineEntry]) -> None:
    for entry in entries:
        assert entry.time is not None
        group.time_s += entry.time.seconds
        if entry.time.billable:
            group.billable_s += entry.time.seconds


def _group(rows: list[Row]) -> GroupTally:
    return GroupTally(len(rows), ack=_clock([row[1] for row in rows]), resolution=_clock([row[2] for row in rows]))


def _clock(readings: list[ClockReading]) -> ClockTally:
    states = [reading.state for reading in readings]  # counted in C, not branch by branch: 50,000 rows, four times over
    within = states.count(MET)
    late = states.count(MET_LATE) + states.count(BREACHED)
    used = [r.target_s - r.remaining_s for r in readings if r.state in _COMPLETED]
    return ClockTally(within, late, len(readings) - within - late, used)


def _breaches(rows: list[Row], policy: SlaPolicy) -> Iterable[Breach]:
    for ticket, ack, resolution in sorted(rows, key=lambda row: row[0].id):
        for clock, reading in (("ack", ack), ("resolution", resolution)):
            if reading.state in _MISSED:
                yield Breach(
                    ticket.id,
                    ticket.subject,
                    ticket.priority,
                    ticket.assignee,
                    ticket.category,
                    ticket.requester,
                    clock,
                    reading.state,
                    reading.due,
                    -reading.remaining_s,
                    policy.for_ticket(ticket).name,
                )
