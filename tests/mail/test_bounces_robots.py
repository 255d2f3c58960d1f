"""Bounces in the forms mail systems really send, and robots that are not a person: each piped to `mail receive`.

The bounces are real ones from flufl.bounce's test data (see corpus/SOURCES.bounces), adapted to return the
acknowledgement ticket #1 sent to ann@example.com.
"""

from __future__ import annotations

import pytest
from test_inbound_corpus import corpus, desk_with_ticket, pipe  # noqa: F401  (desk_with_ticket is a fixture)

from sopdash.store.ticket_store import TicketStore

BOUNCES = ["bounce_qmail", "bounce_exim", "bounce_postfix_mixed", "bounce_exchange", "bounce_yahoo", "bounce_gmail_old",
           "bounce_notes", "bounce_null_sender"]


def deliveries(store):
    return [e.delivery for e in TicketStore(store).get(1).timeline if e.delivery]


def person(subject: str, message_id: str, extra: str = "", sender: str = "Ann Example <ann@example.com>") -> bytes:
    return (
        f"From: {sender}\nTo: help@desk.example.org\nSubject: {subject}\nMessage-ID: {message_id}\n"
        f"Date: Wed, 25 Nov 2026 09:30:00 +0000\n{extra}Content-Type: text/plain; charset=utf-8\n\nThe printer still jams.\n"
    ).encode()


@pytest.mark.parametrize("name", BOUNCES)
def test_a_bounce_that_is_not_an_rfc_3464_report_marks_the_delivery_failed(desk_with_ticket, sopdash, monkeypatch, name):
    store, our_id = desk_with_ticket
    result = pipe(sopdash, monkeypatch, corpus(f"{name}.eml", our_id))
    assert (result.code, result.out.split(":")[0]) == (0, "bounce #1")
    (delivery,) = deliveries(store)
    assert delivery.state == "failed" and delivery.last_error.startswith("bounced by ann@example.com: ")
    assert len(TicketStore(store).live()) == 1
    assert not [e for e in TicketStore(store).get(1).timeline if e.kind == "client"]


def test_a_bounce_from_a_bare_mailer_daemon_is_read_not_refused(desk_with_ticket, sopdash, monkeypatch):
    store, our_id = desk_with_ticket
    raw = corpus("bounce_qmail.eml", our_id).replace(b"From: MAILER-DAEMON@gate0.n-h.net", b"From: MAILER-DAEMON")
    result = pipe(sopdash, monkeypatch, raw)
    assert (result.code, result.out.split(":")[0]) == (0, "bounce #1")
    assert deliveries(store)[0].state == "failed"


def test_a_bounce_without_an_empty_return_path_opens_no_ticket(desk_with_ticket, sopdash, monkeypatch):
    store, our_id = desk_with_ticket
    for number, name in enumerate(("bounce_yahoo", "bounce_gmail_old", "bounce_notes")):
        raw = corpus(f"{name}.eml", f"<other{number}@elsewhere.example>").replace(b"[#1]", b"")
        result = pipe(sopdash, monkeypatch, raw.replace(b"ann@example.com", b"zed@example.com"))
        assert (result.code, result.out.split(":")[0]) == (0, "dropped")
    unread = corpus("bounce_qmail.eml").replace(b"<ann@example.com>:", b"").replace(b"@@OUR_ID@@", b"<x@y.example>")
    assert pipe(sopdash, monkeypatch, unread).out.strip() == "dropped: from a mail system (mailer-daemon@gate0.n-h.net)"
    by_subject = pipe(sopdash, monkeypatch, person("Mail could not be delivered", "<ndr1@kviv.example>", sender="imss@kviv.example"))
    assert by_subject.out.strip() == "dropped: a bounce (its subject says so)"
    assert len(TicketStore(store).live()) == 1 and deliveries(store)[0].state == "sent"


def test_a_delay_report_is_logged_and_changes_nothing(desk_with_ticket, sopdash, monkeypatch):
    store, our_id = desk_with_ticket
    before = TicketStore(store).get(1)
    result = pipe(sopdash, monkeypatch, corpus("delay_dsn.eml", our_id))
    assert (result.code, result.out.split(":")[0]) == (0, "delayed #1")
    assert "delayed for ann@example.com: 4.4.1" in result.out
    assert TicketStore(store).get(1) == before and len(TicketStore(store).live()) == 1
    assert "delayed" in sopdash("mail", "log").out


def test_an_abuse_report_is_neither_a_ticket_nor_a_reply(desk_with_ticket, sopdash, monkeypatch):
    store, our_id = desk_with_ticket
    before = TicketStore(store).get(1)
    result = pipe(sopdash, monkeypatch, corpus("abuse_report_arf.eml", our_id))
    assert (result.code, result.out.strip()) == (0, "dropped #1: an abuse report (ARF)")
    assert TicketStore(store).get(1) == before and len(TicketStore(store).live()) == 1


def resolved_then(store, sopdash, monkeypatch, raw: bytes):
    """Ticket #1 resolved, then raw piped in: (the outcome, ticket #1 after it, which must have no client entry)."""
    sopdash("ticket", "resolve", "1", "--summary", "Replaced the roller.")
    result = pipe(sopdash, monkeypatch, raw)
    ticket = TicketStore(store).get(1)
    assert ticket.status == "resolved" and not [e for e in ticket.timeline if e.kind == "client"]
    return result, ticket


def test_a_read_receipt_never_reopens_a_resolved_ticket(desk_with_ticket, sopdash, monkeypatch):
    store, our_id = desk_with_ticket
    result, ticket = resolved_then(store, sopdash, monkeypatch, corpus("read_receipt_mdn.eml", our_id))
    assert (result.code, result.out.split(":")[0]) == (0, "read-receipt #1")
    assert ticket.timeline[-1].text == "read receipt from Ann Example: Read: Re: Printer jams [#1]"


def test_an_auto_reply_marked_only_by_its_subject_is_an_event(desk_with_ticket, sopdash, monkeypatch):
    store, our_id = desk_with_ticket
    result, ticket = resolved_then(store, sopdash, monkeypatch, corpus("auto_reply_subject_only.eml", our_id))
    assert (result.code, result.out.split(":")[0]) == (0, "out-of-office #1")
    assert ticket.timeline[-1].text == "out-of-office reply from Ann Example: Auto reply: Re: Printer jams [#1]"
    person_subject = pipe(sopdash, monkeypatch, person("Out of office printer broken", "<p1@example.com>"))
    assert person_subject.out.startswith("ticket #2")
    parcel = pipe(sopdash, monkeypatch, person("Delivery failure of parcel labels", "<p3@example.com>"))
    assert parcel.out.startswith("ticket #3")


def test_a_person_writing_through_a_list_or_group_is_ticketed(desk_with_ticket, sopdash, monkeypatch):
    store, our_id = desk_with_ticket
    result = pipe(sopdash, monkeypatch, corpus("google_group_person.eml"))
    assert (result.code, result.out.strip()) == (0, "ticket #2: new ticket from bob@example.com")
    listed = "List-Id: <support.desk.example.org>\nPrecedence: bulk\n"
    reply = pipe(sopdash, monkeypatch, person("Re: Printer jams [#1]", "<p2@example.com>", f"In-Reply-To: {our_id}\n{listed}"))
    assert reply.out.startswith("reply #1")
    assert [e.kind for e in TicketStore(store).get(1).timeline].count("client") == 1


def test_our_own_message_come_back_through_a_group_is_a_loop(desk_with_ticket, sopdash, monkeypatch):
    store, our_id = desk_with_ticket
    echoed = person("Re: Printer jams [#1]", our_id, "List-Id: <support.desk.example.org>\nPrecedence: list\n",
                    sender="'Help Desk' via Support <support@desk.example.org>")
    result = pipe(sopdash, monkeypatch, echoed)
    assert (result.code, result.out.strip()) == (0, "dropped #1: the desk's own message come back (a loop)")
    assert len(TicketStore(store).live()) == 1
