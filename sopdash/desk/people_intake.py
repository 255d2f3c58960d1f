"""Who a client's mail brings onto a ticket: the requester (Reply-To honoured), the Cc, the desk's address it came
in on (and so its category and From), and the automatic receipt (README: "People on the thread", "Several
addresses", "The receipt").

Only who the ticket is *for* follows Reply-To; which ticket a mail may write into still follows its From
(`core/inbound`), so naming someone in Reply-To gives no one a way into their tickets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sopdash.core.inbound import MAIL
from sopdash.core.limits import MAX_NAME
from sopdash.core.model import Requester, Ticket, TimelineEntry
from sopdash.core.people import cc_from_mail
from sopdash.core.receipt import with_receipt, without_receipt
from sopdash.core.templates import Templates, filled, values
from sopdash.core.text import one_line
from sopdash.mail.auto_reply import why_no_answer
from sopdash.mail.parse import IncomingMail
from sopdash.mail.recipients import cc_addresses, received_on, reply_to
from sopdash.mail.settings import MailSettings

Signer = Callable[[Ticket], dict[str, str]]


def requester_of(mail: IncomingMail, author: str, settings: MailSettings) -> tuple[Requester, str]:
    """Who a new ticket is for: Reply-To's address when it names one other than the sender (a web form, a no-reply
    relay), else the sender; and a note for the created event saying who actually sent it ("" when the same)."""
    asked = reply_to(mail, settings.own_addresses)
    if asked is None:
        return Requester(name=author if mail.sender_name else "", email=mail.sender), ""
    name, address = asked
    return Requester(name=one_line(name, MAX_NAME), email=address), f"sent by {mail.sender}, replies asked to {address}"


def mailed_ticket(ticket: Ticket, mail: IncomingMail, settings: MailSettings, now: datetime, templates: Templates,
                  sign: Signer | None = None) -> Ticket:
    """A new ticket from mail with its Cc, the desk address it came in on and that address's category, and the
    receipt (or why none was sent) when the desk sends receipts."""
    configured = (settings.address, *(entry.address for entry in settings.addresses))
    address = received_on(mail, configured)
    entry = settings.receiving(address)
    cc = cc_from_mail(cc_addresses(mail), settings.own_addresses, ticket.requester.email)
    ticket = ticket.evolve(cc=cc, desk_address=address, category=entry.category if entry else ticket.category)
    if not settings.receipt:
        return ticket
    why = why_no_answer(mail, ticket.requester.email.lower(), settings.own_addresses)
    if why:
        return without_receipt(ticket, now, why)
    placeholders = sign(ticket) if sign is not None else values(ticket, "", settings.sender_for(address)[0])
    return with_receipt(ticket, now, filled(templates.receipt, placeholders), settings.receipt_acknowledges)


def cc_added(ticket: Ticket, mail: IncomingMail, settings: MailSettings, now: datetime) -> Ticket:
    """The ticket with the people a client's reply copied added to its Cc (an event says who)."""
    cc = cc_from_mail(cc_addresses(mail), settings.own_addresses, ticket.requester.email, ticket.cc)
    if cc == ticket.cc:
        return ticket
    added = ", ".join(cc[len(ticket.cc):])
    entry = TimelineEntry(at=now, author=MAIL, kind="event", text=f"cc added from mail: {added}",
                          change={"cc": [list(ticket.cc), list(cc)]})
    return ticket.evolve(cc=cc, timeline=ticket.timeline + (entry,))
