"""Who else a client's mail names: its Cc, its Reply-To, and which of the desk's addresses it was sent to.

Read from the parsed message's headers; a header beyond reading counts as absent (the mail is still taken in).
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import getaddresses

from sopdash.core.addresses import not_an_address
from sopdash.core.text import one_line
from sopdash.mail.parse import MAX_ADDRESS, IncomingMail

ROUTING_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")  # the order intake looks for the desk's address in
MAX_LISTED = 100  # addresses read from one header field


def addresses(mail: IncomingMail, header: str) -> list[tuple[str, str]]:
    """(name, address) of every address in every `header` field, addresses in lower case, in order."""
    try:
        values = [str(value) for value in mail.message.get_all(header) or ()]
        pairs = getaddresses(values)[:MAX_LISTED]
    except (ValueError, TypeError, LookupError, IndexError, AttributeError):
        return []
    found = []
    for name, address in pairs:
        address = address.strip().lower()
        if "@" in address and len(address) <= MAX_ADDRESS and address.isprintable() and not any(c.isspace() for c in address):
            found.append((one_line(name), address))
    return found


def cc_addresses(mail: IncomingMail) -> list[str]:
    """The addresses in the message's Cc."""
    return [address for _, address in addresses(mail, "Cc")]


def reply_to(mail: IncomingMail, ours: Iterable[str]) -> tuple[str, str] | None:
    """(name, address) the sender asks replies to go to, when it is one address mail can carry and not the desk's
    own nor the sender's; None otherwise (a web form or a no-reply relay names the real requester here)."""
    given = addresses(mail, "Reply-To")
    if len(given) != 1:
        return None
    name, address = given[0]
    if address == mail.sender or address in {a.lower() for a in ours} or not_an_address(address):
        return None
    return name, address


def received_on(mail: IncomingMail, configured: Iterable[str]) -> str:
    """The first configured desk address that Delivered-To, X-Original-To, To or Cc names, in that order; ""."""
    wanted = {address.lower() for address in configured}
    for header in ROUTING_HEADERS:
        for _, address in addresses(mail, header):
            if address in wanted:
                return address
    return ""
