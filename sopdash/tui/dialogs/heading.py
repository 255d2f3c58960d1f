"""The line a ticket dialog opens with: which ticket it is, literal (masked in privacy mode)."""

from __future__ import annotations

from textual.content import Content

from sopdash.core.display import client_line
from sopdash.core.model import Ticket


def ticket_heading(ticket: Ticket, privacy: bool = False) -> Content:
    """`#12  Printer on fire` as literal content (a subject is never markup)."""
    return Content.assemble((f"#{ticket.id}", "bold"), "  ", client_line(ticket.subject, ticket.requester, privacy))
