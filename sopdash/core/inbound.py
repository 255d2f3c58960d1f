"""The SOP rules for a client's mail: which ticket it may write into, and what it does there.

Pure, like `rules`: the mail layer has read the message and the desk has fetched the ticket it names; these
functions decide. A sender's claim to a ticket is never taken on trust: mail threads onto a ticket only when it
answers a message we sent on that ticket (one of its deliveries' Message-IDs, random token and all), or comes
from the ticket's requester, or from a domain the desk trusts. Anything else that names a ticket opens a new
one whose first event says which ticket it named and why it did not land there, so a stranger can neither
write into a client's ticket nor end its waiting or reopen it. A reply lands on an open or resolved ticket and
ends waiting; a reply to a closed ticket opens a new one that follows it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sopdash.core import rules, satisfaction
from sopdash.core.limits import MAX_BODY, MAX_NAME, MAX_SUBJECT
from sopdash.core.model import Inbound, Requester, Source, Ticket, TimelineEntry
from sopdash.core.text import ELLIPSIS

MAIL = "mail"  # the author of what the mail gateway records, and the `source.system` of tickets it opens
FLOOD_WINDOW = timedelta(hours=1)
MAX_FILE_NAME = 100
# path parts, shell-special characters and the characters that are not there to be read: controls, format
# characters such as the bidi override U+202E (which makes `cod.exe` read as `exe.doc`), surrogates, line breaks
_UNSAFE_IN_NAME = re.compile(r"[/\\:*?\"<>|]+")
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


@dataclass(frozen=True)
class Route:
    """Where a person's mail goes: onto `ticket`, or (ticket None) a new ticket whose first event adds `note`
    (which ticket it named, and why it is not there); `line` says the same in the intake's outcome."""

    ticket: Ticket | None
    note: str = ""
    line: str = ""


def tagged_ticket(subject: str, tag: str) -> int | None:
    """The ticket a subject's tag names (`tag` as configured, e.g. `[#{id}]`), if it holds one."""
    pattern = re.escape(tag).replace(re.escape("{id}"), r"(\d{1,9})")
    match = re.search(pattern, subject)
    return int(match[1]) if match else None


def answers_ours(ticket: Ticket, parents: Iterable[str]) -> bool:
    """Whether a message answers one we sent on this ticket: a parent is one of its deliveries' Message-IDs."""
    ours = {e.delivery.message_id.strip().lower() for e in ticket.timeline if e.delivery is not None}
    return any(parent.strip().lower() in ours for parent in parents)


def trusted(ticket: Ticket, sender: str, parents: Iterable[str], trusted_domains: Iterable[str] = ()) -> bool:
    """Whether mail from sender may write into ticket: it answers our mail, or comes from the requester or a
    domain the desk trusts (`[mail] trusted_domains`)."""
    sender = sender.strip().lower()
    if sender and sender == ticket.requester.email.strip().lower():
        return True
    if sender.rpartition("@")[2] in {domain.lower() for domain in trusted_domains}:
        return True
    return answers_ours(ticket, parents)


def route(
    named: Ticket | None, sender: str, parents: Iterable[str], trusted_domains: Iterable[str] = ()
) -> Route:
    """Where mail that names `named` (None: names no ticket that exists) goes."""
    if named is None:
        return Route(None)
    if not trusted(named, sender, parents, trusted_domains):
        return Route(None, stranger_note(named.id, sender), f", names #{named.id} but is not on it")
    if named.status == "closed":
        return Route(None, f"follows up on closed ticket #{named.id}", f", follows #{named.id}")
    return Route(named)


def stranger_note(ticket_id: int, sender: str) -> str:
    """Why mail that named a ticket did not land on it."""
    return f"names #{ticket_id} but came from {sender}, who is not on #{ticket_id}"


def holds_message(ticket: Ticket, message_id: str) -> bool:
    """Whether the ticket already holds the mail with this Message-ID (it was handled before)."""
    if ticket.source.system == MAIL and ticket.source.external_id == message_id:
        return True
    return any(entry.inbound is not None and entry.inbound.message_id == message_id for entry in ticket.timeline)


def message_ids(ticket: Ticket) -> set[str]:
    """Every client Message-ID the ticket holds (what the duplicate index is built from)."""
    held = {e.inbound.message_id for e in ticket.timeline if e.inbound is not None and e.inbound.message_id}
    if ticket.source.system == MAIL and ticket.source.external_id:
        held.add(ticket.source.external_id)
    return held


def recent_replies(ticket: Ticket, now: datetime) -> int:
    """How many client messages reached the ticket in the last hour (for the per-ticket flood limit)."""
    since = now - FLOOD_WINDOW
    return sum(1 for entry in ticket.timeline if entry.kind == "client" and entry.at >= since)


def recent(times: Iterable[datetime], now: datetime) -> list[datetime]:
    """The times within the last hour (what the per-sender flood limit counts)."""
    since = now - FLOOD_WINDOW
    return [moment for moment in times if since <= moment <= now]


def client_message(
    ticket: Ticket, author: str, now: datetime, text: str, inbound: Inbound,
    phrases: satisfaction.SatisfactionPhrases = satisfaction.DEFAULT_PHRASES,
) -> Ticket:
    """The client's reply on an open or resolved ticket: appended; waiting ends; on a resolved ticket it is read as
    their answer to the resolution (`core/satisfaction`), and a reply that gives none reopens it."""
    entry = TimelineEntry(at=now, author=author, kind="client", text=text, inbound=inbound)
    ticket = ticket.evolve(timeline=ticket.timeline + (entry,))
    if ticket.status == "waiting":
        return rules.set_waiting(ticket, MAIL, now, waiting=False)
    if ticket.status == "resolved":
        said = satisfaction.answer(text, phrases)
        return satisfaction.answered(ticket, MAIL, now, said) if said.said_anything else rules.reopen(ticket, MAIL, now)
    return ticket


def ticket_from_mail(
    subject: str, requester: Requester, now: datetime, text: str, inbound: Inbound, note: str = ""
) -> Ticket:
    """A new untriaged ticket from a client's mail (id given by the store); `note` says which ticket it named."""
    ticket = rules.create(0, subject or "(no subject)", requester, now, MAIL, body=text)
    created, *rest = ticket.timeline
    text = f"ticket created from mail by {requester.email}" + (f"; {note}" if note else "")
    created = TimelineEntry(created.at, created.author, created.kind, text, change=created.change, inbound=inbound)
    return ticket.evolve(timeline=(created, *rest), source=Source(MAIL, inbound.message_id))


def notice_event(kind: str, author: str, subject: str) -> str:
    """The event a notice (an absence notice, a read receipt) becomes."""
    return f"{kind} from {author}: {subject}"


def delivery_to(ticket: Ticket, addresses: Iterable[str]) -> str:
    """The Message-ID of the latest of the ticket's deliveries to one of these addresses not failed already ("")."""
    wanted = {address.strip().lower() for address in addresses}
    for entry in reversed(ticket.timeline):
        delivery = entry.delivery
        if delivery is not None and delivery.state != "failed" and delivery.to.strip().lower() in wanted:
            return delivery.message_id
    return ""


def noted_already(ticket: Ticket, event: str) -> bool:
    """Whether this absence notice is on the ticket since the desk last wrote to the client (a repeat adds nothing)."""
    for entry in reversed(ticket.timeline):
        if entry.kind == "public":
            return False
        if entry.kind == "event" and entry.author == MAIL and entry.text == event:
            return True
    return False


def out_of_office(ticket: Ticket, now: datetime, event: str) -> Ticket:
    """An absence notice kept as an event: it changes nothing else."""
    entry = TimelineEntry(at=now, author=MAIL, kind="event", text=event)
    return ticket.evolve(timeline=ticket.timeline + (entry,))


def replies_held(ticket: Ticket, now: datetime, limit: int) -> Ticket | None:
    """The ticket with an event saying its client's mail is being held (flood), unless it says so already this hour."""
    text = f"more than {limit} messages by mail in an hour: the rest are held (see `sopdash mail log`)"
    since = now - FLOOD_WINDOW
    if any(e.kind == "event" and e.author == MAIL and e.text == text and e.at >= since for e in ticket.timeline):
        return None
    return ticket.evolve(timeline=ticket.timeline + (TimelineEntry(at=now, author=MAIL, kind="event", text=text),))


def within_limits(subject: str, name: str, text: str) -> tuple[str, str, str, list[str]]:
    """Subject, sender name and text cut to what a ticket holds (core/limits), with a note for each cut."""
    notes = []
    if len(subject) > MAX_SUBJECT:
        notes.append(f"the subject was {len(subject):,} characters, cut to {MAX_SUBJECT:,}")
        subject = subject[: MAX_SUBJECT - 1] + ELLIPSIS
    if len(name) > MAX_NAME:
        notes.append(f"the sender's name was {len(name):,} characters, cut to {MAX_NAME:,}")
        name = name[: MAX_NAME - 1] + ELLIPSIS
    if len(text) > MAX_BODY:
        notes.append(f"the text was {len(text):,} characters, cut to {MAX_BODY:,}")
        text = text[: MAX_BODY - 1] + ELLIPSIS
    return subject, name, text, notes


def safe_file_name(filename: str, content_type: str, number: int) -> str:
    """An attachment's name without path parts or invisible characters (dropped) or shell-special ones (`_`);
    never empty or hidden."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE)
    name = _UNSAFE_IN_NAME.sub("_", name).strip(" ._")
    if not name:
        extension = content_type.rsplit("/", 1)[-1].split("+")[0] if "/" in content_type else "bin"
        name = f"attachment-{number}.{extension}"
    if len(name) > MAX_FILE_NAME:
        stem, dot, extension = name.rpartition(".")
        fits = dot and len(extension) < 10
        name = (stem[: MAX_FILE_NAME - len(extension) - 1] + dot + extension) if fits else name[:MAX_FILE_NAME]
    return name


def client_messages(ticket: Ticket) -> int:
    """How many messages the client has written on the ticket (the dashboard announces a new one)."""
    return sum(1 for entry in ticket.timeline if entry.kind == "client")
