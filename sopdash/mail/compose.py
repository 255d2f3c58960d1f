"""The message sopdash sends for a technician's public entry, and the Message-IDs that thread replies back.

Headers are built through `email.headerregistry` from text folded onto one line first, so nothing a client
or technician typed can add a header (CR/LF) or an over-long line; the body is text/plain UTF-8.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from sopdash.core.addresses import ascii_form, not_an_address
from sopdash.core.delivery import latest_client_message_id, references
from sopdash.core.inbound import MAIL, thread_subject
from sopdash.core.model import Ticket, TimelineEntry
from sopdash.core.text import one_line
from sopdash.mail.settings import MailSettings

MAX_SUBJECT = 200
_OUR_ID = re.compile(r"<sopdash\.(\d+)\.[0-9a-f]+@([^>\s]+)>")


class BadAddress(ValueError):
    """An address that no message can be sent to."""


def new_message_id(ticket_id: int, domain: str) -> str:
    """A fresh Message-ID that names its ticket, so a reply to it threads without searching the store."""
    return f"<sopdash.{ticket_id}.{secrets.token_hex(8)}@{domain}>"


def ticket_of_message_id(message_id: str, domain: str) -> int | None:
    """The ticket a Message-ID we made belongs to; None for anyone else's."""
    match = _OUR_ID.fullmatch(message_id.strip())
    if match and match[2].lower() == domain.lower():
        return int(match[1])
    return None


def subject_tag(settings: MailSettings, ticket_id: int) -> str:
    """The tag that marks a ticket in a subject, as configured (`[#12]`)."""
    return settings.subject_tag.replace("{id}", str(ticket_id))


def reply_subject(subject: str, ticket_id: int, settings: MailSettings) -> str:
    """`Re: <subject> [#id]`: the subject on one line, without earlier Re:/Fwd: prefixes or any ticket's tag (one
    tag, the ticket's own, so a follow-up's mail never carries its closed ticket's too), cut to fit."""
    tag = subject_tag(settings, ticket_id)
    bare = thread_subject(one_line(subject), settings.subject_tag)
    if len(bare) > MAX_SUBJECT:
        bare = bare[: MAX_SUBJECT - 1] + "…"
    return f"Re: {bare} {tag}" if bare else f"Re: {tag}"


def mailbox(name: str, address: str) -> Address:
    """A display name and address as a header value (the domain in ASCII); BadAddress, with why, if it is not one."""
    address = address.strip()
    problem = not_an_address(address) if address else "no e-mail address"
    if not problem:
        try:
            return Address(display_name=one_line(name)[:MAX_SUBJECT], addr_spec=ascii_form(address))
        except (ValueError, IndexError, MessageError) as error:  # the header code is stricter than the check
            problem = f"{address!r} is not an e-mail address ({error})"
    raise BadAddress(problem)


def outgoing(ticket: Ticket, entry: TimelineEntry, settings: MailSettings) -> EmailMessage:
    """The mail for a public entry with a delivery record: From the address the ticket came in on, To the
    requester, Cc whoever the ticket copied when it was queued, threaded; the desk's automatic receipt says it is
    one (RFC 3834)."""
    delivery = entry.delivery
    assert delivery is not None, "only entries queued for delivery become mail"
    message = EmailMessage(policy=SMTP)
    message["From"] = mailbox(*settings.sender_for(ticket.desk_address))
    message["To"] = mailbox(ticket.requester.name, delivery.to)
    if delivery.cc:
        message["Cc"] = [mailbox("", address) for address in delivery.cc]
    message["Subject"] = reply_subject(ticket.subject, ticket.id, settings)
    message["Date"] = format_datetime(entry.at)
    message["Message-ID"] = delivery.message_id
    parent = latest_client_message_id(ticket, entry.at)
    if parent:
        message["In-Reply-To"] = parent
    thread = references(ticket, entry)
    if thread:
        message["References"] = " ".join(thread)
    message["X-Auto-Response-Suppress"] = "All"
    if entry.author == MAIL:  # written by the desk itself, not a technician: the receipt
        message["Auto-Submitted"] = "auto-replied"
    message.set_content(entry.text.replace("\r\n", "\n"), charset="utf-8")
    return message


def probe_message(settings: MailSettings, to: str, message_id: str, at: datetime) -> EmailMessage:
    """The message `sopdash mail test` sends (dated `at`)."""
    message = EmailMessage(policy=SMTP)
    message["From"] = mailbox(settings.name, settings.address)
    message["To"] = mailbox("", to)
    message["Subject"] = "sopdash test message"
    message["Date"] = format_datetime(at)
    message["Message-ID"] = message_id
    message["X-Auto-Response-Suppress"] = "All"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(f"This is a test message from the help desk at {settings.address}.\nNo reply is needed.\n")
    return message
