"""Outbound mail as records on public entries: queue them, and move them to sent, retried or failed.

Pure: the caller passes in the time and the Message-IDs. A delivery never changes a ticket's version
(the store writes them with `TicketStore.annotate`), so a state change does not make a technician's open
dialog fail with a conflict; the Message-ID names the ticket, so a record is found without a search.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, tzinfo

import msgspec

from sopdash.core.addresses import not_an_address
from sopdash.core.display import local_time
from sopdash.core.model import Delivery, Ticket, TimelineEntry
from sopdash.core.text import one_line

DELIVERY_MARKS = {"queued": "✉", "sent": "✓", "failed": "✗"}
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
NO_ADDRESS = "the requester has no e-mail address"
MAX_REFERENCES = 10  # Message-IDs in a References header: the thread's first and its latest
_MESSAGE_ID = re.compile(r"<[!-;=?-~]{1,250}>")  # one `<id>` of visible ASCII, as a header may carry it


def queue_deliveries(before: Ticket, after: Ticket, new_message_id: Callable[[int], str], now: datetime) -> Ticket:
    """`after` with a delivery record on each technician's public entry that `before` did not have yet.

    The ticket's Cc is copied on each (internal notes have no record, so they never become mail).
    A requester without an address, or with one no mail can carry (stored before addresses were checked,
    or edited by hand), gets a `failed` record at once with the reason, so the missing mail shows.
    """
    timeline = list(after.timeline)
    address = after.requester.email.strip()
    problem = not_an_address(address) if address else NO_ADDRESS
    for index in range(len(before.timeline), len(timeline)):
        entry = timeline[index]
        if entry.kind != "public" or entry.delivery is not None:
            continue
        message_id = new_message_id(after.id)
        record = (
            Delivery("failed", message_id, to=address, last_error=problem)
            if problem
            else Delivery("queued", message_id, to=address, next_try=now, cc=after.cc)
        )
        timeline[index] = msgspec.structs.replace(entry, delivery=record)
    return after.evolve(timeline=tuple(timeline))


def due(ticket: Ticket, now: datetime, at_once: bool = False) -> Iterator[TimelineEntry]:
    """The queued entries of a ticket whose next try has come; with at_once, every queued one (`mail send --now`)."""
    for entry in ticket.timeline:
        delivery = entry.delivery
        if delivery is None or delivery.state != "queued":
            continue
        if at_once or delivery.next_try is None or delivery.next_try <= now:
            yield entry


def waiting(ticket: Ticket, now: datetime) -> Iterator[Delivery]:
    """The ticket's queued mail whose next try is still to come."""
    for entry in ticket.timeline:
        delivery = entry.delivery
        if delivery is not None and delivery.state == "queued" and delivery.next_try is not None and delivery.next_try > now:
            yield delivery


def next_try_text(moment: datetime, now: datetime, zone: tzinfo) -> str:
    """When waiting mail is tried next, in the team's zone: `21:14` today, `Thu 26 Nov 00:14` on another day."""
    shown = moment.astimezone(zone)
    return f"{shown:%H:%M}" if shown.date() == now.astimezone(zone).date() else local_time(moment, zone, with_zone=False)


def delivery_state(delivery: Delivery, now: datetime, zone: tzinfo) -> str:
    """Where a mail stands, in a word or three: `queued`, `retrying at 21:14`, `sent`, `failed` (refused before it
    went), or `bounced` (sent, then reported undeliverable)."""
    if delivery.state == "failed":
        return "bounced" if delivery.sent_at is not None else "failed"
    if delivery.state == "queued" and delivery.attempts and delivery.next_try is not None:
        return f"retrying at {next_try_text(delivery.next_try, now, zone)}"
    return delivery.state


def outbox_entries(ticket: Ticket) -> Iterator[TimelineEntry]:
    """The ticket's public entries that became mail (those with a delivery record), oldest first."""
    return (entry for entry in ticket.timeline if entry.delivery is not None)


def queued_message_ids(ticket: Ticket) -> set[str]:
    """The Message-IDs of the ticket's mail still waiting to go."""
    return {e.delivery.message_id for e in ticket.timeline if e.delivery is not None and e.delivery.state == "queued"}


def sent(delivery: Delivery, now: datetime) -> Delivery:
    """Accepted by the transport."""
    return msgspec.structs.replace(
        delivery, state="sent", attempts=delivery.attempts + 1, sent_at=now, next_try=None, last_error=""
    )


def retry_later(delivery: Delivery, now: datetime, reason: str) -> Delivery:
    """Refused for now (4xx, timeout, no connection): still queued, the next try pushed back by doubling waits."""
    attempts = delivery.attempts + 1
    wait = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
    return msgspec.structs.replace(delivery, attempts=attempts, last_error=reason, next_try=now + wait)


def failed(delivery: Delivery, reason: str, attempted: bool = True) -> Delivery:
    """Refused for good (5xx, or a bounce came back): shown as failed with the reason."""
    attempts = delivery.attempts + 1 if attempted else delivery.attempts
    return msgspec.structs.replace(delivery, state="failed", attempts=attempts, last_error=reason, next_try=None)


def with_delivery(ticket: Ticket, message_id: str, change: Callable[[Delivery], Delivery]) -> Ticket:
    """The ticket with the delivery named by message_id changed; unchanged if no entry carries it."""
    timeline = tuple(
        msgspec.structs.replace(entry, delivery=change(entry.delivery))
        if entry.delivery is not None and entry.delivery.message_id == message_id
        else entry
        for entry in ticket.timeline
    )
    return ticket.evolve(timeline=timeline)


def with_result(ticket: Ticket, result: Delivery) -> Ticket:
    """The ticket with the outcome of a try at one of its queued mails; a delivery no longer queued is left as it is
    (a bounce decided it meanwhile, or the same outcome was recorded before)."""
    return with_delivery(ticket, result.message_id, lambda old: result if old.state == "queued" else old)


def failed_mail(ticket: Ticket) -> Delivery | None:
    """The ticket's latest delivery if it failed: the client has not heard the last thing we said."""
    latest = next((e.delivery for e in reversed(ticket.timeline) if e.delivery is not None), None)
    return latest if latest is not None and latest.state == "failed" else None


def latest_client_message_id(ticket: Ticket, before: datetime | None = None) -> str:
    """The Message-ID of the client's latest mail on the ticket (up to `before`), for In-Reply-To; "" if none.

    The mail that opened a ticket rides on its "created" event; each later one on its client entry.
    """
    for entry in reversed(ticket.timeline):
        if entry.inbound is not None and (before is None or entry.at <= before):
            return entry.inbound.message_id
    return ""


def references(ticket: Ticket, entry: TimelineEntry) -> list[str]:
    """The References of the mail for `entry`: the ticket's thread of Message-IDs before it, oldest first (the
    client's and ours, not those that failed), ending at the client's message it answers when there is one; a long
    thread keeps its first and its last `MAX_REFERENCES - 1` (the trimming RFC 5537 describes)."""
    thread: list[str] = []
    answered = latest_client_message_id(ticket, entry.at)
    own = entry.delivery.message_id if entry.delivery is not None else None
    for earlier in ticket.timeline:
        if earlier.at > entry.at or (earlier.delivery is not None and earlier.delivery.message_id == own):
            break
        if earlier.inbound is not None:
            thread.append(earlier.inbound.message_id)
        elif earlier.delivery is not None and earlier.delivery.state != "failed":
            thread.append(earlier.delivery.message_id)
    thread = [message_id for message_id in thread if _MESSAGE_ID.fullmatch(message_id)]
    if answered in thread:
        thread = thread[: len(thread) - thread[::-1].index(answered)]
    thread = list(dict.fromkeys(thread))
    return thread if len(thread) <= MAX_REFERENCES else [thread[0], *thread[-(MAX_REFERENCES - 1):]]


def delivery_text(delivery: Delivery) -> str:
    """A delivery as every face shows it: `✓ sent to ann@… (cc bob@…)`, `✉ queued for ann@… (2 tries: 451 …)`, `✗ failed: …`."""
    mark = DELIVERY_MARKS[delivery.state]
    copied = f" (cc {', '.join(delivery.cc)})" if delivery.cc else ""
    if delivery.state == "sent":
        return f"{mark} sent to {delivery.to}{copied}"
    if delivery.state == "failed":
        return f"{mark} failed: {delivery.last_error}"
    tries = f" ({delivery.attempts} {'try' if delivery.attempts == 1 else 'tries'}: {delivery.last_error})" if delivery.attempts else ""
    return f"{mark} queued for {delivery.to}{copied}{tries}"


def mail_route(ticket: Ticket, where: str, privacy: bool = False) -> str:
    """Where a public message on this ticket will go, for the dialogs that write one (`where`: the transport)."""
    address = ticket.requester.email.strip()
    problem = not_an_address(address) if address else NO_ADDRESS
    if problem:
        why = "the requester's address is not one mail can carry" if privacy and address else problem
        return f"✗ No mail: {why}; the message is only recorded."
    shown = "(masked)" if privacy else address
    if ticket.cc:
        copied = f"{len(ticket.cc)} copied" if privacy else "cc " + one_line(", ".join(ticket.cc))
        shown += f" ({copied})"
    return f"✉ Goes by mail to {shown} via {where}."
