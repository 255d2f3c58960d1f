"""Which ticket a client's mail may write into: never on the sender's word (core/inbound.route)."""

from __future__ import annotations

from datetime import datetime, timezone

import msgspec
import pytest

from sopdash.core import inbound, rules
from sopdash.core.model import Delivery, Requester, Ticket

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
OURS = "<sopdash.7.8f3a9c0d11e2b4a6@desk.example.org>"


def ann_ticket(status: str = "open") -> Ticket:
    ticket = rules.create(7, "Printer jams", Requester("Ann Example", "Ann@Example.com"), NOW, "amara")
    ticket = rules.reply(ticket, "amara", NOW, "We are on it.")
    entry = msgspec.structs.replace(ticket.timeline[-1], delivery=Delivery("sent", OURS, to="ann@example.com"))
    return ticket.evolve(timeline=(*ticket.timeline[:-1], entry), status=status)


@pytest.mark.parametrize(
    ("sender", "parents", "domains", "lands"),
    [
        ("ann@example.com", [], (), True),  # the requester, whatever the case of her address
        ("bob@example.net", [OURS.upper()], (), True),  # answers our message, token intact
        ("bob@example.net", [OURS.replace("8f3a9c0d11e2b4a6", "0" * 16)], (), False),  # a guessed token
        ("bob@example.net", [], ("example.net",), True),  # a trusted domain
        ("bob@mail.example.net", [], ("example.net",), False),  # only that domain, not those under it
        ("mallory@evil.example", [], (), False),
    ],
)
def test_who_may_write_into_a_ticket(sender, parents, domains, lands):
    where = inbound.route(ann_ticket(), sender, parents, domains)
    assert (where.ticket is not None) == lands
    if not lands:
        assert where.note == f"names #7 but came from {sender}, who is not on #7"


def test_a_closed_ticket_is_followed_not_written_into():
    where = inbound.route(ann_ticket("closed"), "ann@example.com", [])
    assert (where.ticket, where.note, where.line, where.follows.id) == (None, "follows #7 (closed)", ", follows #7", 7)


def test_mail_naming_a_closed_ticket_lands_on_its_open_follow_up():
    follow_up = rules.create(9, "Printer jams", Requester("Ann Example", "ann@example.com"), NOW, "mail")
    where = inbound.route(ann_ticket("closed"), "ann@example.com", [], follow_up=follow_up)
    assert (where.ticket, where.line) == (follow_up, ", on the follow-up of closed #7")
    closed_too = inbound.route(ann_ticket("closed"), "ann@example.com", [], follow_up=follow_up.evolve(status="closed"))
    assert (closed_too.ticket, closed_too.follows.id) == (None, 9)


def test_a_follow_up_keeps_the_closed_tickets_triage_and_assignee_and_links_back():
    closed = rules.assign(rules.set_priority(ann_ticket("open"), "amara", NOW, "high"), "amara", NOW, "bo")
    closed = closed.evolve(status="closed", category="Printing")
    new = inbound.follow_up(rules.create(9, "Printer jams", Requester("Ann", "ann@example.com"), NOW, "mail"), closed, NOW)
    assert (new.priority, new.triaged, new.assignee, new.category) == ("high", True, "bo", "Printing")
    assert new.timeline[0].change["follows"] == [None, 7]
    assert [e.text for e in new.timeline[1:]] == ["priority set to high", "assigned to bo"]
    linked = inbound.followed_up(closed, 9, NOW)
    assert inbound.follow_up_id(linked) == 9 and inbound.follow_up_id(closed) is None
    forged = linked.evolve(timeline=(*linked.timeline[:-1], msgspec.structs.replace(linked.timeline[-1], author="ann")))
    assert inbound.follow_up_id(forged) is None  # only the mail gateway links a ticket to its follow-up


@pytest.mark.parametrize(("subject", "bare"), [
    ("Re: Printer jams [#1]", "Printer jams"),
    ("RE: AW: [#1] Printer jams [#5]", "Printer jams"),
    ("Printer [#12] jams", "Printer jams"),
    ("[#3]", ""),
])
def test_a_threads_subject_has_no_tags_or_reply_prefixes(subject, bare):
    assert inbound.thread_subject(subject, "[#{id}]") == bare


def test_a_stranger_on_a_closed_ticket_is_still_a_stranger():
    assert inbound.route(ann_ticket("closed"), "mallory@evil.example", []).line == ", names #7 but is not on it"


def test_mail_that_names_nothing_opens_a_plain_ticket():
    assert inbound.route(None, "mallory@evil.example", []) == inbound.Route(None)


def test_attachment_names_lose_what_is_not_there_to_be_read():
    assert inbound.safe_file_name("invoice\u202efdp.exe", "application/octet-stream", 1) == "invoicefdp.exe"
    assert inbound.safe_file_name("..\\..\\a\u200b\x00b:c.txt", "text/plain", 2) == "ab_c.txt"
    assert inbound.safe_file_name("\u2066\u2069", "image/png", 3) == "attachment-3.png"
