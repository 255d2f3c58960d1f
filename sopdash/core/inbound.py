"""The SOP rules for a client's mail: which ticket it may write into, and what it does there.

Pure, like `rules`: the mail layer has read the message and the desk has fetched the ticket it names; these
functions decide. A sender's claim to a ticket is never taken on trust: mail threads onto a ticket only when it
answers a message we sent on that ticket (one of its deliveries' Message-IDs, random token and all), or comes
from the ticket's requester, or from a domain the desk trusts. Anything else that names a ticket opens a new
one whose first event says which ticket it named and why it did not land there, so a stranger can neither
write into a client's ticket nor end its waiting or reopen it. A reply lands on an open or resolved ticket and
ends waiting; a reply to a closed ticket lands on that ticket's open follow-up, or opens one: a new ticket that
follows it, with its priority, category and assignee, linked both ways by an event on each.
Mail to a ticket merged into another lands on that one, by the same rules (its sender trusted on either).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import msgspec

from sopdash.core import rules, satisfaction
from sopdash.core.limits import MAX_BODY, MAX_NAME, MAX_SUBJECT
from sopdash.core.model import Inbound, Requester, Source, Ticket, TimelineEntry
from sopdash.core.text import ELLIPSIS

MAIL = "mail"  # the author of what the mail gateway records, and the `source.system` of tickets it opens
FLOOD_WINDOW = timedelta(hours=1)
MAX_MERGE_HOPS = 20  # a merged ticket's mail follows at most this many merges
MAX_FILE_NAME = 100
FOLLOWS = "follows"  # on a follow-up's created event: [None, the closed ticket it follows]
FOLLOWED_UP_IN = "followed_up_in"  # on a closed ticket's event: [None, its follow-up]
MAX_FOLLOW_UPS = 50  # how long a chain of follow-ups is walked to find the open one
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fw|fwd|wg|tr)\s*:\s*)+", re.IGNORECASE)
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
    follows: Ticket | None = None  # the closed ticket a new ticket follows up


def tagged_ticket(subject: str, tag: str) -> int | None:
    """The ticket a subject's tag names (`tag` as configured, e.g. `[#{id}]`), if it holds one."""
    match = _tag_pattern(tag).search(subject)
    return int(match[1]) if match else None


def thread_subject(subject: str, tag: str) -> str:
    """What a thread is about: the subject without any ticket's tag and without Re:/Fwd: prefixes."""
    untagged = " ".join(_tag_pattern(tag).sub(" ", subject).split())
    return _REPLY_PREFIX.sub("", untagged).strip()


@cache
def _tag_pattern(tag: str) -> re.Pattern[str]:
    return re.compile(re.escape(tag).replace(re.escape("{id}"), r"(\d{1,9})"))


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
    named: Ticket | None,
    sender: str,
    parents: Iterable[str],
    trusted_domains: Iterable[str] = (),
    follow_up: Ticket | None = None,
    merged: Sequence[Ticket] = (),
) -> Route:
    """Where mail that names `named` (None: names no ticket that exists) goes. `merged` are the tickets `named` was
    merged into, in turn (see `merged_chain`): the mail goes to the last of them, if its sender may write to any;
    `follow_up` is the newest follow-up of that last ticket when it is closed (its chain walked by the caller:
    `follow_up_id`), if it has one."""
    if named is None:
        return Route(None)
    chain = (named, *merged)
    if not any(trusted(ticket, sender, parents, trusted_domains) for ticket in chain):
        return Route(None, stranger_note(named.id, sender), f", names #{named.id} but is not on it")
    last = chain[-1]
    if last.status != "closed":
        return Route(last, line=f", addressed to #{named.id}, merged into #{last.id}" if merged else "")
    if follow_up is not None and follow_up.status != "closed":
        return Route(follow_up, line=f", on the follow-up of closed #{last.id}")
    closed = follow_up or last
    return Route(None, f"follows #{closed.id} (closed)", f", follows #{closed.id}", follows=closed)


def follow_up_id(ticket: Ticket) -> int | None:
    """The follow-up mail opened for this closed ticket, as the newest link on it says; None if there is none."""
    for entry in reversed(ticket.timeline):
        link = entry.change.get(FOLLOWED_UP_IN) if entry.change and entry.kind == "event" else None
        if link is not None and entry.author == MAIL:
            return _linked_id(link)
    return None


def follows_id(ticket: Ticket) -> int | None:
    """The closed ticket this one was opened to follow up, as its created event says; None for any other."""
    change = ticket.timeline[0].change if ticket.timeline and ticket.timeline[0].author == MAIL else None
    link = change.get(FOLLOWS) if change else None
    return _linked_id(link) if link is not None else None


def _linked_id(link: list) -> int | None:
    """The ticket id a link change ([None, id]) holds; None for anything else a hand edit left there."""
    return link[1] if isinstance(link[1], int) and not isinstance(link[1], bool) else None


def follow_up(ticket: Ticket, closed: Ticket, now: datetime) -> Ticket:
    """A ticket new from mail made the follow-up of a closed one: linked to it, and with its category, its priority
    (triaged if it was) and its assignee, each set by an event, so nobody has to triage or assign it again."""
    created, *rest = ticket.timeline
    created = msgspec.structs.replace(created, change={**(created.change or {}), FOLLOWS: [None, closed.id]})
    ticket = ticket.evolve(timeline=(created, *rest), category=closed.category)
    if closed.triaged:
        ticket = rules.set_priority(ticket, MAIL, now, closed.priority)
    if closed.assignee:
        ticket = rules.assign(ticket, MAIL, now, closed.assignee)
    return ticket


def followed_up(closed: Ticket, follow_up_id: int, now: datetime) -> Ticket:
    """The closed ticket with the event that links it to its follow-up (what `follow_up_id` reads)."""
    entry = TimelineEntry(
        at=now, author=MAIL, kind="event", text=f"followed up in #{follow_up_id}", change={FOLLOWED_UP_IN: [None, follow_up_id]}
    )
    return closed.evolve(timeline=closed.timeline + (entry,))


def merged_chain(ticket: Ticket, fetch: Callable[[int], Ticket | None]) -> list[Ticket]:
    """The tickets `ticket` was merged into, in turn (a merged ticket's target may have been merged on), at most
    MAX_MERGE_HOPS of them; a target that is gone ends the chain."""
    chain: list[Ticket] = []
    current = ticket
    while current.merged_into is not None and len(chain) < MAX_MERGE_HOPS:
        following = fetch(current.merged_into)
        if following is None or any(following.id == seen.id for seen in (ticket, *chain)):
            break
        chain.append(following)
        current = following
    return chain


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
