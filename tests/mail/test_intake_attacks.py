"""Mail that must not write into someone else's ticket, and mail built to break intake (issue 18).

Ticket #1 is Ann's, acknowledged by mail, so the real Message-ID of our acknowledgement is known; Mallory is a
stranger who knows the ticket's number, Ann's name and the shape of our Message-IDs.
"""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

from datetime import timezone

import pytest

from sopdash.core.clocks import ticket_clocks
from sopdash.core.detail import plain_lines, ticket_detail
from sopdash.core.policy import SlaPolicy
from sopdash.store.ticket_store import TicketStore
from sopdash.store.kept_files import KeptFiles
from sopdash.store.opening import open_store

MALLORY = "mallory@evil.example"


def acknowledged(location: str, sopdash) -> str:
    """Ticket #1 from Ann, acknowledged by mail: the acknowledgement's Message-ID."""
    sopdash("ticket", "new", "--subject", "Printer jams", "--requester", "ann@example.com", "--name", "Ann Example")
    assert "mail sent" in sopdash("ticket", "ack", "1").out
    (sent,) = [e.delivery.message_id for e in open_store(location).get(1).timeline if e.delivery]
    return sent


@pytest.fixture
def ann_ticket(mail_env, sopdash):
    """(store path, our Message-ID) of ticket #1 on a store file."""
    return mail_env, acknowledged(str(mail_env), sopdash)


@pytest.fixture
def ann_anywhere(mail_store, sopdash):
    """(store location, our Message-ID) of ticket #1 on a store file and on PostgreSQL."""
    return mail_store, acknowledged(mail_store, sopdash)


def message(sender: str, subject: str, message_id: str, extra: str = "", body: str = "Please send the new password.",
            content_type: str = "text/plain; charset=utf-8") -> bytes:
    return (
        f"From: {sender}\nTo: help@desk.example.org\nSubject: {subject}\nMessage-ID: {message_id}\n"
        f"Date: Wed, 25 Nov 2026 08:59:00 +0000\n{extra}Content-Type: {content_type}\n\n{body}\n"
    ).encode()


def pipe(sopdash, monkeypatch, raw: bytes):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    return sopdash("mail", "receive")


def forged_id(real: str) -> str:
    """Our Message-ID for ticket #1 with the random token guessed (wrong)."""
    forged = re.sub(r"\.[0-9a-f]+@", ".0000000000000000@", real)
    assert forged != real
    return forged


def stranger_ticket(location) -> None:
    """Ticket #1 untouched but for the acknowledgement; #2 is the stranger's, saying which ticket it named."""
    first = open_store(str(location)).get(1)
    assert [e.kind for e in first.timeline].count("client") == 0
    second = open_store(str(location)).get(2)
    assert second.requester.email == MALLORY
    assert second.timeline[0].text == (
        f"ticket created from mail by {MALLORY}; names #1 but came from {MALLORY}, who is not on #1"
    )


def test_a_forged_in_reply_to_with_a_guessed_token_opens_a_new_ticket(ann_anywhere, sopdash, monkeypatch):
    store, our_id = ann_anywhere
    raw = message(f"Ann Example <{MALLORY}>", "Re: Printer jams", "<f1@evil.example>", f"In-Reply-To: {forged_id(our_id)}\n")
    result = pipe(sopdash, monkeypatch, raw)
    assert (result.code, result.out.strip()) == (0, f"ticket #2: new ticket from {MALLORY}, names #1 but is not on it")
    stranger_ticket(store)


def test_the_subject_tag_from_a_stranger_opens_a_new_ticket(ann_ticket, sopdash, monkeypatch):
    store, _ = ann_ticket
    result = pipe(sopdash, monkeypatch, message(f"Mallory <{MALLORY}>", "Re: Printer jams [#1]", "<f2@evil.example>"))
    assert result.out.startswith("ticket #2:")
    stranger_ticket(store)


def test_a_copied_display_name_opens_a_new_ticket_that_shows_the_address(ann_ticket, sopdash, monkeypatch):
    store, _ = ann_ticket
    pipe(sopdash, monkeypatch, message(f"Ann Example <{MALLORY}>", "Re: Printer jams [#1]", "<f3@evil.example>"))
    stranger_ticket(store)
    shown = sopdash("ticket", "show", "2").out
    assert f"Ann Example <{MALLORY}>" in shown and "names #1 but came from" in shown


def test_a_stranger_can_neither_end_waiting_nor_reopen(ann_anywhere, sopdash, monkeypatch):
    store, our_id = ann_anywhere
    sopdash("ticket", "wait", "1")
    pipe(sopdash, monkeypatch, message(MALLORY, "Re: [#1]", "<w1@evil.example>", f"In-Reply-To: {forged_id(our_id)}\n"))
    assert open_store(store).get(1).status == "waiting"
    sopdash("ticket", "wait", "1", "--off")
    sopdash("ticket", "resolve", "1", "--summary", "Cleared the paper path.")
    pipe(sopdash, monkeypatch, message(MALLORY, "Re: [#1]", "<w2@evil.example>"))
    assert open_store(store).get(1).status == "resolved"
    assert len(open_store(store).live()) == 3


def test_the_requesters_own_reply_still_threads_and_ends_waiting(ann_ticket, sopdash, monkeypatch):
    store, _ = ann_ticket
    sopdash("ticket", "wait", "1")
    result = pipe(sopdash, monkeypatch, message("Ann <ANN@example.com>", "Re: Printer jams [#1]", "<a1@example.com>",
                                                body="It works now."))
    assert result.out.startswith("reply #1: from ann@example.com appended (waiting before)")
    ticket = TicketStore(store).get(1)
    assert ticket.status == "open" and ticket.timeline[-2].inbound.sender == "ann@example.com"


def test_our_real_message_id_threads_whoever_answers_and_the_entry_shows_who(ann_anywhere, sopdash, monkeypatch):
    """A colleague Ann forwarded our mail to answers it: the token proves they saw it; the address says who they are."""
    store, our_id = ann_anywhere
    raw = message("Ann Example <bob@example.net>", "Re: Printer jams", "<b1@example.net>", f"In-Reply-To: {our_id}\n",
                  body="I am Ann's colleague; the printer is on floor 2.")
    assert pipe(sopdash, monkeypatch, raw).out.startswith("reply #1: from bob@example.net appended")
    shown = sopdash("ticket", "show", "1").out
    assert "CLIENT    Ann Example <bob@example.net>: I am Ann's colleague" in shown
    ticket = open_store(store).get(1)
    now = ticket.timeline[-1].at
    private = plain_lines(ticket_detail(ticket, ticket_clocks(ticket, SlaPolicy.from_config({}), now), now, timezone.utc, True))
    assert "not the requester <b***@e***.net>: " in private and "bob@example.net" not in private


def test_a_trusted_domain_may_thread_by_the_tag(ann_ticket, sopdash, monkeypatch):
    store, _ = ann_ticket
    config = Path(store).with_name("config.toml")
    config.write_text(config.read_text() + 'trusted_domains = ["Example.NET"]\n')
    result = pipe(sopdash, monkeypatch, message("Bob <bob@example.net>", "Re: [#1]", "<t1@example.net>"))
    assert result.out.startswith("reply #1: from bob@example.net appended")
    assert pipe(sopdash, monkeypatch, message(MALLORY, "Re: [#1]", "<t2@evil.example>")).out.startswith("ticket #2")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('trusted_domains = "example.org"', "is not a list of strings"),
        ('trusted_domains = ["*.example.org"]', "is not a domain like example.org"),
        ('trusted_domains = ["ann@example.org"]', "is not a domain like example.org"),
        ("max_replies_per_ticket_hour = 0.5", "is not a whole number"),
        ("max_new_tickets_per_sender_hour = inf", "is not a whole number"),
        ("max_new_tickets_per_sender_hour = nan", "is not a whole number"),
        ("max_message_mb = inf", "is not a positive number"),
        ("max_message_mb = nan", "is not a positive number"),
        ("max_message_mb = 1e308", "is not a positive number"),
    ],
)
def test_intake_settings_are_checked(mail_env, sopdash, line, problem):
    config = Path(mail_env).with_name("config.toml")
    config.write_text(config.read_text() + line + "\n")
    result = sopdash("check")
    assert result.code == 2 and problem in result.out + result.err


def test_a_bounce_for_a_message_we_did_not_send_changes_nothing(ann_ticket, sopdash, monkeypatch):
    store, our_id = ann_ticket
    corpus = (Path(__file__).parent / "corpus" / "bounce_dsn.eml").read_bytes()
    result = pipe(sopdash, monkeypatch, corpus.replace(b"@@OUR_ID@@", forged_id(our_id).encode()))
    assert result.out.startswith("dropped: a bounce for")
    (delivery,) = [e.delivery for e in TicketStore(store).get(1).timeline if e.delivery]
    assert delivery.state == "sent"


def test_the_same_out_of_office_twenty_times_is_one_event(ann_ticket, sopdash, monkeypatch):
    store, our_id = ann_ticket
    for number in range(20):
        raw = message("Ann Example <ann@example.com>", "Automatic reply: Re: Printer jams [#1]", f"<ooo{number}@x>",
                      f"In-Reply-To: {our_id}\nAuto-Submitted: auto-replied\n", body="I am out of the office.")
        assert pipe(sopdash, monkeypatch, raw).code == 0
    events = [e.text for e in TicketStore(store).get(1).timeline if e.text.startswith("out-of-office")]
    assert events == ["out-of-office reply from Ann Example: Automatic reply: Re: Printer jams [#1]"]
    sopdash("ticket", "note", "1", "Hello Ann, we replaced the roller. Thanks", "--public")
    pipe(sopdash, monkeypatch, message("Ann Example <ann@example.com>", "Automatic reply: Re: Printer jams [#1]", "<ooo-again@x>",
                                       f"In-Reply-To: {our_id}\nAuto-Submitted: auto-replied\n"))
    assert sum(e.text.startswith("out-of-office") for e in TicketStore(store).get(1).timeline) == 2


def test_an_out_of_office_from_a_stranger_is_not_noted_on_the_ticket(ann_ticket, sopdash, monkeypatch):
    store, _ = ann_ticket
    raw = message(MALLORY, "Automatic reply: Re: Printer jams [#1]", "<ooo@evil.example>", "Auto-Submitted: auto-replied\n")
    result = pipe(sopdash, monkeypatch, raw)
    assert result.out.strip() == f"dropped #1: Auto-Submitted: auto-replied; names #1 but came from {MALLORY}, who is not on #1"
    assert not any(e.text.startswith("out-of-office") for e in TicketStore(store).get(1).timeline)


def test_replies_to_one_ticket_past_the_flood_limit_are_held_and_said(ann_ticket, sopdash, monkeypatch):
    store, _ = ann_ticket
    config = Path(store).with_name("config.toml")
    config.write_text(config.read_text() + "max_replies_per_ticket_hour = 3\n")
    results = [pipe(sopdash, monkeypatch, message("ann@example.com", "Re: [#1]", f"<r{n}@example.com>")).out for n in range(5)]
    assert [line.split(":")[0] for line in results] == ["reply #1"] * 3 + ["held #1"] * 2
    assert results[3].strip() == "held #1: flood: #1 had 3 messages by mail in the last hour"
    ticket = TicketStore(store).get(1)
    assert [e.kind for e in ticket.timeline].count("client") == 3
    assert [e.text for e in ticket.timeline if "held" in e.text] == [
        "more than 3 messages by mail in an hour: the rest are held (see `sopdash mail log`)"
    ]
    held = sorted((KeptFiles(store).root / "held").iterdir())
    assert len(held) == 2 and b"<r4@example.com>" in b"".join(p.read_bytes() for p in held)
    assert sopdash("mail", "log").out.count("held") == 2


def deep_multipart(depth: int) -> bytes:
    body = "Content-Type: text/plain\n\nhello from the bottom\n"
    for level in range(depth, 0, -1):
        body = f'Content-Type: multipart/mixed; boundary="b{level}"\n\n--b{level}\n{body}\n--b{level}--\n'
    return f"From: Deep <deep@example.com>\nTo: help@desk.example.org\nSubject: Deep\nMessage-ID: <deep@example.com>\n{body}".encode()


def test_a_message_nested_two_thousand_deep_is_a_ticket_saying_so(mail_env, sopdash, monkeypatch):
    raw = deep_multipart(2000)
    result = pipe(sopdash, monkeypatch, raw)
    assert (result.code, result.out.strip()) == (0, "ticket #1: new ticket from deep@example.com")
    created = TicketStore(mail_env).get(1).timeline[0]
    assert created.inbound.left_out == "its parts are nested 2000 levels deep, more than the 32 sopdash reads: none was read"
    assert KeptFiles(mail_env).path(created.inbound.eml).read_bytes() == raw
    assert "the whole message is kept as mail/" in sopdash("ticket", "show", "1").out


def test_an_ordinarily_nested_message_is_read_whole(mail_env, sopdash, monkeypatch):
    assert pipe(sopdash, monkeypatch, deep_multipart(8)).code == 0
    ticket = TicketStore(mail_env).get(1)
    assert ticket.body == "hello from the bottom" and ticket.timeline[0].inbound.left_out == ""


def test_a_maildir_is_never_blocked_by_one_message(mail_env, sopdash, tmp_path):
    maildir = tmp_path / "Maildir"
    for folder in ("new", "cur", "tmp"):
        (maildir / folder).mkdir(parents=True)
    (maildir / "new" / "1.deep").write_bytes(deep_multipart(2000))
    os.mkfifo(maildir / "new" / "2.fifo")  # planted: must not hang the fetch
    (maildir / "new" / "3.link").symlink_to(maildir / "new" / "1.deep")
    (maildir / "new" / "4.mail").write_bytes(message("Bob <bob@example.com>", "Scanner", "<s@example.com>"))
    result = sopdash("mail", "fetch", "--maildir", str(maildir))
    assert result.code == 1
    assert result.out.splitlines() == [
        "1.deep: ticket #1: new ticket from deep@example.com",
        "4.mail: ticket #2: new ticket from bob@example.com",
        f"2 message(s) handled from {maildir}, 2 left in new/",
    ]
    assert "2.fifo: failed: cannot read" in result.err and "not a plain file" in result.err
    assert "3.link: failed: cannot read" in result.err
    assert sorted(p.name for p in (maildir / "new").iterdir()) == ["2.fifo", "3.link"]


def test_giant_subject_name_and_text_are_cut_with_the_original_kept(mail_env, sopdash, monkeypatch):
    subject, name, text = "S" * 1_048_576, "N" * 1_048_576, "word " * 400_000
    raw = message(f'"{name}" <big@example.com>', subject, "<big@example.com>", body=text)
    assert pipe(sopdash, monkeypatch, raw).code == 0
    ticket = TicketStore(mail_env).get(1)
    assert len(ticket.subject) == 1_000 and len(ticket.requester.name) == 200 and len(ticket.body) <= 1_000_000
    inbound = ticket.timeline[0].inbound
    assert inbound.left_out == (  # header fields are cut to 16 KB before parsing (sopdash/mail/bounds.py), then to the limits
        "the subject was 16,374 characters, cut to 1,000; the sender's name was 8,182 characters, cut to 200; "
        "the text was 2,000,001 characters, cut to 1,000,000; "  # with the newline that ends the body
        "header From, Subject over 16,384 bytes: cut"
    )
    assert KeptFiles(mail_env).path(inbound.eml).read_bytes() == raw
    (record,) = KeptFiles(mail_env).read_log(1)
    assert len(record["subject"]) <= 1_000


def test_bidi_and_control_characters_leave_attachment_names(mail_env, sopdash, monkeypatch):
    boundary = "part"
    body = (
        f"--{boundary}\nContent-Type: text/plain\n\nSee the invoice.\n"
        f"--{boundary}\nContent-Type: application/octet-stream\n"
        "Content-Disposition: attachment; filename*=utf-8''invoice%E2%80%AEfdp.exe\n\nMZ\n"
        f"--{boundary}\nContent-Type: application/octet-stream\n"
        "Content-Disposition: attachment; filename*=utf-8''re%E2%80%8Bport%07.txt\n\nhi\n"
        f"--{boundary}--\n"
    )
    raw = message("Eve <eve@example.com>", "Invoice", "<inv@example.com>", body=body,
                  content_type=f'multipart/mixed; boundary="{boundary}"')
    assert pipe(sopdash, monkeypatch, raw).code == 0
    names = [a.name for a in TicketStore(mail_env).get(1).timeline[0].inbound.attachments]
    assert names == ["invoicefdp.exe", "report.txt"]
