"""Links between tickets that belong together: pure, like `rules` (the desk writes both ends in one transaction).

`related` goes both ways; `parent` and `child` are each other's other end (an outage is the parent of the tickets
it caused). Each end records an audit event. The `merged-*` links are a merge's own (core/merge.py).
"""

from __future__ import annotations

from datetime import datetime

from sopdash.core.errors import InputError
from sopdash.core.model import Link, Ticket
from sopdash.core.rules import Verdict, _event, _verdict

USER_KINDS = ("related", "parent", "child")
OTHER_END = {"related": "related", "parent": "child", "child": "parent",
             "merged-into": "merged-from", "merged-from": "merged-into"}
NAMES = {"related": "related to", "parent": "child of", "child": "parent of",
         "merged-into": "merged into", "merged-from": "merged from"}
"""How a link reads from the ticket that holds it: a `parent` link names this ticket's parent."""


def verdict_link(ticket: Ticket, kind: str, other: Ticket) -> Verdict:
    """Whether ticket may be linked to other as `kind` (other is ticket's `kind`: its parent, child, or related)."""
    if kind not in USER_KINDS:
        raise InputError(f"link kind: {kind!r} is not one of {', '.join(USER_KINDS)}")
    if ticket.id == other.id:
        return Verdict((f"#{ticket.id} cannot be linked to itself",))
    linked = linked_to(ticket, other.id)
    return _verdict(
        (linked is not None, f"#{ticket.id} is already {NAMES.get(linked or '', '')} #{other.id}"),
        (kind == "parent" and any(link.kind == "parent" for link in ticket.links),
         f"#{ticket.id} has a parent already (unlink it first)"),
        (kind == "child" and any(link.kind == "parent" for link in other.links),
         f"#{other.id} has a parent already (unlink it first)"),
    )


def link(ticket: Ticket, kind: str, other: Ticket, actor: str, now: datetime) -> tuple[Ticket, Ticket]:
    """(ticket, other) with a link each way: other is ticket's `kind`; RuleRefused if not allowed."""
    verdict_link(ticket, kind, other).enforce(f"link #{other.id} to", ticket.id)
    back = OTHER_END[kind]
    linked = ticket.evolve(links=ticket.links + (Link(kind, other.id),))
    linked = _event(linked, actor, now, f"linked: {NAMES[kind]} #{other.id}", links=[None, f"{kind} #{other.id}"])
    other_linked = other.evolve(links=other.links + (Link(back, ticket.id),))
    other_linked = _event(other_linked, actor, now, f"linked: {NAMES[back]} #{ticket.id}",
                          links=[None, f"{back} #{ticket.id}"])
    return linked, other_linked


def unlink(ticket: Ticket, other: Ticket, actor: str, now: datetime) -> tuple[Ticket, Ticket]:
    """(ticket, other) without the link between them; RuleRefused if there is none (a merge's link stays)."""
    kind = next((link.kind for link in ticket.links if link.ticket == other.id and link.kind in USER_KINDS), None)
    merged = linked_to(ticket, other.id)
    _verdict(
        (kind is None and merged is None, f"#{ticket.id} is not linked to #{other.id}"),
        (kind is None and merged is not None,
         f"#{ticket.id} is {NAMES.get(merged or '', '')} #{other.id}, and a merge is not undone"),
    ).enforce(f"unlink #{other.id} from", ticket.id)
    assert kind is not None
    return _without(ticket, other.id, actor, now, kind), _without(other, ticket.id, actor, now, OTHER_END[kind])


def linked_to(ticket: Ticket, other_id: int) -> str | None:
    """How ticket is linked to other_id (the kind of its link), or None."""
    return next((link.kind for link in ticket.links if link.ticket == other_id), None)


def children(ticket: Ticket) -> list[int]:
    """The ids of the tickets this one is the parent of, in the order they were linked."""
    return [link.ticket for link in ticket.links if link.kind == "child"]


def _without(ticket: Ticket, other_id: int, actor: str, now: datetime, kind: str) -> Ticket:
    kept = tuple(link for link in ticket.links if (link.ticket, link.kind) != (other_id, kind))
    return _event(ticket.evolve(links=kept), actor, now, f"unlinked: no longer {NAMES[kind]} #{other_id}",
                  links=[f"{kind} #{other_id}", None])
