"""Merging two tickets that are one problem: pure, like `rules` (the desk writes both in one transaction).

The source's timeline joins the target's in time order, each entry a copy marked with its origin ("from #S"),
carrying its text and any kept mail and attachments, but not its mail delivery record (the source keeps that, so
a bounce or a reply to it is still found) nor the field change an event made (that changed the source, not the
target, and the clocks read the changes). The source keeps its own timeline untouched, as its seals require.

The target's clocks count from the earlier creation of the two (`reported_at`) and its acknowledgement is the
earlier one; the source is closed "as a duplicate": not a resolution (no summary, no notice), so the SOP close
gate does not apply and the report counts it apart (`merged`). A merge is not undone: the timeline is an
append-only, sealed record (README: "Merging and linking tickets").
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from sopdash.core.model import Link, Ticket, TimelineEntry
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
    target_closed = _verdict((target.status == "closed", f"#{target.id} is closed"))
    return Verdict(verdict_merge_source(source).refusals + target_closed.refusals)


def merge(source: Ticket, target: Ticket, actor: str, now: datetime) -> tuple[Ticket, Ticket]:
    """(source closed as merged into target, target with the source's entries); RuleRefused if not allowed."""
    verdict_merge(source, target).enforce(f"merge #{source.id} into", target.id)
    copies = tuple(_copied(entry, source.id) for entry in source.timeline)
    # Cc: when tickets carry a Cc list, the source's requester and its Cc join the target's Cc here.
    joined = target.evolve(
        timeline=tuple(sorted(target.timeline + copies, key=lambda entry: entry.at)),
        links=target.links + (Link("merged-from", source.id),),
    )
    joined = _earliest_clocks(joined, source, actor, now)
    entries = "1 entry" if len(copies) == 1 else f"{len(copies)} entries"
    text = f"merged #{source.id} into this ticket: {entries} from #{source.id} ({source.subject})"
    joined = _event(joined, actor, now, text, merged_from=[None, source.id])
    closed = source.evolve(links=source.links + (Link("merged-into", target.id),), closed_at=now)
    closed = _set_status(closed, actor, now, "closed", f"merged into #{target.id} ({target.subject})")
    return closed, joined


def merged_duplicate(ticket: Ticket) -> bool:
    """Whether the ticket was closed by a merge (a duplicate, counted apart from resolutions)."""
    return ticket.merged_into is not None


def _copied(entry: TimelineEntry, source_id: int) -> TimelineEntry:
    return msgspec.structs.replace(entry, origin=entry.origin or source_id, seal="", delivery=None, change=None)


def _earliest_clocks(target: Ticket, source: Ticket, actor: str, now: datetime) -> Ticket:
    """The target counting from the earlier creation and acknowledgement of the two."""
    if source.clock_start < target.clock_start:
        target = target.evolve(reported_at=source.clock_start)
    acknowledged = [at for at in (target.acknowledged_at, source.acknowledged_at) if at is not None]
    if acknowledged and min(acknowledged) != target.acknowledged_at:
        target = target.evolve(acknowledged_at=min(acknowledged))
        if target.status == "new":
            target = _set_status(target, actor, now, "open", f"acknowledged (#{source.id} was)")
    return target
