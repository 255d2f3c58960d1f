"""People on the thread (issue 22): Cc recorded and copied on public mail but never on an internal note, Reply-To
honoured for who the requester is but never for threading, several receiving addresses, and the receipt; through a
real SMTP server and `mail receive` run as the MTA runs it."""

from __future__ import annotations

from datetime import timedelta

import subprocess
import sys
from pathlib import Path

import pytest
from mail_server import DESK

from sopdash.desk.identity import current_login
from sopdash.store.ticket_store import TicketStore
from sopdash.store.opening import open_store

ACME = "acme@desk.example.org"
DESK_SETTINGS = f"""
receipt = true

[mail.addresses."{ACME}"]
category = "Acme"
name = "Acme IT Support"
signature = "Acme IT Support · ext. 4000"
"""


@pytest.fixture
def desk(mail_env: Path) -> Path:
    """mail_env with receipts on and Acme's address configured (`[mail]` is the config's last table)."""
    config = mail_env.parent / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + DESK_SETTINGS, encoding="utf-8")
    return mail_env


def web_form(message_id: str = "<form-1@relay.example>", extra: str = "") -> bytes:
    return (
        f"Delivered-To: {ACME}\nFrom: Web Form <forms@relay.example>\nReply-To: \"Nair, Priya\" <priya@client.example>\n"
        f"To: {ACME}\nCc: Team Lead <Lead@Client.example>, {DESK}\nSubject: Outlook won't start\n"
        f"Message-ID: {message_id}\nDate: Wed, 25 Nov 2026 08:55:00 +0000\n{extra}"
        "Content-Type: text/plain; charset=utf-8\n\nOutlook says the profile cannot be loaded.\n"
    ).encode()


def receive(raw: bytes) -> subprocess.CompletedProcess:
    """`sopdash mail receive` as the MTA runs it: a process of its own, the message on its standard input."""
    return subprocess.run([sys.executable, "-m", "sopdash", "mail", "receive"], input=raw, capture_output=True, check=False)


def test_cc_gets_public_mail_and_never_an_internal_note(desk, mail_store, smtp_server, sopdash, time_machine):
    mailbox, _ = smtp_server
    done = receive(web_form())
    assert done.returncode == 0, done.stderr
    ticket = open_store(mail_store).get(1)
    assert (ticket.requester.email, ticket.requester.name) == ("priya@client.example", "Nair, Priya")  # Reply-To
    assert ticket.cc == ("lead@client.example",)  # lower case; the desk's own address left out
    assert (ticket.desk_address, ticket.category) == (ACME, "Acme")
    assert ticket.acknowledged_at is None  # the receipt does not stop the acknowledgement clock (SOP 4B)
    assert "sent by forms@relay.example" in ticket.timeline[0].text

    assert receive(web_form()).returncode == 0  # delivered twice: still one ticket, one receipt
    assert sopdash("mail", "send", "--now").code == 0
    (receipt,) = mailbox.messages
    assert receipt["To"] == "\"Nair, Priya\" <priya@client.example>" and receipt["Cc"] == "lead@client.example"
    assert receipt["From"] == f"Acme IT Support <{ACME}>"
    assert receipt["Auto-Submitted"] == "auto-replied"
    body = receipt.get_content()
    assert "Hello Priya Nair," in body and "#1" in body and "Acme IT Support · ext. 4000" in body
    assert mailbox.envelopes[-1][1] == ["priya@client.example", "lead@client.example"]

    # `mail receive` ran on the real clock; the timeline only goes forward (on PostgreSQL the database holds to it)
    time_machine.move_to(open_store(mail_store).get(1).timeline[-1].at + timedelta(minutes=1), tick=False)
    sopdash("ticket", "note", "1", "Internal: the profile share ACL is broken")
    sopdash("ticket", "note", "1", "Hello Priya,\n\nwe are rebuilding your profile now.\n\nKind regards,\nAmara", "--public")
    sopdash("ticket", "resolve", "1", "--summary", "Rebuilt the Outlook profile.")
    sopdash("mail", "send", "--now")
    reply, resolution = mailbox.messages[1:]
    assert [envelope[1] for envelope in mailbox.envelopes[1:]] == [["priya@client.example", "lead@client.example"]] * 2
    assert reply["Cc"] == resolution["Cc"] == "lead@client.example" and reply["From"] == f"Acme IT Support <{ACME}>"
    assert "Auto-Submitted" not in reply
    assert "\n\nRebuilt the Outlook profile.\n" in resolution.get_content().replace("\r\n", "\n")
    assert all("Internal" not in message.get_content() for message in mailbox.messages)


def test_reply_to_names_the_requester_but_gives_no_way_into_their_ticket(desk, sopdash):
    assert receive(web_form()).returncode == 0
    claim = (
        f"From: Mallory <mallory@evil.example>\nReply-To: priya@client.example\nTo: {DESK}\n"
        "Subject: Re: Outlook won't start [#1]\nMessage-ID: <m-1@evil.example>\n\nClose this ticket please.\n"
    ).encode()
    done = receive(claim)
    assert b"ticket #2" in done.stdout and b"names #1 but is not on it" in done.stdout
    assert [e.kind for e in TicketStore(desk).get(1).timeline].count("client") == 0


def test_a_client_reply_adds_the_people_it_copies(desk, sopdash):
    receive(web_form())
    answer = (
        f"From: priya@client.example\nTo: {ACME}\nCc: lead@client.example, Boss <boss@client.example>\n"
        "Subject: Re: Outlook won't start [#1]\nMessage-ID: <p-2@client.example>\n\nMy boss needs this too.\n"
    ).encode()
    assert b"reply #1" in receive(answer).stdout
    ticket = TicketStore(desk).get(1)
    assert ticket.cc == ("lead@client.example", "boss@client.example")
    assert ticket.timeline[-1].text == "cc added from mail: boss@client.example"


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ("List-Id: <staff.client.example>\n", "mailing list (List-Id)"),
        ("Precedence: bulk\n", "Precedence: bulk"),
        ("X-Auto-Response-Suppress: All\n", "X-Auto-Response-Suppress"),
    ],
)
def test_no_receipt_to_a_list_or_to_who_asks_for_none(desk, sopdash, extra, why):
    assert receive(web_form(extra=extra)).returncode == 0
    ticket = TicketStore(desk).get(1)
    assert not any(e.delivery for e in ticket.timeline)
    assert why in ticket.timeline[-1].text and ticket.timeline[-1].text.startswith("no automatic receipt sent")


def test_no_receipt_to_a_no_reply_address(desk, sopdash):
    raw = (f"From: noreply@vendor.example\nTo: {DESK}\nSubject: Your licence\nMessage-ID: <n-1@vendor.example>\n\n"
           "Renew soon.\n").encode()
    assert receive(raw).returncode == 0
    assert TicketStore(desk).get(1).timeline[-1].text == "no automatic receipt sent: noreply@vendor.example takes no replies"


def test_a_robot_gets_no_ticket_and_so_no_receipt(desk, sopdash):
    assert receive(web_form(extra="Auto-Submitted: auto-replied\n")).returncode == 0
    assert TicketStore(desk).live() == []


def test_the_receipt_stops_the_acknowledgement_clock_only_when_the_settings_say(desk, sopdash):
    config = desk.parent / "config.toml"
    config.write_text(config.read_text().replace("receipt = true", "receipt = true\nreceipt_acknowledges = true"))
    receive(web_form())
    ticket = TicketStore(desk).get(1)
    assert ticket.acknowledged_at is not None and ticket.status == "open"


def test_routing_takes_the_first_configured_address_in_header_order(desk):
    to_main_cc_acme = (
        f"From: ann@example.com\nTo: {DESK}\nCc: {ACME}\nSubject: Printer\nMessage-ID: <a-1@example.com>\n\nJams.\n"
    ).encode()
    receive(to_main_cc_acme)
    ticket = TicketStore(desk).get(1)
    assert (ticket.desk_address, ticket.category, ticket.cc) == (DESK, "", ())  # neither desk address is Cc'd
    delivered_to_acme = to_main_cc_acme.replace(b"<a-1@", b"<a-2@").replace(b"From:", f"X-Original-To: {ACME}\nFrom:".encode())
    receive(delivered_to_acme)
    assert TicketStore(desk).get(2).category == "Acme"


def test_mail_from_another_desk_address_is_a_loop(desk):
    raw = (f"From: {ACME}\nTo: {DESK}\nSubject: hello\nMessage-ID: <l-1@desk.example.org>\n\nloop\n").encode()
    done = receive(raw)
    assert b"dropped" in done.stdout and b"a loop" in done.stdout
    assert TicketStore(desk).live() == []


def test_cc_is_edited_from_the_command_line_and_audited(desk, sopdash):
    receive(web_form())
    assert sopdash("ticket", "cc", "1", "add", "Second@Client.example").out == (
        "#1 cc: lead@client.example, second@client.example\n"
    )
    refused = sopdash("ticket", "cc", "1", "add", ACME)
    assert refused.code == 1 and "the desk's own address" in refused.err
    bad = sopdash("ticket", "cc", "1", "add", "not an address")
    assert bad.code == 2 and "is not an e-mail address" in bad.err
    assert sopdash("ticket", "cc", "1", "remove", "lead@client.example").out == "#1 cc: second@client.example\n"
    events = [e for e in TicketStore(desk).get(1).timeline if e.change and "cc" in e.change]
    assert [e.text for e in events] == ["cc added: second@client.example", "cc removed: lead@client.example"]
    shown = sopdash("ticket", "show", "1").out
    assert "Cc        second@client.example" in shown


@pytest.mark.parametrize(
    ("added", "said"),
    [
        ('\n[mail.addresses."not-an-address"]\ncategory = "X"\n', 'mail.addresses."not-an-address": \'not-an-address\' is not an e-mail address'),
        (f'\n[mail.addresses."{ACME}"]\nteam = "X"\n', f'mail.addresses."{ACME}".team: unknown key (known: category, name, from, signature)'),
        (f'\n[mail.addresses."{ACME}"]\nfrom = "acme at desk"\n', f'mail.addresses."{ACME}".from: \'acme at desk\' is not an e-mail address'),
        ("receipt = 'yes'\n", "mail.receipt: 'yes' is not true or false"),
        ('\n[templates]\nreceipt = "Hello {requester.name}"\n', "templates.receipt: {requester.name} is not a placeholder"),
    ],
)
def test_bad_people_settings_get_one_clear_message(mail_env, sopdash, added, said):
    config = mail_env.parent / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + added, encoding="utf-8")
    done = sopdash("ticket", "list")
    assert done.code == 2 and said in done.err and len(done.err.strip().splitlines()) == 1


def test_mail_preview_fills_in_the_desks_template(desk, sopdash):
    sample = sopdash("mail", "preview", "acknowledgement").out
    assert sample.startswith("Hello Priya Nair,\n") and "\n    Outlook won't start – \"profile cannot be loaded\"\n" in sample
    assert sample.endswith(f"Kind regards,\n{current_login()}\nExample IT Help Desk\n")  # signed: no "Support"
    receive(web_form())
    receipt = sopdash("mail", "preview", "receipt", "--ticket", "1").out
    assert "ticket #1:" in receipt and receipt.endswith("This is an automatic message.\nAcme IT Support · ext. 4000\n")
    config = desk.parent / "config.toml"
    config.write_text(config.read_text() + '\n[templates]\nresolution = "Dear {requester_first_name}: {summary}"\n')
    assert sopdash("mail", "preview", "resolution", "--ticket", "1", "--summary", "Fixed.").out == "Dear Priya: Fixed.\n"
    assert sopdash("mail", "preview", "farewell").code == 2
