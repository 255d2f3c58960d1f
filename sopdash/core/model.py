"""The ticket model of PRODUCT §3, validated when read from a document.

The dataclasses are treated as immutable (change a ticket with `evolve`); they are not frozen only
because frozen dataclasses cost several times more to build, and a store may hold 50,000 tickets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from operator import eq
from typing import Any, overload

from sopdash.core.errors import InputError

PRIORITIES = ("urgent", "high", "medium", "low")
STATUSES = ("new", "open", "waiting", "resolved", "closed")
OPEN_STATUSES = ("new", "open", "waiting")
ESCALATION_REASONS = ("timing", "unsatisfied", "disruptive", "other")
MANAGER_REASONS = ("unsatisfied", "disruptive")
TIMELINE_KINDS = ("public", "internal", "event")
MAX_TIER = 3

TROUBLESHOOTING_STEPS = (
    "Identify the problem",
    "Establish a theory of probable cause",
    "Test the theory to determine the cause",
    "Establish a plan of action and implement the solution",
    "Verify full system functionality and implement preventive measures",
    "Document findings, actions and outcomes",
)


def parse_time(value: Any, what: str = "time") -> datetime:
    """An aware UTC datetime from an ISO 8601 string (or datetime); naive input is taken as UTC."""
    if type(value) is str and value.endswith("+00:00"):
        try:
            return datetime.fromisoformat(value)  # the stored form (already UTC): the fast path
        except ValueError:
            pass
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"{what}: {value!r} is not an ISO 8601 time (e.g. 2026-11-27T09:30:00+00:00)") from None
    else:
        raise InputError(f"{what}: expected an ISO 8601 time, got {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_time(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, in UTC, to the second: the stored form of every time."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _opt_time(value: Any, what: str) -> datetime | None:
    return None if value is None else parse_time(value, what)


def check_choice(value: Any, choices: tuple[str, ...], what: str) -> str:
    """The value if it is one of choices, else an InputError naming them."""
    if value not in choices:
        raise InputError(f"{what}: {value!r} is not one of {', '.join(choices)}")
    return value


@dataclass(slots=True)
class Requester:
    """The client who raised the ticket."""

    name: str = ""
    email: str = ""
    phone: str = ""

    @classmethod
    def from_dict(cls, doc: dict | None) -> Requester:
        doc = doc or {}
        return cls(str(doc.get("name") or ""), str(doc.get("email") or ""), str(doc.get("phone") or ""))

    def to_dict(self) -> dict:
        return {"name": self.name, "email": self.email, "phone": self.phone}


@dataclass(slots=True)
class TimelineEntry:
    """One public message, internal note or audit event.

    `client` marks a public message written by the requester rather than a technician;
    `change` holds {field: [old, new]} for events (the audit trail and the clocks read it).
    """

    at: datetime
    author: str
    kind: str
    text: str
    change: dict[str, list[Any]] | None = None
    client: bool = False

    @classmethod
    def from_dict(cls, doc: dict) -> TimelineEntry:
        kind = doc.get("kind")
        if kind not in TIMELINE_KINDS:
            check_choice(kind, TIMELINE_KINDS, "timeline.kind")
        return cls(
            parse_time(doc.get("at"), "timeline.at"),
            str(doc.get("author") or ""),
            kind,
            str(doc.get("text") or ""),
            doc.get("change") or None,
            bool(doc.get("client", False)),
        )

    def to_dict(self) -> dict:
        doc = {"at": format_time(self.at), "author": self.author, "kind": self.kind, "text": self.text}
        if self.change:
            doc["change"] = self.change
        if self.client:
            doc["client"] = True
        return doc


_KINDS = frozenset(TIMELINE_KINDS)

StatusChanges = tuple[tuple[float, Any], ...]  # (epoch seconds, new status) of each status event, in order


class Timeline(Sequence[TimelineEntry]):
    """A ticket's entries, oldest first, kept as their stored documents: each entry is built when first looked at.

    A store of 50,000 tickets holds some 300,000 entries, and most reads (the report above all) need none of
    them but the status events, which are noted once, when the timeline is read or added to.
    """

    __slots__ = ("_docs", "_entries", "_status_changes")

    def __init__(self, entries: Iterable[TimelineEntry] = ()) -> None:
        """A timeline of the given entries."""
        entries = list(entries)
        self._docs = tuple(entry.to_dict() for entry in entries)
        self._entries: list[TimelineEntry | None] | None = entries
        self._status_changes = _entry_status_changes(entries)

    @classmethod
    def _of(
        cls, docs: tuple[dict, ...], entries: list[TimelineEntry | None] | None, changes: StatusChanges
    ) -> Timeline:
        """A timeline over checked documents, with whichever entries are built (None: none) and their status changes."""
        timeline = cls.__new__(cls)
        timeline._docs, timeline._entries, timeline._status_changes = docs, entries, changes
        return timeline

    def __len__(self) -> int:
        return len(self._docs)

    @overload
    def __getitem__(self, index: int) -> TimelineEntry: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[TimelineEntry, ...]: ...

    def __getitem__(self, index: int | slice) -> TimelineEntry | tuple[TimelineEntry, ...]:
        if isinstance(index, slice):
            return tuple(map(self.__getitem__, range(*index.indices(len(self._docs)))))
        entries = self._entries
        if entries is None:
            entries = self._entries = [None] * len(self._docs)
        entry = entries[index]
        if entry is None:
            entry = entries[index] = TimelineEntry.from_dict(self._docs[index])
        return entry

    def __iter__(self) -> Iterator[TimelineEntry]:
        return map(self.__getitem__, range(len(self._docs)))

    def __reversed__(self) -> Iterator[TimelineEntry]:
        return map(self.__getitem__, range(len(self._docs) - 1, -1, -1))

    def __add__(self, other: object) -> Timeline:
        if isinstance(other, tuple):
            other = Timeline(other)
        elif not isinstance(other, Timeline):
            return NotImplemented
        return Timeline._of(
            self._docs + other._docs, self._built() + other._built(), self._status_changes + other._status_changes
        )

    def __radd__(self, other: object) -> Timeline:
        if isinstance(other, tuple):
            return Timeline(other) + self
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (tuple, Timeline)):
            return NotImplemented
        return len(self) == len(other) and all(map(eq, self, other))

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple of entries, which are unhashable

    def __repr__(self) -> str:
        return f"Timeline({list(self)!r})"

    def _built(self) -> list[TimelineEntry | None]:
        """The entries built so far, None where not yet."""
        return list(self._entries) if self._entries is not None else [None] * len(self._docs)

    def status_changes(self) -> StatusChanges:
        """(epoch seconds, new status) of every status event, in timeline order."""
        return self._status_changes

    def to_dicts(self) -> list[dict]:
        """The stored documents (shared: read-only), as read, so that saving an unchanged ticket rebuilds nothing."""
        return list(self._docs)


def read_timeline(docs: Sequence[Any]) -> Timeline:
    """The timeline in stored documents: lazy if all are in the stored form, else built (and checked) at once."""
    docs = tuple(docs)
    changes = _stored_status_changes(docs)
    if changes is None:
        return Timeline(TimelineEntry.from_dict(doc) for doc in docs)
    return Timeline._of(docs, None, changes)


def _stored_status_changes(docs: tuple[Any, ...]) -> StatusChanges | None:
    """The status changes in documents that are all in the stored form (a known kind, an aware time); else None.

    One pass both checks each document, so that its entry can be built later without error, and reads the
    status events: each document is touched once, while it is in the processor's cache.
    """
    changes = []
    try:
        for doc in docs:
            kind = doc["kind"]
            at = datetime.fromisoformat(doc["at"])
            if kind not in _KINDS or at.tzinfo is None:
                return None
            if kind == "event" and (change := doc.get("change")) and "status" in change:
                changes.append((at.timestamp(), _new_status(change["status"])))
    except (KeyError, TypeError, ValueError):
        return None
    return tuple(changes)


def _entry_status_changes(entries: Iterable[TimelineEntry]) -> StatusChanges:
    return tuple(
        (entry.at.timestamp(), _new_status(entry.change["status"]))
        for entry in entries
        if entry.change and "status" in entry.change and entry.kind == "event"
    )


def _new_status(status: Any) -> Any:
    """The status an event's {"status": [old, new]} change moves to; InputError for any other shape."""
    if isinstance(status, (list, tuple)) and len(status) == 2:
        return status[1]
    raise InputError(f"timeline.change: status {status!r} is not [old, new]")


def status_changes(timeline: Sequence[TimelineEntry]) -> StatusChanges:
    """(epoch seconds, new status) of every status event in a timeline, or in a tuple of entries, in order."""
    if type(timeline) is Timeline:  # not isinstance: against an ABC it costs a tenth of a clock reading
        return timeline.status_changes()
    return _entry_status_changes(timeline)


def _timeline_dicts(timeline: Sequence[TimelineEntry]) -> list[dict]:
    """A timeline's stored documents, or those of a tuple of entries."""
    return timeline.to_dicts() if type(timeline) is Timeline else [entry.to_dict() for entry in timeline]


@dataclass(slots=True)
class Escalation:
    """A move up the support tiers, with the SOP 6 reason."""

    at: datetime
    by: str
    from_tier: int
    to_tier: int
    reason: str
    note: str = ""

    @classmethod
    def from_dict(cls, doc: dict) -> Escalation:
        return cls(
            at=parse_time(doc.get("at"), "escalations.at"),
            by=str(doc.get("by") or ""),
            from_tier=int(doc.get("from_tier") or 1),
            to_tier=int(doc.get("to_tier") or 1),
            reason=check_choice(doc.get("reason"), ESCALATION_REASONS, "escalations.reason"),
            note=str(doc.get("note") or ""),
        )

    def to_dict(self) -> dict:
        return {
            "at": format_time(self.at),
            "by": self.by,
            "from_tier": self.from_tier,
            "to_tier": self.to_tier,
            "reason": self.reason,
            "note": self.note,
        }


@dataclass(slots=True)
class ManagerFlag:
    """SOP 6B/6C: a manager must know; stays raised until a manager acknowledges it."""

    raised_at: datetime
    reason: str
    acknowledged_at: datetime | None = None
    by: str = ""

    @classmethod
    def from_dict(cls, doc: dict | None) -> ManagerFlag | None:
        if not doc:
            return None
        return cls(
            raised_at=parse_time(doc.get("raised_at"), "manager_flag.raised_at"),
            reason=str(doc.get("reason") or ""),
            acknowledged_at=_opt_time(doc.get("acknowledged_at"), "manager_flag.acknowledged_at"),
            by=str(doc.get("by") or ""),
        )

    def to_dict(self) -> dict:
        return {
            "raised_at": format_time(self.raised_at),
            "reason": self.reason,
            "acknowledged_at": format_time(self.acknowledged_at),
            "by": self.by,
        }


@dataclass(slots=True)
class StepRecord:
    """A CompTIA troubleshooting step that a technician marked done."""

    step: int
    at: datetime
    by: str
    note: str = ""

    @classmethod
    def from_dict(cls, doc: dict) -> StepRecord:
        step = int(doc.get("step") or 0)
        if not 1 <= step <= len(TROUBLESHOOTING_STEPS):
            raise InputError(f"troubleshooting.step: {step} is not between 1 and {len(TROUBLESHOOTING_STEPS)}")
        return cls(step, parse_time(doc.get("at"), "troubleshooting.at"), str(doc.get("by") or ""), str(doc.get("note") or ""))

    def to_dict(self) -> dict:
        return {"step": self.step, "at": format_time(self.at), "by": self.by, "note": self.note}


@dataclass(slots=True)
class Source:
    """Where an imported ticket came from, so that re-imports update instead of duplicating."""

    system: str = "sopdash"
    external_id: str = ""

    @classmethod
    def from_dict(cls, doc: dict | None) -> Source:
        doc = doc or {}
        return cls(str(doc.get("system") or "sopdash"), str(doc.get("external_id") or ""))

    def to_dict(self) -> dict:
        return {"system": self.system, "external_id": self.external_id}


@dataclass(slots=True)
class Ticket:
    """A help-desk ticket with everything the SOP tracks about it."""

    id: int
    subject: str
    created_at: datetime
    body: str = ""
    requester: Requester = field(default_factory=Requester)
    category: str = ""
    priority: str = "medium"
    triaged: bool = False
    status: str = "new"
    assignee: str = ""
    tier: int = 1
    escalations: tuple[Escalation, ...] = ()
    manager_flag: ManagerFlag | None = None
    troubleshooting: tuple[StepRecord, ...] = ()
    timeline: Timeline | tuple[TimelineEntry, ...] = field(default_factory=Timeline)
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: str = ""
    client_notified_at: datetime | None = None
    closed_at: datetime | None = None
    source: Source = field(default_factory=Source)
    version: int = 1

    @property
    def is_open(self) -> bool:
        """Still in the queue: not resolved or closed."""
        return self.status in OPEN_STATUSES

    @property
    def is_escalated(self) -> bool:
        """Escalated at least once (SOP 6), whatever the tier now."""
        return bool(self.escalations)

    @property
    def needs_manager(self) -> bool:
        """A manager flag is raised and no manager has acknowledged it yet."""
        return self.manager_flag is not None and self.manager_flag.acknowledged_at is None

    @property
    def current_step(self) -> int | None:
        """The next CompTIA step to do (1-based), or None when all are done."""
        done = {record.step for record in self.troubleshooting}
        return next((n for n in range(1, len(TROUBLESHOOTING_STEPS) + 1) if n not in done), None)

    def evolve(self, **changes: Any) -> Ticket:
        """A copy with the given fields changed."""
        return replace(self, **changes)

    @classmethod
    def from_dict(cls, doc: dict) -> Ticket:
        """A ticket from its stored document; raises InputError naming the ticket and its first bad field."""
        try:
            ticket_id = int(doc["id"])
        except (KeyError, TypeError, ValueError):
            raise InputError(f"ticket: id {doc.get('id')!r} is not a whole number") from None
        try:
            return cls._from_dict(ticket_id, doc)
        except InputError as error:
            raise InputError(f"ticket {ticket_id}: {error}") from None

    @classmethod
    def _from_dict(cls, ticket_id: int, doc: dict) -> Ticket:
        get = doc.get
        tier = int(get("tier") or 1)
        if not 1 <= tier <= MAX_TIER:
            raise InputError(f"tier {tier} is not between 1 and {MAX_TIER}")
        # Positional, in field order: keyword arguments cost three times as much, 50,000 times over.
        return cls(
            ticket_id,
            str(get("subject") or ""),
            parse_time(get("created_at"), "created_at"),
            str(get("body") or ""),
            Requester.from_dict(get("requester")),
            str(get("category") or ""),
            check_choice(get("priority") or "medium", PRIORITIES, "priority"),
            bool(get("triaged", False)),
            check_choice(get("status") or "new", STATUSES, "status"),
            str(get("assignee") or ""),
            tier,
            tuple(map(Escalation.from_dict, get("escalations") or ())),
            ManagerFlag.from_dict(get("manager_flag")),
            tuple(map(StepRecord.from_dict, get("troubleshooting") or ())),
            read_timeline(get("timeline") or ()),
            _opt_time(get("acknowledged_at"), "acknowledged_at"),
            _opt_time(get("resolved_at"), "resolved_at"),
            str(get("resolution") or ""),
            _opt_time(get("client_notified_at"), "client_notified_at"),
            _opt_time(get("closed_at"), "closed_at"),
            Source.from_dict(get("source")),
            int(get("version") or 1),
        )

    def to_dict(self) -> dict:
        """The stored document: JSON types only, times as ISO 8601 UTC."""
        return {
            "id": self.id,
            "subject": self.subject,
            "body": self.body,
            "requester": self.requester.to_dict(),
            "category": self.category,
            "priority": self.priority,
            "triaged": self.triaged,
            "status": self.status,
            "assignee": self.assignee,
            "tier": self.tier,
            "escalations": [e.to_dict() for e in self.escalations],
            "manager_flag": self.manager_flag.to_dict() if self.manager_flag else None,
            "troubleshooting": [s.to_dict() for s in self.troubleshooting],
            "timeline": _timeline_dicts(self.timeline),
            "created_at": format_time(self.created_at),
            "acknowledged_at": format_time(self.acknowledged_at),
            "resolved_at": format_time(self.resolved_at),
            "resolution": self.resolution,
            "client_notified_at": format_time(self.client_notified_at),
            "closed_at": format_time(self.closed_at),
            "source": self.source.to_dict(),
            "version": self.version,
        }
