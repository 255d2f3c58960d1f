"""A corpus of client mail as Outlook, Gmail and phones send it, each piped to `sopdash mail receive`.

Ticket #1 (Ann's printer) has been acknowledged by mail first, so replies, an out-of-office notice and a
bounce can name the Message-ID that sopdash sent.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from sopdash.store.ticket_store import TicketStore
from sopdash.store.kept_files import KeptFiles

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def desk_with_ticket(mail_env, sopdash):
    """Ticket #1 from Ann, acknowledged by mail; returns (store path, the acknowledgement's Message-ID)."""
    created = sopdash("ticket", "new", "--subject", "Printer jams", "--requester", "ann@example.com", "--name", "Ann")
    assert created.out.strip() == "1"
    assert "mail sent" in sopdash("ticket", "ack", "1").out
    sent = [e.delivery.message_id for e in TicketStore(mail_env).get(1).timeline if e.delivery]
    return mail_env, sent[0]


def pipe(sopdash, monkeypatch, raw: bytes):
    """`sopdash mail receive` with raw on standard input."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    return sopdash("mail", "receive")


def corpus(name: str, our_id: str = "") -> bytes:
    return (CORPUS / name).read_bytes().replace(b"@@OUR_ID@@", our_id.encode())


def test_outlook_html_only_mail_becomes_a_readable_ticket(desk_with_ticket, sopdash, monkeypatch):
    store, _ = desk_with_ticket
    result = pipe(sopdash, monkeypatch, corpus("outlook_html_only.eml"))
    assert (result.code, result.out.strip()) == (0, "ticket #2: new ticket from carol.brown@example.com")
    ticket = TicketStore(store).get(2)
    assert ticket.subject == "Outlook keeps asking for my password"
    assert (ticket.requester.name, ticket.requester.email) == ("Brown, Carol", "carol.brown@example.com")
    assert "I\u2019ve tried:" in ticket.body and "restarting the laptop" in ticket.body and "<" not in ticket.body
    assert "MsoNormal" not in ticket.body
    # the clock starts when the mail server received it (its topmost Received header, 08:58:01), not at the fetch
    assert (ticket.status, ticket.triaged, ticket.created_at.isoformat()) == ("new", False, "2026-11-25T08:58:01+00:00")
    assert ticket.source.system == "mail" and ticket.source.external_id.startswith("<DM6PR11MB0001")


def test_gmail_alternative_with_encoded_subject_and_name(desk_with_ticket, sopdash, monkeypatch):
    store, _ = desk_with_ticket
    assert pipe(sopdash, monkeypatch, corpus("gmail_alternative.eml")).code == 0
    ticket = TicketStore(store).get(2)
    assert ticket.subject == "Drucker druckt nicht \u2013 B\u00fcro 3"
    assert ticket.requester.name == "J\u00fcrgen M\u00fcller"
    assert ticket.body.startswith("Hallo,\n\nder Drucker im B\u00fcro 3 druckt nur noch leere Seiten.")


def test_koi8r_mail_is_decoded(desk_with_ticket, sopdash, monkeypatch):
    store, _ = desk_with_ticket
    assert pipe(sopdash, monkeypatch, corpus("koi8r_subject.eml")).code == 0
    ticket = TicketStore(store).get(2)
    assert ticket.subject == "\u041d\u0435 \u0440\u0430\u0431\u043e\u0442\u0430\u0435\u0442 VPN"
    assert ticket.requester.name == "\u0418\u0432\u0430\u043d" and "VPN" in ticket.body


def test_phone_reply_threads_by_in_reply_to_and_folds_the_quote(desk_with_ticket, sopdash, monkeypatch):
    store, our_id = desk_with_ticket
    sopdash("ticket", "wait", "1")
    result = pipe(sopdash, monkeypatch, corpus("phone_reply.eml", our_id))
    assert result.out.startswith("reply #1: from ann@example.com appended")
    ticket = TicketStore(store).get(1)
    message = [e for e in ticket.timeline if e.kind == "client"][-1]
    assert message.text == "Tried again after the reboot and it works now. Thanks!\n\nSent from my iPhone"
    assert message.author == "Ann Example" and message.inbound.quoted_folded
    assert ticket.status == "open"  # waiting on the client ended: the resolution clock runs again
    assert ticket.timeline[-1].text == "no longer waiting on client"
    kept = KeptFiles(store).path(message.inbound.eml)
    assert b"thank you for contacting support" in kept.read_bytes()  # nothing is lost


def test_outlook_reply_threads_by_the_subject_tag_and_reopens(desk_with_ticket, sopdash, monkeypatch):
    store, _ = desk_with_ticket
    sopdash("ticket", "resolve", "1", "--summary", "Cleared the paper path.")
    result = pipe(sopdash, monkeypatch, corpus("outlook_reply.eml"))
    assert result.out.startswith("reply #1:")
    ticket = TicketStore(store).get(1)
    message = [e for e in ticket.timeline if e.kind == "client"][-1]
    assert message.text == "It jams again \u2013 the tray makes a clicking noise. Caf\u00e9 floor, 2nd printer."
    assert ticket.status == "open" and ticket.resolved_at is None  # reopened


def test_forwarded_mail_keeps_what_was_forwarded(desk_with_ticket, sopdash, monkeypatch):
    store, _ = desk_with_ticket
    assert pipe(sopdash, monkeypatch, corpus("forwarded.eml")).out.startswith("ticket #2")
    body = TicketStore(store).get(2).body
    assert body.startswith("Is this real or phishing?") and "Click here to keep your messages." in body


def test_out_of_office_is_an_event_and_changes_nothing_else(desk_with_ticket, sopdash, monkeypatch):
    store, our_id = desk_with_ticket
    before = TicketStore(store).get(1)
    result = pipe(sopdash, monkeypatch, corpus("out_of_office.eml", our_id))
    assert result.out.startswith("out-of-office #1: kept as an event")
    after = TicketStore(store).get(1)
    assert after.timeline[-1].text == "out-of-office reply from Ann Example: Automatic reply: Re: Printer jams [#1]"
    assert (after.status, after.acknowledged_at, after.timeline[:-1]) == (before.status, before.acknowledged_at, before.timeline)
    assert len(TicketStore(store).live()) == 1


def test_bounce_marks_the_acknowledgement_failed(desk_with_ticket, sopdash, monkeypatch):
    store, our_id = desk_with_ticket
    result = pipe(sopdash, monkeypatch, corpus("bounce_dsn.eml", our_id))
    assert result.code == 0 and result.out.startswith("bounce #1:")
    (delivery,) = [e.delivery for e in TicketStore(store).get(1).timeline if e.delivery]
    assert delivery.state == "failed"
    assert delivery.last_error == (
        "bounced by ann@example.com: 5.1.1 550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown"
    )
    assert len(TicketStore(store).live()) == 1


def test_mailing_list_post_is_ticketed_like_any_mail(desk_with_ticket, sopdash, monkeypatch):
    """RFC 3834 §2: List-Id and Precedence: list say how the mail travelled, not that no person wrote it."""
    store, _ = desk_with_ticket
    result = pipe(sopdash, monkeypatch, corpus("mailing_list.eml"))
    assert (result.code, result.out.strip()) == (0, "ticket #2: new ticket from digest@lists.example.org")
    assert TicketStore(store).get(2).subject == "[sec-digest] Patch Tuesday roundup"


def test_attachments_are_kept_with_safe_names_and_the_oversized_left_out(desk_with_ticket, sopdash, monkeypatch):
    store, _ = desk_with_ticket
    config = Path(store).with_name("config.toml")
    config.write_text(config.read_text() + "max_message_mb = 0.02\n")  # about 20 KB
    assert pipe(sopdash, monkeypatch, corpus("attachments.eml")).out.startswith("ticket #2")
    created = TicketStore(store).get(2).timeline[0]
    pdf, dump = created.inbound.attachments
    assert (pdf.name, pdf.size) == ("error_log_.pdf", 2016)
    assert KeptFiles(store).path(pdf.path).read_bytes().startswith(b"%PDF-1.4")
    assert (dump.name, dump.size, dump.path) == ("memory.dmp", 30000, "")
    assert created.inbound.left_out == "1 attachment(s) over the 0.02 MB limit left out"
    shown = sopdash("ticket", "show", "2").out
    assert "memory.dmp" in shown and "left out" in shown


def test_something_that_is_not_mail_is_rejected_and_kept(desk_with_ticket, sopdash, monkeypatch):
    store, _ = desk_with_ticket
    result = pipe(sopdash, monkeypatch, corpus("not_a_message.eml"))
    assert result.code == 65 and "rejected: cannot be parsed" in result.err
    (kept,) = (KeptFiles(store).root / "rejected").iterdir()
    assert kept.read_bytes() == corpus("not_a_message.eml")


def test_pasted_screenshot_and_winmail_files_become_the_tickets_attachments(desk_with_ticket, sopdash, monkeypatch):
    store, _ = desk_with_ticket
    assert pipe(sopdash, monkeypatch, corpus("thunderbird_pasted_screenshot.eml")).out.startswith("ticket #2")
    assert pipe(sopdash, monkeypatch, corpus("outlook_winmail_dat.eml")).out.startswith("ticket #3")
    (shot,) = TicketStore(store).get(2).timeline[0].inbound.attachments
    assert KeptFiles(store).path(shot.path).read_bytes().startswith(b"\x89PNG")
    authors, readme = TicketStore(store).get(3).timeline[0].inbound.attachments
    assert (authors.name, readme.name, readme.size) == ("AUTHORS", "README", 893)
    assert "aBcDeFgH1234.png" in sopdash("ticket", "show", "2").out


def test_a_scan_with_no_text_opens_a_ticket_that_names_its_file(desk_with_ticket, sopdash, monkeypatch):
    store, _ = desk_with_ticket
    assert pipe(sopdash, monkeypatch, corpus("scanner_only_attachment.eml")).out.startswith("ticket #2")
    ticket = TicketStore(store).get(2)
    assert ticket.body == "[sopdash: the message has no text, only 1 attachment(s): Scan_20261126_101502.pdf]"
    assert [a.name for a in ticket.timeline[0].inbound.attachments] == ["Scan_20261126_101502.pdf"]


def test_apple_and_outlook_forwards_keep_what_was_forwarded(desk_with_ticket, sopdash, monkeypatch):
    store, _ = desk_with_ticket
    assert pipe(sopdash, monkeypatch, corpus("apple_forward.eml")).out.startswith("ticket #2")
    assert pipe(sopdash, monkeypatch, corpus("outlook_forward.eml")).out.startswith("ticket #3")
    apple, outlook = TicketStore(store).get(2), TicketStore(store).get(3)
    assert "> From: IT Service Desk <it-desk@secure-login.example.net>" in apple.body
    assert "http://secure-login.example.net/keep" in apple.body
    assert not apple.timeline[0].inbound.quoted_folded
    assert outlook.body.endswith("Open the attached statement to avoid fees.")


def test_html_behind_an_empty_text_part_is_the_ticket_body(desk_with_ticket, sopdash, monkeypatch):
    store, _ = desk_with_ticket
    assert pipe(sopdash, monkeypatch, corpus("empty_plain_real_html.eml")).out.startswith("ticket #2")
    assert "Teams says no camera was found" in TicketStore(store).get(2).body
