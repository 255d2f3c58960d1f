"""Correcting what was wrong on a ticket: subject, category and the requester's details, each change audited.

The audit events name the field but keep the requester's details out of their text (privacy mode masks
requester details on every pane, and event text is shown as it is); the old and new values sit in the
event's `change`, like every other audited change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

import msgspec

from sopdash.core.addresses import checked_address
from sopdash.core.errors import InputError, RuleRefused
from sopdash.core.model import Ticket, TimelineEntry

# field → the words of its audit event; requester fields are stored as `requester.<field>` in the change
EDITABLE = {
    "subject": "subject changed",
    "category": "category changed",
    "name": "requester name changed",
    "email": "requester e-mail changed",
    "phone": "requester phone changed",
}
REQUESTER_FIELDS = ("name", "email", "phone")


def edit(ticket: Ticket, actor: str, now: datetime, **changes: str | None) -> Ticket:
    """The ticket with the given fields set (None leaves a field as it is); one audit event per changed field.

    Refused on a closed ticket and when nothing would change; a blank subject or an e-mail that is not
    an address (`core/addresses.py`) is an input error.
    """
    wanted = _checked({field: value for field, value in changes.items() if value is not None})
    if ticket.status == "closed":
        raise RuleRefused(f"cannot edit ticket #{ticket.id}: it is closed (reopen it first)")
    current = current_values(ticket)
    changed = {field: value for field, value in wanted.items() if current[field] != value}
    if not changed:
        raise RuleRefused(f"cannot edit ticket #{ticket.id}: nothing would change")
    requester = msgspec.structs.replace(
        ticket.requester, **{f: v for f, v in changed.items() if f in REQUESTER_FIELDS}
    )
    edited = ticket.evolve(
        requester=requester, **{f: v for f, v in changed.items() if f not in REQUESTER_FIELDS}
    )
    events = tuple(
        TimelineEntry(at=now, author=actor, kind="event", text=EDITABLE[field], change={_changed_key(field): [current[field], value]})
        for field, value in changed.items()
    )
    return edited.evolve(timeline=edited.timeline + events)


def current_values(ticket: Ticket) -> dict[str, str]:
    """The editable fields of a ticket as they are now."""
    requester = ticket.requester
    return {
        "subject": ticket.subject,
        "category": ticket.category,
        "name": requester.name,
        "email": requester.email,
        "phone": requester.phone,
    }


def categories_in_use(tickets: Iterable[Ticket]) -> list[str]:
    """Every category some ticket has, the most used first (for completion)."""
    counts = Counter(ticket.category for ticket in tickets if ticket.category)
    return [category for category, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))]


def _checked(changes: dict[str, str]) -> dict[str, str]:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InputError(f"cannot edit {', '.join(sorted(unknown))} (editable: {', '.join(EDITABLE)})")
    cleaned = {field: value.strip() for field, value in changes.items()}
    if "subject" in cleaned and not cleaned["subject"]:
        raise InputError("subject must not be empty")
    if "email" in cleaned:
        cleaned["email"] = checked_address(cleaned["email"])
    return cleaned


def _changed_key(field: str) -> str:
    return f"requester.{field}" if field in REQUESTER_FIELDS else field

