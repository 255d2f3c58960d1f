"""Import a Spiceworks Help Desk JSON export (cloud, or the on-prem export of the same shape) (README: "Importing from Spiceworks").

`parse_export` is pure: it maps the parsed document onto tickets, matched to those already stored by
`source` (system "spiceworks", external id = `ticket_number`), and says what would be added, updated
and left alone. A malformed document (wrong types, not an export, a ticket without a creation time or
a summary) is an InputError naming the first problem by its path in the document; odd but usable data
(unknown user ids, missing optional fields, unreadable times) is imported with a warning. `import_file`
reads the file and writes the plan. The SOP's acknowledgement is the first public technician reply
with something in it: labour entries and empty comments are not replies to the client.

Re-importing is idempotent: the same export maps to the same tickets, so nothing changes. Work done in
sopdash on an imported ticket survives a re-import: sopdash-only fields (tier, escalations, manager
flag, troubleshooting, resolution summary) are kept, local timeline entries are merged in, and while
the local work is newer than the ticket's last activity in the export, its status, assignee, priority
and clock stops are kept too.

A requester address that is not an e-mail address (`core/addresses.py`) is left out of its ticket with a
warning naming the ticket and the address; an address set in sopdash is kept where the export has none usable.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

import msgspec
import orjson

from sopdash.core.addresses import not_an_address
from sopdash.core.time_spent import spent_text
from sopdash.core.errors import InputError
from sopdash.core.limits import MAX_DURATION_S, in_range
from sopdash.core.model import Requester, Source, Ticket, TimelineEntry, TimeSpent
from sopdash.core.policy import SlaPolicy
from sopdash.core.sla_policies import picked
from sopdash.core.text import one_line
from sopdash.store.contract import Store

SYSTEM = "spiceworks"
TECHNICIAN_ROLES = frozenset({"admin", "helpdesk_admin"})
CLIENT_ROLES = frozenset({"end_user"})
PRIORITY_MAP = {"1": "high", "2": "medium", "3": "low"}
STATUS_MAP = {"open": "open", "waiting": "waiting", "closed": "closed"}
# Spiceworks labour `duration` is in minutes: a real export's are only ever 15, 30 and 60, its time-spent choices.
LABOUR_UNIT_S = 60

_LOGIN_JUNK = re.compile(r"[^a-z0-9._-]+")
_TIME_EXAMPLE = "a time like \"2023-05-05 18:52:48 UTC\""

Id = str | int
# Exports differ between Spiceworks versions and carry custom fields, so unknown keys are ignored, never refused; a
# key sopdash reads must hold what it should (null counts as absent).


class User(msgspec.Struct, frozen=True):
    """A user of the export, as far as sopdash reads one."""

    import_id: Id | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    role: str | None = None


class Comment(msgspec.Struct, frozen=True):
    """A comment on an exported ticket: a reply, a note, an action or a labour entry."""

    body: str | None = None
    is_public: bool | None = None
    private: bool | None = None
    action: str | None = None
    details: Any = None  # odd details are a warning, not bad input (see `_change`)
    created_by: Id | None = None
    is_labor: bool | None = None
    duration: int | float | str | None = None
    created_at: str | None = None


class ExportTicket(msgspec.Struct, frozen=True):
    """A ticket of the export, as far as sopdash reads one."""

    ticket_number: Id | None = None
    summary: str | None = None
    description: str | None = None
    status: str | None = None
    priority: Id | None = None
    category: str | None = None
    assigned_to: Id | None = None
    created_by: Id | None = None
    created_at: str | None = None
    updated_at: str | None = None
    closed_at: str | None = None
    Comments: list[Comment] | None = None


class Export(msgspec.Struct, frozen=True):
    """A Spiceworks Help Desk export: its tickets and the users they refer to."""

    tickets: list[ExportTicket]
    users: list[User] | None = None


# What each key should hold, for the message that names a key holding something else.
_EXPECTED = {
    "users": "a list of users", "users[]": "a user object", "tickets[]": "a ticket object",
    "Comments": "a list of comments", "Comments[]": "a comment object",
    "import_id": "an id", "ticket_number": "a ticket number", "priority": "a string like \"1\"",
    "category": "a category name", "assigned_to": "a user id", "created_by": "a user id",
    "is_public": "true or false", "private": "true or false", "is_labor": "true or false",
    "duration": "a number of seconds", "created_at": _TIME_EXAMPLE, "updated_at": _TIME_EXAMPLE, "closed_at": _TIME_EXAMPLE,
}
_PATH_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class Person:
    """A Spiceworks user as sopdash sees them: a technician login, or a client's name and address."""

    import_id: str
    login: str
    name: str
    email: str
    phone: str
    technician: bool

    @property
    def display(self) -> str:
        """How a client author appears in the timeline."""
        return self.name or self.email or f"Spiceworks user {self.import_id}"


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import does: tickets to add (ids provisional) and to update, and what was seen and skipped."""

    added: tuple[Ticket, ...] = ()
    updated: tuple[Ticket, ...] = ()
    unchanged: int = 0
    skipped: int = 0
    comments: int = 0
    technicians: int = 0
    requesters: int = 0
    warnings: tuple[str, ...] = ()

    def summary_lines(self, max_warnings: int = 20) -> list[str]:
        """The summary printed after an import: counts, then the first warnings."""
        lines = [
            f"tickets: {len(self.added)} added, {len(self.updated)} updated, {self.unchanged} unchanged"
            + (f", {self.skipped} skipped" if self.skipped else ""),
            f"comments: {self.comments}",
            f"users: {self.technicians} technicians, {self.requesters} requesters",
            f"warnings: {len(self.warnings)}",
        ]
        lines += [f"  {one_line(warning)}" for warning in self.warnings[:max_warnings]]
        if len(self.warnings) > max_warnings:
            lines.append(f"  … and {len(self.warnings) - max_warnings} more")
        return lines


@dataclass
class _ParseState:
    """The state of one parse: users by import id, warnings so far, and comment count."""

    now: datetime
    users: dict[str, Person] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    comments: int = 0

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(f"{path}: {message}")

    def person(self, user_id: Any, path: str) -> Person | None:
        """The user an id refers to; an unknown id is a warning and None."""
        if user_id is None:
            return None
        person = self.users.get(str(user_id))
        if person is None:
            self.warn(path, f"unknown user {user_id!r}")
        return person

    def login(self, user_id: Any, path: str) -> str:
        """A technician login for an assignee; an unknown id keeps a recognisable placeholder."""
        person = self.person(user_id, path)
        if person is None:
            return "" if user_id is None else f"spiceworks-{user_id}"
        if not person.technician:
            self.warn(path, f"user {user_id!r} is an end user, not a technician")
        return person.login


def parse_export(document: Any, existing: Sequence[Ticket], now: datetime) -> ImportPlan:
    """What importing `document` (a parsed Spiceworks export) into a store holding `existing` would do."""
    export = _validated(document)
    state = _ParseState(now)
    _read_users(export.users, state)
    stored = {t.source.external_id: t for t in existing if t.source.system == SYSTEM}
    next_id = max((t.id for t in existing), default=0) + 1
    seen: set[str] = set()
    added: list[Ticket] = []
    updated: list[Ticket] = []
    unchanged = skipped = 0
    for index, doc in enumerate(export.tickets):
        path = f"tickets[{index}]"
        mapped = _ticket(doc, path, state, seen)
        if mapped is None:
            skipped += 1
            continue
        ticket, last_activity = mapped
        current = stored.get(ticket.source.external_id)
        if current is None:
            added.append(ticket.evolve(id=next_id))
            next_id += 1
            continue
        merged = merge(current, ticket, last_activity)
        if merged == current:
            unchanged += 1
        else:
            updated.append(merged)
    technicians = sum(1 for person in state.users.values() if person.technician)
    return ImportPlan(
        added=tuple(added),
        updated=tuple(updated),
        unchanged=unchanged,
        skipped=skipped,
        comments=state.comments,
        technicians=technicians,
        requesters=len(state.users) - technicians,
        warnings=tuple(state.warnings),
    )


def plan_import(path: Path, existing: Sequence[Ticket], now: datetime) -> ImportPlan:
    """What importing the export file at `path` into a store holding `existing` would do."""
    return _plan(path, read_export(path), existing, now)


def import_file(path: Path, store: Store, now: datetime, policy: SlaPolicy | None = None) -> ImportPlan:
    """Import the export file at `path` into `store` in one locked write.

    The whole file is mapped and checked against the tickets as they are under the lock, and every
    added and updated ticket lands in one atomic replace of the store, or none does. With the desk's policy,
    each added ticket keeps the SLA policy its rules pick (an updated one keeps its own).
    """
    document = read_export(path)
    plans: list[ImportPlan] = []

    def apply(existing: list[Ticket]) -> tuple[Sequence[Ticket], Sequence[Ticket]]:
        plans.append(_plan(path, document, existing, now))
        added = plans[0].added
        if policy is not None:
            added = [picked(policy, None, ticket, SYSTEM, now) for ticket in added]
        return plans[0].updated, added

    store.transact(apply)
    return plans[0]


def _plan(path: Path, document: Any, existing: Sequence[Ticket], now: datetime) -> ImportPlan:
    try:
        return parse_export(document, existing, now)
    except InputError as error:
        raise InputError(f"{path}: {error}") from None


def read_export(path: Path) -> Any:
    """The parsed JSON of an export file; InputError if it cannot be read or is not JSON."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not an export file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror or error})") from None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise InputError(f"{path}: not JSON ({error}); export the help desk as JSON from Spiceworks") from None


def merge(current: Ticket, imported: Ticket, last_activity: datetime) -> Ticket:
    """`imported` laid over the stored `current`, keeping the work done in sopdash (see the module docstring)."""
    requester = imported.requester
    if not requester.email and current.requester.email:  # unusable or missing in the export: keep the one set here
        requester = msgspec.structs.replace(requester, email=current.requester.email)
    merged = imported.evolve(
        id=current.id,
        requester=requester,
        version=current.version,
        tier=current.tier,
        escalations=current.escalations,
        manager_flag=current.manager_flag,
        troubleshooting=current.troubleshooting,
        resolution=current.resolution,
        client_notified_at=current.client_notified_at,
        timeline=tuple(sorted((*current.timeline, *_gained(current, imported)), key=lambda entry: entry.at)),
        timeline_seal=current.timeline_seal,
        sla_policy=current.sla_policy,
        organisation=current.organisation,
    )
    imported_keys = Counter(_entry_key(entry) for entry in imported.timeline)
    local = [entry for entry in current.timeline if not _taken(imported_keys, entry)]
    if local and max(entry.at for entry in local) > last_activity:
        return merged.evolve(
            status=current.status,
            assignee=current.assignee,
            priority=current.priority,
            triaged=current.triaged,
            acknowledged_at=current.acknowledged_at,
            resolved_at=current.resolved_at,
            closed_at=current.closed_at,
        )
    acknowledged = min((t for t in (imported.acknowledged_at, current.acknowledged_at) if t), default=None)
    status = "open" if merged.status == "new" and acknowledged else merged.status
    return merged.evolve(acknowledged_at=acknowledged, status=status)


def _gained(current: Ticket, imported: Ticket) -> list[TimelineEntry]:
    """The imported entries the stored ticket lacks; those it has stay as stored (with their seals and mail)."""
    stored = Counter(_entry_key(entry) for entry in current.timeline)
    return [entry for entry in imported.timeline if not _taken(stored, entry)]


def _taken(keys: Counter, entry: TimelineEntry) -> bool:
    """Whether keys still holds entry's key, which it then gives up (so two equal entries match two, not one)."""
    key = _entry_key(entry)
    if keys[key]:
        keys[key] -= 1
        return True
    return False


def _entry_key(entry: TimelineEntry) -> tuple:
    return (entry.at, entry.author, entry.kind, entry.text, entry.time)


def _validated(document: Any) -> Export:
    """The export's shape checked: an InputError naming the first key that holds the wrong kind of thing."""
    if not isinstance(document, dict):
        raise InputError(f"not a Spiceworks export: the top level is {_kind(document)}, not an object with `tickets`")
    tickets = document.get("tickets")
    if not isinstance(tickets, list):
        found = "missing" if tickets is None else _kind(tickets)
        raise InputError(f"tickets: not a Spiceworks export: `tickets` should be a list of tickets, is {found}")
    try:
        return msgspec.convert(document, Export)
    except msgspec.ValidationError as error:
        raise InputError(_shape_problem(document, error)) from None


def _shape_problem(document: Any, error: msgspec.ValidationError) -> str:
    """msgspec's complaint as `tickets[3].Comments[0].is_public: expected true or false, got 'yes' (a string)`."""
    problem, _, where = str(error).partition(" - at `$")
    value, path, key = document, "", ""
    for name, index in _PATH_STEP.findall(where.rstrip("`")):
        if name:
            value, key = value.get(name), name
            path += f".{name}" if path else name
        else:
            value, key = value[int(index)], f"{key.rstrip('[]')}[]"
            path += f"[{index}]"
    expected = _EXPECTED.get(key, "a string")
    return f"{path}: expected {expected}, got {_kind(value)}" if path else problem


def _read_users(users: list[User] | None, state: _ParseState) -> None:
    if users is None:
        state.warn("users", "missing; every user reference will be unknown")
        return
    logins: dict[str, str] = {}
    for index, doc in enumerate(users):
        path = f"users[{index}]"
        import_id, role = doc.import_id, doc.role
        email = (doc.email or "").strip()
        first, last, phone = doc.first_name or "", doc.last_name or "", doc.phone or ""
        if import_id is None:
            state.warn(path, "no import_id; nothing can refer to this user, skipped")
            continue
        if role not in TECHNICIAN_ROLES | CLIENT_ROLES:
            state.warn(f"{path}.role", f"{role!r} is not admin, helpdesk_admin or end_user; taken as end_user")
        technician = role in TECHNICIAN_ROLES
        login = _login(email, str(import_id))
        if technician:
            if not email:
                state.warn(path, f"technician without an e-mail; login {login!r}")
            owner = logins.setdefault(login, str(import_id))
            if owner != str(import_id):
                login = f"{login}-{import_id}"
                state.warn(path, f"login from e-mail {email!r} is taken by user {owner!r}; using {login!r}")
                logins[login] = str(import_id)
        if str(import_id) in state.users:
            state.warn(f"{path}.import_id", f"{import_id!r} repeats an earlier user; the later one is used")
        name = " ".join(part.strip() for part in (first, last) if part.strip())
        state.users[str(import_id)] = Person(str(import_id), login, name, email, phone.strip(), technician)


def _login(email: str, import_id: str) -> str:
    local = _LOGIN_JUNK.sub("", email.partition("@")[0].lower()) if "@" in email else ""
    return local or f"spiceworks-{import_id}"


def _ticket(doc: ExportTicket, path: str, state: _ParseState, seen: set[str]) -> tuple[Ticket, datetime] | None:
    """The ticket in doc with its last activity time, or None (with a warning) if it must be skipped."""
    times = {
        "created_at": _time(doc.created_at, f"{path}.created_at", state),
        "updated_at": _time(doc.updated_at, f"{path}.updated_at", state),
        "closed_at": _time(doc.closed_at, f"{path}.closed_at", state),
    }
    entries = [e for i, c in enumerate(doc.Comments or ()) for e in _comment(c, f"{path}.Comments[{i}]", state)]
    number = _number(doc, path, state, seen)
    if number is None:
        return None
    created_at = _required(doc, path, times["created_at"])
    entries.sort(key=lambda item: item[0].at)
    timeline = [entry for entry, _ in entries]
    activity = [t for t in times.values() if t] + [entry.at for entry in timeline]
    last_activity = max(activity, default=created_at)
    requester = state.person(doc.created_by, f"{path}.created_by")
    if doc.created_by is None:
        state.warn(f"{path}.created_by", "missing; the ticket has no requester")
    acknowledged_at = next((entry.at for entry, acknowledges in entries if acknowledges), None)
    status, closed_at = _status(doc.status, times, timeline, acknowledged_at, f"{path}.status", state)
    if status == "closed":
        timeline = _close_history(timeline, closed_at)
    elif status == "waiting":
        timeline = _waiting_history(timeline, times["updated_at"] or last_activity)
    ticket = Ticket(
        id=0,
        subject=(doc.summary or "").strip(),
        body=doc.description or "",
        requester=_requester(requester, f"{path}.created_by", state),
        category=(doc.category or "").strip(),
        priority=_priority(doc.priority, f"{path}.priority", state),
        triaged=str(doc.priority).strip() in PRIORITY_MAP,
        status=status,
        assignee=state.login(doc.assigned_to, f"{path}.assigned_to"),
        timeline=tuple(timeline),
        created_at=created_at,
        acknowledged_at=acknowledged_at,
        resolved_at=closed_at,
        closed_at=closed_at,
        source=Source(SYSTEM, number),
    )
    return ticket, last_activity


def _number(doc: ExportTicket, path: str, state: _ParseState, seen: set[str]) -> str | None:
    """The ticket's number, the key a re-import matches on; None (with a warning) if it is missing or repeated."""
    number = str(doc.ticket_number if doc.ticket_number is not None else "").strip()
    if not number:
        state.warn(path, "no ticket_number; skipped (it could not be matched on a re-import)")
        return None
    if number in seen:
        state.warn(f"{path}.ticket_number", f"{number} appears twice in the export; this one is skipped")
        return None
    seen.add(number)
    return number


def _required(doc: ExportTicket, path: str, created_at: datetime | None) -> datetime:
    """The creation time, checked with the summary: without them a ticket cannot be shown or clocked, which is bad
    input that stops the whole import."""
    if created_at is None:
        found = "missing" if not doc.created_at else f"{doc.created_at!r} is not a usable time"
        raise InputError(f"{path}.created_at: {found}; every ticket needs the time it was created")
    if not (doc.summary or "").strip():
        raise InputError(f"{path}.summary: missing; every ticket needs a summary")
    return created_at


def _requester(person: Person | None, path: str, state: _ParseState) -> Requester:
    """The ticket's client; an address no mail could go to is left out, with a warning that names it."""
    if person is None:
        return Requester()
    email = person.email
    problem = not_an_address(email) if email else ""
    if problem:
        state.warn(path, f"requester e-mail {problem}; imported without it (set it with `sopdash ticket edit ID --email`)")
        email = ""
    return Requester(person.name, email, person.phone)


def _priority(value: Any, path: str, state: _ParseState) -> str:
    if value is None:
        state.warn(path, "missing; set to medium, untriaged")
        return "medium"
    mapped = PRIORITY_MAP.get(str(value).strip())
    if mapped is None:
        state.warn(path, f"{value!r} is not \"1\", \"2\" or \"3\"; set to medium, untriaged")
        return "medium"
    return mapped


def _status(
    value: str | None,
    times: Mapping[str, datetime | None],
    timeline: list[TimelineEntry],
    acknowledged_at: datetime | None,
    path: str,
    state: _ParseState,
) -> tuple[str, datetime | None]:
    """Our status and closing time: open is `new` until a technician has replied publicly."""
    status = STATUS_MAP.get((value or "").strip().lower())
    if status is None:
        state.warn(path, f"{value!r} is not open, waiting or closed; taken as open")
        status = "open"
    if status == "open":
        return ("open" if acknowledged_at else "new"), None
    if status == "waiting":
        return "waiting", None
    closed_at = times["closed_at"]
    if closed_at is None:
        closed_at = times["updated_at"] or (timeline[-1].at if timeline else times["created_at"])
        where = f"{closed_at:%Y-%m-%d %H:%M:%S} UTC" if closed_at else "unknown"
        state.warn(path, f"closed without a readable closed_at; closing time taken as {where}")
    return "closed", closed_at


def _history_status(timeline: list[TimelineEntry]) -> str | None:
    return next((e.change["status"][1] for e in reversed(timeline) if e.change and "status" in e.change), None)


def _close_history(timeline: list[TimelineEntry], closed_at: datetime | None) -> list[TimelineEntry]:
    """A closed ticket whose history does not end closed gets the closing event, so its clocks stop."""
    last = _history_status(timeline)
    if last == "closed" or closed_at is None:
        return timeline
    event = TimelineEntry(closed_at, SYSTEM, "event", "closed (per the export)", {"status": [last, "closed"]})
    return sorted([*timeline, event], key=lambda entry: entry.at)


def _waiting_history(timeline: list[TimelineEntry], since: datetime) -> list[TimelineEntry]:
    """A waiting ticket whose history does not end waiting gets that event, so its resolution clock pauses."""
    last = _history_status(timeline)
    if last == "waiting":
        return timeline
    event = TimelineEntry(since, SYSTEM, "event", "waiting on client (per the export)", {"status": [last, "waiting"]})
    return sorted([*timeline, event], key=lambda entry: entry.at)


def _comment(doc: Comment, path: str, state: _ParseState) -> list[tuple[TimelineEntry, bool]]:
    """The timeline entries of one comment, each with whether it acknowledges the ticket (SOP 4B)."""
    body, is_public, private, action = doc.body or "", doc.is_public, doc.private, doc.action
    author_id, is_labour, duration = doc.created_by, doc.is_labor, doc.duration
    at = _time(doc.created_at, f"{path}.created_at", state)
    if at is None:
        state.warn(path, "no readable created_at; comment skipped")
        return []
    state.comments += 1
    author = state.person(author_id, f"{path}.created_by")
    if author_id is None:
        state.warn(f"{path}.created_by", "missing; author unknown")
    technician = author is not None and author.technician
    name = (author.login if technician else author.display) if author else f"spiceworks-{author_id or 'unknown'}"
    entries: list[tuple[TimelineEntry, bool]] = []
    if action:
        change = _change(doc.details, f"{path}.details", state)
        text = body.strip() or _describe(change) or action
        entries.append((TimelineEntry(at, name, "event", text, change or None), False))
    elif not body.strip():
        pass  # an empty comment says nothing to anyone: no reply to the client, so no acknowledgement
    elif private or is_public is False or is_labour:
        # Labour ("Sam worked for 15m") is time tracking among technicians, never a reply to the client.
        entries.append((TimelineEntry(at, name, "internal", body), False))
    elif technician:
        entries.append((TimelineEntry(at, name, "public", body), True))
    else:
        # A client's message, or one by an unknown user: it cannot prove an acknowledgement.
        entries.append((TimelineEntry(at, name, "client", body), False))
    if is_labour:
        labour = _labour(duration, f"{path}.duration", state)
        if labour:  # time spent by its author, as `sopdash ticket time` logs it (core/time_spent.py)
            text = f"time spent: {spent_text(labour)}"
            entries.append((TimelineEntry(at, name, "event", text, time=TimeSpent(labour)), False))
    return entries


def _labour(duration: Any, path: str, state: _ParseState) -> int:
    """Seconds of a labour entry's `duration` (minutes), or 0 (with a warning) if it is no usable length."""
    try:
        seconds = round(float(duration) * LABOUR_UNIT_S)
    except (TypeError, ValueError, OverflowError):
        seconds = 0
    if not 0 < seconds <= MAX_DURATION_S:
        limit = MAX_DURATION_S // LABOUR_UNIT_S
        state.warn(path, f"labour entry with duration {_kind(duration)}; not counted (minutes, 1 to {limit:,})")
        return 0
    return seconds


def _change(details: Any, path: str, state: _ParseState) -> dict[str, list[Any]]:
    """The `details` of an action comment as {field: [old, new]} in sopdash terms."""
    if details is None:
        return {}
    if not isinstance(details, dict):
        state.warn(path, f"expected an object of [old, new] pairs, got {_kind(details)}; ignored")
        return {}
    change: dict[str, list[Any]] = {}
    for key, pair in details.items():
        if not (isinstance(pair, list) and len(pair) == 2):
            state.warn(path, f"expected an [old, new] pair, got {_kind(pair)}; ignored")
            continue
        old, new = pair
        if key == "status":
            change["status"] = [_event_status(old), _event_status(new)]
        elif key in ("assigned_to", "assignee"):
            change["assignee"] = [_event_login(old, state), _event_login(new, state)]
        elif key == "priority":
            change["priority"] = [PRIORITY_MAP.get(str(old), old), PRIORITY_MAP.get(str(new), new)]
        else:
            change[str(key)] = [_scalar(old), _scalar(new)]
    return change


def _event_status(value: Any) -> Any:
    return STATUS_MAP.get(str(value).strip().lower(), value) if value is not None else None


def _event_login(user_id: Any, state: _ParseState) -> str:
    if user_id is None or user_id == "":
        return ""
    person = state.users.get(str(user_id))
    return person.login if person else f"spiceworks-{user_id}"


def _scalar(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def _describe(change: Mapping[str, list[Any]]) -> str:
    return "; ".join(f"{key}: {old or '-'} → {new or '-'}" for key, (old, new) in change.items())


def _time(text: str | None, path: str, state: _ParseState) -> datetime | None:
    """A Spiceworks time (`2023-05-05 18:52:48 UTC`, or ISO 8601) at path; unreadable is a warning and None."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip()
    if cleaned.endswith(" UTC"):
        cleaned = cleaned[:-4] + "+00:00"
    try:
        moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        state.warn(path, f"{text!r} is not a time like \"2023-05-05 18:52:48 UTC\"; ignored")
        return None
    if moment.tzinfo is None:
        state.warn(path, f"{text!r} has no time zone; taken as UTC")
        moment = moment.replace(tzinfo=timezone.utc)
    if not in_range(moment):
        state.warn(path, f"{text!r} is outside the years sopdash handles (1970 to 2199); ignored")
        return None
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def _kind(value: Any) -> str:
    """A JSON value described for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float)):
        return f"{value!r} (a number)"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:39] + "…"
        return f"{shown!r} (a string)"
    return "a list" if isinstance(value, list) else "an object"
