"""The dashboard's side of merging and linking (desk/linking.py): what `M`, `L` and resolving a parent tell the
desk, and what they say when done. The actions themselves are rows of `ticket_actions.ACTIONS`."""

from __future__ import annotations

import msgspec

from sopdash.core import links
from sopdash.core.board import Board, Row
from sopdash.core.detail import Line
from sopdash.core.detail_links import link_lines
from sopdash.core.merge import joined
from sopdash.core.model import Ticket
from sopdash.desk import Desk
from sopdash.desk.linking import (
    link_tickets, merge_tickets, merged_sources, open_children, resolve_family, unlink_tickets,
)
from sopdash.tui.dialogs.base import Dialog
from sopdash.tui.dialogs.family_resolve_dialog import FamilyResolution, FamilyResolveDialog
from sopdash.tui.dialogs.link_dialog import LinkRequest
from sopdash.tui.dialogs.resolve_dialog import Resolution, ResolveDialog


def merge_call(desk: Desk, ticket: Ticket, target: int) -> Ticket:
    """Merge, the dialog having confirmed; returns the source, whose client the merge told."""
    return merge_tickets(desk, ticket.id, target, seen={ticket.id: ticket.version}, allow_sensitive=True)[0]


def shown_row(board: Board | None, row: Row | None) -> Row | None:
    """The row the detail pane shows: its ticket with the history of the tickets merged into it, as loaded."""
    if board is None or row is None or not any(link.kind == "merged-from" for link in row.ticket.links):
        return row

    def read(ticket_id: int) -> Ticket | None:
        found = board.by_id.get(ticket_id)
        return found.ticket if found else None

    return msgspec.structs.replace(row, ticket=joined(row.ticket, merged_sources(row.ticket, read)))


def link_call(desk: Desk, ticket: Ticket, request: LinkRequest) -> tuple[Ticket, Ticket]:
    if request.kind == "unlink":
        return unlink_tickets(desk, ticket.id, request.other)
    return link_tickets(desk, ticket.id, request.kind, request.other)


def link_done(ticket: Ticket, request: LinkRequest) -> str:
    if request.kind == "unlink":
        return f"#{ticket.id} is no longer linked to #{request.other}."
    return f"#{ticket.id} is {links.NAMES[request.kind]} #{request.other}."


def resolve_dialog(desk: Desk, ticket: Ticket, privacy: bool, route: str) -> Dialog:
    """The resolve dialog; for a parent with open children, the one that offers to resolve them too."""
    children = open_children(desk, ticket)

    def message(shown: Ticket, summary: str) -> str:
        return desk.template_text("resolution", shown, summary)

    if children:
        return FamilyResolveDialog(ticket, children, privacy=privacy, route=route, message=message)
    return ResolveDialog(ticket, privacy=privacy, route=route, message=message)


def resolve_call(desk: Desk, ticket: Ticket, resolution: Resolution) -> object:
    if isinstance(resolution, FamilyResolution) and resolution.children:
        family = resolve_family(desk, ticket.id, resolution.summary, seen={ticket.id: ticket.version},
                                allow_sensitive=resolution.allow_sensitive)
        return family.parent
    return desk.resolve(ticket.id, resolution.summary, resolution.notify, seen_version=ticket.version,
                        allow_sensitive=resolution.allow_sensitive)


def children_done(resolution: Resolution) -> str:
    """What the done message adds when the children were resolved too."""
    return " Its open children too, each client told." if isinstance(resolution, FamilyResolution) and resolution.children else ""


def board_links(board: Board | None, ticket: Ticket, privacy: bool) -> list[Line]:
    """The detail pane's lines for the ticket's links, each linked ticket's status as the board has it (one not on
    it is archived)."""
    if board is None or not ticket.links:
        return []
    linked = [(link.kind, link.ticket, row.ticket if (row := board.by_id.get(link.ticket)) else None)
              for link in ticket.links]
    return link_lines(linked, privacy, missing="closed, archived")
