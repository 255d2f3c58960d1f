"""The ticket model of PRODUCT §3, validated when read from a document.

The dataclasses are treated as immutable (change a ticket with `evolve`); they are not frozen only
because frozen dataclasses cost several times more to build, and a store may hold 50,000 tickets.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

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
    timeline: tuple[TimelineEntry, ...] = ()
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
        """A ticket from its stored document; raises InputError naming the first bad field."""
        try:
            ticket_id = int(doc["id"])
        except (KeyError, TypeError, ValueError):
            raise InputError(f"ticket: id {doc.get('id')!r} is not a whole number") from None
        where = f"ticket {ticket_id}"
        tier = int(doc.get("tier") or 1)
        if not 1 <= tier <= MAX_TIER:
            raise InputError(f"{where}: tier {tier} is not between 1 and {MAX_TIER}")
        return cls(
            id=ticket_id,
            subject=str(doc.get("subject") or ""),
            body=str(doc.get("body") or ""),
            requester=Requester.from_dict(doc.get("requester")),
            category=str(doc.get("category") or ""),
            priority=check_choice(doc.get("priority") or "medium", PRIORITIES, f"{where}: priority"),
            triaged=bool(doc.get("triaged", False)),
            status=check_choice(doc.get("status") or "new", STATUSES, f"{where}: status"),
            assignee=str(doc.get("assignee") or ""),
            tier=tier,
            escalations=tuple(Escalation.from_dict(e) for e in doc.get("escalations") or ()),
            manager_flag=ManagerFlag.from_dict(doc.get("manager_flag")),
            troubleshooting=tuple(StepRecord.from_dict(s) for s in doc.get("troubleshooting") or ()),
            timeline=tuple(TimelineEntry.from_dict(e) for e in doc.get("timeline") or ()),
            created_at=parse_time(doc.get("created_at"), f"{where}: created_at"),
            acknowledged_at=_opt_time(doc.get("acknowledged_at"), f"{where}: acknowledged_at"),
            resolved_at=_opt_time(doc.get("resolved_at"), f"{where}: resolved_at"),
            resolution=str(doc.get("resolution") or ""),
            client_notified_at=_opt_time(doc.get("client_notified_at"), f"{where}: client_notified_at"),
            closed_at=_opt_time(doc.get("closed_at"), f"{where}: closed_at"),
            source=Source.from_dict(doc.get("source")),
            version=int(doc.get("version") or 1),
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
            "timeline": [e.to_dict() for e in self.timeline],
            "created_at": format_time(self.created_at),
            "acknowledged_at": format_time(self.acknowledged_at),
            "resolved_at": format_time(self.resolved_at),
            "resolution": self.resolution,
            "client_notified_at": format_time(self.client_notified_at),
            "closed_at": format_time(self.closed_at),
            "source": self.source.to_dict(),
            "version": self.version,
        }
