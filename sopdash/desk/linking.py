"""Actions on two or more tickets at once — merge, link, unlink, resolve a parent with its children — each written
in one transaction (`Store.transact_by_id`) that touches every ticket it changes, or none.

The rules are pure (`core/merge.py`, `core/links.py`, `core/rules.py`); here they are applied to the tickets as
stored now, under the store's write lock, and each `seen` version the technician looked at is held against them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sopdash.core import links, merge, rules
from sopdash.core.errors import ConflictError, InputError
from sopdash.core.inbound import MAX_MERGE_HOPS
from sopdash.core.model import Ticket
from sopdash.desk.actions import Desk
from sopdash.store.contract import Fetch, Maker

Seen = Mapping[int, int]
"""{ticket id: the version the technician looked at}: a write is refused if one of them moved on."""


def merge_tickets(
    desk: Desk, source_id: int, target_id: int, seen: Seen | None = None, allow_sensitive: bool = False
) -> tuple[Ticket, Ticket]:
    """Merge source into target (core/merge.py), the notice to the source's client queued; returns (source, target)
    as stored."""
    now = desk.action_clock()

    def plan(fetch: Fetch) -> tuple[list[Ticket], list[Maker]]:
        source, target = _fetched(fetch, source_id, seen), _fetched(fetch, target_id, seen)
        closed, joined = merge.merge(source, target, desk.actor, now, allow_sensitive)
        return [desk._queue_mail(source, closed, now), joined], []

    changed, _ = desk.store.transact_by_id(plan)
    return _by_id(changed, source_id), _by_id(changed, target_id)


def link_tickets(desk: Desk, ticket_id: int, kind: str, other_id: int) -> tuple[Ticket, Ticket]:
    """Link other to ticket as its `kind` (related, parent, child), both ends in one write."""
    now = desk.action_clock()

    def plan(fetch: Fetch) -> tuple[list[Ticket], list[Maker]]:
        ticket, other = _fetched(fetch, ticket_id), _fetched(fetch, other_id)
        return list(links.link(ticket, kind, other, desk.actor, now)), []

    changed, _ = desk.store.transact_by_id(plan)
    return _by_id(changed, ticket_id), _by_id(changed, other_id)


def unlink_tickets(desk: Desk, ticket_id: int, other_id: int) -> tuple[Ticket, Ticket]:
    """Take away the link between two tickets, both ends in one write."""
    now = desk.action_clock()

    def plan(fetch: Fetch) -> tuple[list[Ticket], list[Maker]]:
        ticket, other = _fetched(fetch, ticket_id), _fetched(fetch, other_id)
        return list(links.unlink(ticket, other, desk.actor, now)), []

    changed, _ = desk.store.transact_by_id(plan)
    return _by_id(changed, ticket_id), _by_id(changed, other_id)


@dataclass(frozen=True)
class FamilyResolution:
    """What resolving a parent with its children did: the parent, each child resolved and notified, and each child
    left as it was with the reason (already resolved or closed, or gone)."""

    parent: Ticket
    resolved: list[Ticket]
    skipped: list[str]


def shown(desk: Desk, ticket: Ticket) -> Ticket:
    """The ticket as it is shown: with the history of every ticket merged into it, in turn (core/merge.joined)."""
    return merge.joined(ticket, merged_sources(ticket, desk.ticket))


def merged_sources(ticket: Ticket, read: Callable[[int], Ticket | None], depth: int = MAX_MERGE_HOPS) -> list[Ticket]:
    """The tickets merged into this one, each as it is shown (with those merged into it); one that is gone is left
    out."""
    sources = []
    for link in ticket.links:
        if link.kind != "merged-from" or depth <= 0:
            continue
        try:
            source = read(link.ticket)
        except InputError:
            source = None
        if source is not None:
            sources.append(merge.joined(source, merged_sources(source, read, depth - 1)))
    return sources


def linked(desk: Desk, ticket: Ticket) -> list[tuple[str, int, Ticket | None]]:
    """(kind, id, the ticket or None if gone) of each ticket this one links to, in the order they were linked."""
    found = []
    for link in ticket.links:
        try:
            found.append((link.kind, link.ticket, desk.ticket(link.ticket)))
        except InputError:
            found.append((link.kind, link.ticket, None))
    return found


def resolve_family(
    desk: Desk, parent_id: int, summary: str, seen: Seen | None = None, allow_sensitive: bool = False
) -> FamilyResolution:
    """Resolve the parent and every open child with the one summary, each child's client told (SOP 4F, so each
    child's close gate is met), in one write; a child already resolved or closed is left as it is, and so is a
    parent resolved already (its children are resolved with the summary given)."""
    now = desk.action_clock()
    outcome: list[FamilyResolution] = []

    def plan(fetch: Fetch) -> tuple[list[Ticket], list[Maker]]:
        parent = _fetched(fetch, parent_id, seen)
        # a parent resolved already (`ticket resolve` first): its children only
        changed = [] if parent.status == "resolved" else [_resolved(desk, parent, summary, allow_sensitive, now)]
        skipped = []
        for child_id in links.children(parent):
            child = fetch(child_id)
            if child is None:
                skipped.append(f"#{child_id} is gone")
            elif not child.is_open:
                skipped.append(f"#{child_id} is {child.status} already")
            else:
                changed.append(_resolved(desk, child, summary, allow_sensitive, now))
        outcome.append(FamilyResolution(parent, [t for t in changed if t.id != parent_id], skipped))
        return changed, []

    stored, _ = desk.store.transact_by_id(plan)
    planned = outcome[-1]
    parent = next((t for t in stored if t.id == parent_id), planned.parent)
    return FamilyResolution(parent, [_by_id(stored, t.id) for t in planned.resolved], planned.skipped)


def open_children(desk: Desk, ticket: Ticket) -> list[int]:
    """The ticket's children that are still open (what resolving it offers to resolve too)."""
    found = []
    for child_id in links.children(ticket):
        try:
            if desk.ticket(child_id).is_open:
                found.append(child_id)
        except InputError:
            continue
    return found


def _resolved(desk: Desk, ticket: Ticket, summary: str, allow_sensitive: bool, now) -> Ticket:
    after = rules.resolve(ticket, desk.actor, now, summary, notify=True, allow_sensitive=allow_sensitive)
    return desk._queue_mail(ticket, after, now)


def _fetched(fetch: Fetch, ticket_id: int, seen: Seen | None = None) -> Ticket:
    ticket = fetch(ticket_id)
    if ticket is None:
        raise InputError(f"no ticket #{ticket_id}")
    if seen is not None and ticket_id in seen and seen[ticket_id] != ticket.version:
        raise ConflictError(f"ticket #{ticket_id} changed since you looked at it (now version {ticket.version}); "
                            "reload and try again")
    return ticket


def _by_id(tickets: list[Ticket], ticket_id: int) -> Ticket:
    return next(ticket for ticket in tickets if ticket.id == ticket_id)
