"""Merging two tickets that are one problem: pure, like `rules` (the desk writes both in one transaction).

Each timeline stays an append-only record of what was done on that ticket: a merge only adds to both. The
source is taken through the SOP close gate by the merge itself: resolved with the summary "merged into #N as a
duplicate", its client told that #N carries on with it (so their replies, which mail intake sends on to #N, are
expected), and closed. That is a close as a duplicate, not a resolution of the problem: the report counts such
tickets apart (`merged_duplicate`). The target gains a link and one event, and its clocks count from the earlier
creation and stop at the earlier acknowledgement of the two (`reported_at`, `merged_acknowledged_at`).

The source's history joins the target's where it is shown (`joined`): its entries, kept mail and attachments,
interleaved in time order and marked "from #S". A merge is not undone (README: "Merging and linking tickets").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from sopdash.core import rules
from sopdash.core.model import Link, Ticket
from sopdash.core.rules import Verdict, _event, _set_status, _verdict


def verdict_merge_source(source: Ticket) -> Verdict:
    """Whether source may be merged into any ticket: not one merged already, nor closed."""
    return _verdict(
        (source.merged_into is not None, f"#{source.id} was already merged into #{source.merged_into}"),
        (source.status == "closed" and source.merged_into is None, f"#{source.id} is closed (reopen it first)"),
    )


def verdict_merge(source: Ticket, target: Ticket) -> Verdict:
    """Whether source may be merged into target, with every reason it may not."""
    if source.id == target.id:
        return Verdict((f"#{source.id} cannot be merged into itself",))
    target_closed = (f"#{target.id} is closed",) if target.status == "closed" else ()
    return Verdict(verdict_merge_source(source).refusals + target_closed)


def merge(
    source: Ticket, target: Ticket, actor: str, now: datetime, allow_sensitive: bool = False
) -> tuple[Ticket, Ticket]:
    """(source closed as merged into target, target linked to it); RuleRefused if not allowed."""
    verdict_merge(source, target).enforce(f"merge #{source.id} into", target.id)
    # Cc: when tickets carry a Cc list, the source's requester and its Cc join the target's Cc here.
    joined = _earliest_clocks(target.evolve(links=target.links + (Link("merged-from", source.id),)), source)
    text = f"merged #{source.id} into this ticket: its history is shown here, marked from #{source.id}"
    joined = _event(joined, actor, now, text, merged_from=[None, source.id])
    return _closed_as_duplicate(source, target, actor, now, allow_sensitive), joined


def merge_notice(source: Ticket, target_id: int) -> str:
    """What the source's client is told: the other ticket carries on with their request."""
    name = source.requester.name or "there"
    return (
        f"Hello {name},\n\nyour request (ticket #{source.id}) is the same problem as ticket #{target_id}, so we are "
        f"handling both together as #{target_id}. There is nothing you need to do: a reply to this message reaches "
        "it.\n\nThank you for your patience."
    )


def merged_duplicate(ticket: Ticket) -> bool:
    """Whether the ticket was closed by a merge (a duplicate, counted apart from resolutions)."""
    return ticket.merged_into is not None


def joined(target: Ticket, sources: Sequence[Ticket]) -> Ticket:
    """target as it is shown, never stored: the timelines of the tickets merged into it interleaved with its own in
    time order, each of their entries marked with the ticket it comes from."""
    copies = tuple(msgspec.structs.replace(entry, origin=entry.origin or source.id)
                   for source in sources for entry in source.timeline)
    if not copies:
        return target
    return target.evolve(timeline=tuple(sorted(target.timeline + copies, key=lambda entry: entry.at)))


def _closed_as_duplicate(source: Ticket, target: Ticket, actor: str, now: datetime, allow_sensitive: bool) -> Ticket:
    """The source through the SOP close gate: resolved as a duplicate, its client told where it went, closed."""
    ticket = source.evolve(links=source.links + (Link("merged-into", target.id),))
    if ticket.is_open:
        ticket = rules.resolve(ticket, actor, now, f"merged into #{target.id} as a duplicate", notify=False)
    if ticket.client_notified_at is None:
        ticket = rules.notify_client(ticket, actor, now, merge_notice(ticket, target.id), allow_sensitive)
    rules.verdict_close(ticket).enforce("close", ticket.id)
    closed = ticket.evolve(closed_at=now)
    return _set_status(closed, actor, now, "closed", f"closed: merged into #{target.id} ({target.subject})")


def _earliest_clocks(target: Ticket, source: Ticket) -> Ticket:
    """The target counting from the earlier creation, and stopping at the earlier acknowledgement, of the two."""
    if source.clock_start < target.clock_start:
        target = target.evolve(reported_at=source.clock_start)
    source_ack, target_ack = source.clock_acknowledged_at, target.clock_acknowledged_at
    if source_ack is not None and (target_ack is None or source_ack < target_ack):
        target = target.evolve(merged_acknowledged_at=source_ack)
    return target

