"""The lines a ticket dialog opens with: which ticket and who the client is, literal (masked in privacy mode)."""

from __future__ import annotations

from textual.content import Content

from sopdash.core.model import Requester, Ticket
from sopdash.core.privacy import mask_requester
from sopdash.core.text import one_line
from sopdash.tui.display import client_line


def shown_requester(ticket: Ticket, privacy: bool) -> Requester:
    """The requester as the screen may show them: masked in privacy mode."""
    return mask_requester(ticket.requester) if privacy else ticket.requester


def requester_label(ticket: Ticket, privacy: bool) -> str:
    """The client's name, else their e-mail, else "the client"."""
    requester = shown_requester(ticket, privacy)
    return one_line(requester.name or requester.email) or "the client"


def shown_subject(ticket: Ticket, privacy: bool) -> str:
    """The subject on one line, with the requester's name, e-mails and phone numbers masked in privacy mode."""
    return client_line(ticket.subject, ticket.requester, privacy)


def ticket_heading(ticket: Ticket, privacy: bool = False) -> Content:
    """`#12  Printer on fire` as literal content (a subject is never markup)."""
    return Content.assemble((f"#{ticket.id}", "bold"), "  ", shown_subject(ticket, privacy))
