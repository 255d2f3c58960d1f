"""The ticket model (docs/architecture.md): immutable msgspec Structs, checked when read from a document.

The field types say what a stored ticket may hold (a priority is one of PRIORITIES, a time has an
offset, a tier is 1–3), so msgspec both builds and checks a whole store in C, in a fraction of what
building them in Python took. Their JSON form is `sopdash.core.documents`'s. Change a ticket with `evolve`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, Literal

import msgspec

from sopdash.core.errors import InputError
from sopdash.core.limits import MAX_DURATION_S, MAX_TICKET_ID

PRIORITIES = ("urgent", "high", "medium", "low")
STATUSES = ("new", "open", "waiting", "resolved", "closed")
OPEN_STATUSES = ("new", "open", "waiting")
ESCALATION_REASONS = ("timing", "unsatisfied", "disruptive", "other")
MANAGER_REASONS = ("unsatisfied", "disruptive")
TIMELINE_KINDS = ("public", "internal", "event", "client")
DELIVERY_STATES = ("queued", "sent", "failed")
LINK_KINDS = ("related", "parent", "child", "merged-into", "merged-from")
MAX_TIER = 3

TROUBLESHOOTING_STEPS = (
    "Identify the problem",
    "Establish a theory of probable cause",
    "Test the theory to determine the cause",
    "Establish a plan of action and implement the solution",
    "Verify full system functionality and implement preventive measures",
    "Document findings, actions and outcomes",
)

Priority = Literal["urgent", "high", "medium", "low"]
Status = Literal["new", "open", "waiting", "resolved", "closed"]
Kind = Literal["public", "internal", "event", "client"]
DeliveryState = Literal["queued", "sent", "failed"]
Reason = Literal["timing", "unsatisfied", "disruptive", "other"]
LinkKind = Literal["related", "parent", "child", "merged-into", "merged-from"]
Time = Annotated[datetime, msgspec.Meta(tz=True)]
Tier = Annotated[int, msgspec.Meta(ge=1, le=MAX_TIER)]
TicketId = Annotated[int, msgspec.Meta(ge=0, le=MAX_TICKET_ID)]  # 0 until the store numbers a new ticket
Step = Annotated[int, msgspec.Meta(ge=1, le=len(TROUBLESHOOTING_STEPS))]
Change = dict[str, Annotated[list[Any], msgspec.Meta(min_length=2, max_length=2)]]  # {field: [old, new]}
StatusChanges = tuple[tuple[float, Any], ...]  # (epoch seconds, new status) of each status event, in order

_CHOICES = {"priority": PRIORITIES, "status": STATUSES, "kind": TIMELINE_KINDS, "reason": ESCALATION_REASONS}


def parse_time(value: Any, what: str = "time") -> datetime:
    """An aware UTC datetime from an ISO 8601 string (or datetime); naive input is taken as UTC."""
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
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:  # year 1 east of UTC, year 9999 west of it
        raise InputError(f"{what}: {value!r} is outside the years sopdash handles (1970 to 2199)") from None


def format_time(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, in UTC, to the second: the stored form of every time."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def check_choice(value: Any, choices: tuple[str, ...], what: str) -> str:
    """The value if it is one of choices, else an InputError naming them."""
    if value not in choices:
        raise InputError(f"{what}: {value!r} is not one of {', '.join(choices)}")
    return value


def chosen(value: str, choices: tuple[str, ...], what: str) -> str:
    """The choice `value` names, in any case, exactly or by an unambiguous prefix (`urg` is urgent); else an
    InputError naming the choices."""
    typed = value.strip().casefold()
    found = [choice for choice in choices if choice == typed] or [c for c in choices if typed and c.startswith(typed)]
    if len(found) != 1:
        raise InputError(f"{what}: {value.strip()!r} is not one of {', '.join(choices)}")
    return found[0]


def validation_problem(error: msgspec.ValidationError) -> str:
    """msgspec's complaint about a document as `field.path: problem`, naming the choices of a choice field."""
    problem, _, where = str(error).partition(" - at `$")
    path = where.rstrip("`").lstrip(".")
    leaf = path.rsplit(".", 1)[-1]
    if problem.startswith("Invalid enum value ") and leaf in _CHOICES:
        problem = f"{problem.removeprefix('Invalid enum value ')} is not one of {', '.join(_CHOICES[leaf])}"
    elif "datetime" in problem:
        problem += " (ISO 8601 with an offset, e.g. 2026-11-27T09:30:00+00:00)"
    return f"{path}: {problem[0].lower()}{problem[1:]}" if path else problem


class Requester(msgspec.Struct, frozen=True, gc=False):
    """The client who raised the ticket."""

    name: str = ""
    email: str = ""
    phone: str = ""


class Delivery(msgspec.Struct, frozen=True, gc=False):
    """Where a technician's public message stands on its way to the client's mailbox.

    `queued` until a transport accepts it (`sent`, with `sent_at`) or refuses it for good (`failed`, with
    `last_error`); a temporary refusal leaves it queued with `next_try` pushed back. `to` is the address
    at the time it was queued. Changing a delivery does not change the ticket's version (see `sopdash.mail`).
    """

    state: DeliveryState
    message_id: str
    to: str = ""
    attempts: int = 0
    last_error: str = ""
    sent_at: Time | None = None
    next_try: Time | None = None
    cc: tuple[str, ...] = ()  # the ticket's Cc when it was queued, copied on the message


class Attachment(msgspec.Struct, frozen=True, gc=False):
    """A file that came with a client's mail: its safe name, size, and where it is kept beside the store."""

    name: str
    size: int
    path: str = ""  # relative to `<store>.files/`; empty when it was left out (over the size limit)


class Inbound(msgspec.Struct, frozen=True, gc=False):
    """What a client's mail was: its Message-ID, who sent it, the kept original, its attachments, what was left out."""

    message_id: str
    eml: str = ""  # relative to `<store>.files/`
    attachments: tuple[Attachment, ...] = ()
    quoted_folded: bool = False
    left_out: str = ""  # e.g. "2 attachments over the 10 MB limit"
    sender: str = ""  # the From address, whatever name it came with ("" in mail kept before it was recorded)


class TimeSpent(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    """Time a technician worked on a ticket (`core/time_spent.py`): how long, and whether the client is billed."""

    seconds: Annotated[int, msgspec.Meta(gt=0, le=MAX_DURATION_S)]
    billable: bool = False


class TimelineEntry(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    """One public message, client message, internal note or audit event.

    `kind` is `client` for a message the requester wrote (by mail or imported); `public` for a technician's
    message to the client, which carries its `delivery` once mail is configured; `change` holds
    {field: [old, new]} for events (the audit trail and the clocks read it); `time` is set on an event that logs
    time spent.
    """

    at: Time
    author: str
    kind: Kind
    text: str
    change: Change | None = None
    delivery: Delivery | None = None
    inbound: Inbound | None = None
    time: TimeSpent | None = None
    seal: str = ""  # its link in the ticket's hash chain (core/chain.py); empty if written before sealing
    origin: int = 0  # in a merged ticket's shown history (core/merge.joined), the ticket it came from; never stored


def status_changes(timeline: tuple[TimelineEntry, ...]) -> StatusChanges:
    """(epoch seconds, new status) of every status event in a timeline, in order."""
    changes = []
    for entry in timeline:  # a plain loop: the clocks read this for every ticket, and a generator costs a third more
        change = entry.change
        if change is not None and "status" in change and entry.kind == "event":
            changes.append((entry.at.timestamp(), change["status"][1]))
    return tuple(changes)


class Escalation(msgspec.Struct, frozen=True, gc=False):
    """A move up the support tiers, with the SOP 6 reason."""

    at: Time
    by: str
    from_tier: Tier
    to_tier: Tier
    reason: Reason
    note: str = ""


class ManagerFlag(msgspec.Struct, frozen=True, gc=False):
    """SOP 6B/6C: a manager must know; stays raised until a manager acknowledges it."""

    raised_at: Time
    reason: str
    acknowledged_at: Time | None = None
    by: str = ""


class StepRecord(msgspec.Struct, frozen=True, gc=False):
    """A CompTIA troubleshooting step that a technician marked done."""

    step: Step
    at: Time
    by: str
    note: str = ""


class Link(msgspec.Struct, frozen=True, gc=False):
    """Another ticket this one belongs with: `parent` is the outage this ticket came from, `child` one it caused,
    `related` either way; `merged-into` and `merged-from` are written by a merge (core/merge.py) only."""

    kind: LinkKind
    ticket: TicketId


class Satisfaction(msgspec.Struct, frozen=True, gc=False):
    """SOP 6B by reply: the client's latest score of the resolution, 1 (poor) to 5 (excellent), and when it came."""

    score: Annotated[int, msgspec.Meta(ge=1, le=5)]
    at: Time


class Source(msgspec.Struct, frozen=True, gc=False):
    """Where an imported ticket came from, so that re-imports update instead of duplicating."""

    system: str = "sopdash"
    external_id: str = ""


class Ticket(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """A help-desk ticket with everything the SOP tracks about it; the fields in the order its document lists them."""

    id: TicketId
    subject: str
    body: str = ""
    requester: Requester = Requester()
    cc: tuple[str, ...] = ()  # people copied on the desk's public mail about the ticket (README: "People on the thread")
    category: str = ""
    priority: Priority = "medium"
    triaged: bool = False
    status: Status = "new"
    assignee: str = ""
    tier: Tier = 1
    escalations: tuple[Escalation, ...] = ()
    manager_flag: ManagerFlag | None = None
    troubleshooting: tuple[StepRecord, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    created_at: Time
    acknowledged_at: Time | None = None
    resolved_at: Time | None = None
    resolution: str = ""
    client_notified_at: Time | None = None
    closed_at: Time | None = None
    links: tuple[Link, ...] = ()
    reported_at: Time | None = None  # a merged-in ticket's earlier creation, from which the clocks count
    merged_acknowledged_at: Time | None = None  # a merged-in ticket's earlier acknowledgement, which stops the clock
    satisfaction: Satisfaction | None = None
    source: Source = Source()
    desk_address: str = ""  # the desk's address a mailed ticket came in on; its replies go out from there ("": the main one)
    sla_policy: str = ""  # the SLA policy the desk picked for it (core/sla_policies.py); "" before there were several
    organisation: str = ""  # the key of the organisation it counts under, picked with its policy ("" for none)
    version: int = 1
    mail_revision: int = 0  # counts delivery-state changes, which leave `version` alone (see `Store.annotate`)
    timeline_seal: str = ""  # the newest entry's seal, so removing the newest entries shows (core/chain.py)

    @property
    def is_open(self) -> bool:
        """Still in the queue: not resolved or closed."""
        return self.status in OPEN_STATUSES

    @property
    def is_escalated(self) -> bool:
        """Escalated at least once (SOP 6), whatever the tier now."""
        return bool(self.escalations)

    @property
    def merged_into(self) -> int | None:
        """The ticket this one was merged into (its mail goes there), or None."""
        return next((link.ticket for link in self.links if link.kind == "merged-into"), None)

    @property
    def clock_start(self) -> datetime:
        """When the SLA clocks start: the earliest creation among this ticket and those merged into it."""
        return self.reported_at or self.created_at

    @property
    def clock_acknowledged_at(self) -> datetime | None:
        """When the acknowledgement clock stopped: the earliest acknowledgement of this ticket and those merged in."""
        times = [at for at in (self.acknowledged_at, self.merged_acknowledged_at) if at is not None]
        return min(times) if times else None

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
        return msgspec.structs.replace(self, **changes)

    @classmethod
    def from_dict(cls, doc: dict) -> Ticket:
        """A ticket from its stored document; raises InputError naming the ticket and its first bad field."""
        try:
            return msgspec.convert(doc, cls)
        except msgspec.ValidationError as error:
            raise InputError(f"ticket {doc.get('id')!r}: {validation_problem(error)}") from None
