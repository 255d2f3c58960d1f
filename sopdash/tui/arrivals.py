"""SOP 2B in the dashboard: a notification (and the bell, if configured) for each ticket that appeared since the
last load, and for each client's answer by mail."""

from __future__ import annotations

from textual.widget import Widget

from sopdash.core.board import Board
from sopdash.core.display import client_line
from sopdash.core.inbound import client_messages
from sopdash.core.model import Ticket
from sopdash.core.text import one_line

NEW_TICKETS_LISTED = 3


def announce_arrivals(node: Widget, previous: Board | None, board: Board, privacy: bool, bell: bool, me: str) -> None:
    """Notify, on `node`, what arrived between `previous` and `board` (nothing on the first load): new tickets
    but the ones `me` created, clients' answers, and tickets someone else assigned to `me`."""
    if previous is None:
        return
    _announce_client_mail(node, previous, board, privacy, bell)
    _announce_assigned(node, previous, board, privacy, me)
    fresh = [
        row.ticket
        for row in board.rows
        if row.ticket.id not in previous.by_id and row.ticket.is_open and _creator(row.ticket) != me
    ]
    if not fresh:
        return
    if len(fresh) <= NEW_TICKETS_LISTED:
        for ticket in fresh:
            subject = client_line(ticket.subject, ticket.requester, privacy)
            node.notify(f"#{ticket.id} {subject}", title=f"New {ticket.priority} ticket", markup=False)
    else:
        node.notify(f"{len(fresh)} new tickets arrived.", title="New tickets", markup=False)
    if bell:
        node.app.bell()


def _announce_client_mail(node: Widget, previous: Board, board: Board, privacy: bool, bell: bool) -> None:
    """A client's answer by mail raises a notification as a new ticket does (the bell too, if configured)."""
    answered = [
        row.ticket
        for row in board.rows
        if (held := previous.by_id.get(row.ticket.id)) is not None
        and held.ticket is not row.ticket
        and client_messages(row.ticket) > client_messages(held.ticket)
    ]
    for ticket in answered[:NEW_TICKETS_LISTED]:
        subject = client_line(ticket.subject, ticket.requester, privacy)
        node.notify(f"#{ticket.id} {subject}", title="The client answered by mail", markup=False)
    if answered and bell:
        node.app.bell()


def _creator(ticket: Ticket) -> str:
    """Who made the ticket: the author of its first timeline entry."""
    return ticket.timeline[0].author if ticket.timeline else ""


def _announce_assigned(node: Widget, previous: Board, board: Board, privacy: bool, me: str) -> None:
    """A ticket someone else gave to `me` since the last load: they are told, naming who did it."""
    for row in board.rows:
        ticket = row.ticket
        held = previous.by_id.get(ticket.id)
        if ticket.assignee != me or held is None or held.ticket.assignee == me:
            continue
        by = next((e.author for e in reversed(ticket.timeline) if e.change and "assignee" in e.change), me)
        if by != me:
            subject = client_line(ticket.subject, ticket.requester, privacy)
            node.notify(f"#{ticket.id} {subject}", title=f"Assigned to you by {one_line(by)}", markup=False)
