"""People on a ticket's thread besides the requester: the Cc list, who a mail's requester is, and how to greet them.

Pure. Cc addresses are stored in lower case, each once, never the requester's nor the desk's own; a change to the
list is an audited event. The Cc list only widens who reads the desk's *public* mail: internal notes never become
mail at all (README: "People on the thread").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sopdash.core.addresses import not_an_address
from sopdash.core.errors import InputError, RuleRefused
from sopdash.core.model import Ticket, TimelineEntry
from sopdash.core.text import one_line

MAX_CC = 20  # a thread copied to more people than this is a mailing list, not a ticket


def cc_from_mail(addresses: Iterable[str], ours: Iterable[str], requester: str, already: Iterable[str] = ()) -> tuple[str, ...]:
    """The Cc list a client's mail gives a ticket: `already` plus each valid address in `addresses` that is not
    the requester's, not one of the desk's own (`ours`) and not listed yet, up to MAX_CC."""
    skip = {address.strip().lower() for address in ours} | {requester.strip().lower()}
    listed = list(already)
    for address in addresses:
        address = address.strip().lower()
        if len(listed) >= MAX_CC:
            break
        if address and address not in skip and address not in listed and not not_an_address(address):
            listed.append(address)
    return tuple(listed)


def add_cc(ticket: Ticket, actor: str, now: datetime, address: str, ours: Iterable[str] = ()) -> Ticket:
    """The ticket with `address` copied on its public mail, audited; refused when it is there already, is the
    requester's or the desk's own, or the list is full; InputError when it is not an address."""
    address = address.strip().lower()
    problem = not_an_address(address) if address else "no e-mail address given"
    if problem:
        raise InputError(f"cc: {problem}")
    refusals = [
        reason
        for failed, reason in (
            (address in ticket.cc, f"{address} is on its Cc already"),
            (address == ticket.requester.email.strip().lower(), f"{address} is its requester"),
            (address in {a.strip().lower() for a in ours}, f"{address} is the desk's own address"),
            (len(ticket.cc) >= MAX_CC, f"its Cc holds {MAX_CC} addresses already"),
        )
        if failed
    ]
    if refusals:
        raise RuleRefused(f"cannot add to the Cc of ticket #{ticket.id}: {'; '.join(refusals)}")
    return _changed(ticket, actor, now, (*ticket.cc, address), f"cc added: {address}")


def remove_cc(ticket: Ticket, actor: str, now: datetime, address: str) -> Ticket:
    """The ticket without `address` on its Cc, audited; refused when it is not there."""
    address = address.strip().lower()
    if address not in ticket.cc:
        listed = ", ".join(ticket.cc) or "nobody"
        raise RuleRefused(f"cannot remove {one_line(address)!r} from the Cc of ticket #{ticket.id}: it lists {listed}")
    return _changed(ticket, actor, now, tuple(a for a in ticket.cc if a != address), f"cc removed: {address}")


def _changed(ticket: Ticket, actor: str, now: datetime, cc: tuple[str, ...], text: str) -> Ticket:
    entry = TimelineEntry(at=now, author=actor, kind="event", text=text, change={"cc": [list(ticket.cc), list(cc)]})
    return ticket.evolve(cc=cc, timeline=ticket.timeline + (entry,))


def display_name(name: str) -> str:
    """A name as a greeting says it: `Nair, Priya` (a directory's "Last, First") becomes `Priya Nair`."""
    name = " ".join(name.split())
    last, comma, first = name.partition(",")
    if comma and first.strip() and last.strip() and "," not in first:
        return f"{first.strip()} {last.strip()}"
    return name


def first_name(name: str) -> str:
    """The first word of the display name (`Priya` for `Nair, Priya`); "" for no name."""
    words = display_name(name).split()
    return words[0] if words else ""
