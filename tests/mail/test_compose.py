"""The outgoing message: threading headers, the subject tag, and no header injection from ticket text."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from sopdash.core.delivery import queue_deliveries
from sopdash.core.model import Inbound, Requester, Ticket, TimelineEntry
from sopdash.core.errors import ConfigError
from sopdash.mail.compose import BadAddress, new_message_id, outgoing, reply_subject, ticket_of_message_id
from sopdash.mail.settings import MailSettings

AT = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)
SETTINGS = MailSettings(address="help@desk.example.org", name="Help Desk", smtp_url="smtp://127.0.0.1:2525")


def replied(ticket: Ticket, text: str = "We are on it.") -> tuple[Ticket, TimelineEntry]:
    after = ticket.evolve(timeline=ticket.timeline + (TimelineEntry(AT, "sam", "public", text),))
    queued = queue_deliveries(ticket, after, lambda i: new_message_id(i, SETTINGS.domain), AT)
    return queued, queued.timeline[-1]


def test_reply_threads_to_the_clients_latest_message():
    client = TimelineEntry(AT, "Ann", "client", "Still broken", inbound=Inbound("<c2@mail.example.com>"))
    older = TimelineEntry(AT.replace(hour=8), "Ann", "client", "Broken", inbound=Inbound("<c1@mail.example.com>"))
    ticket = Ticket(id=7, subject="Printer", created_at=AT, requester=Requester("Ann", "ann@example.com"), timeline=(older, client))
    ticket, entry = replied(ticket)
    message = outgoing(ticket, entry, SETTINGS)
    assert message["In-Reply-To"] == "<c2@mail.example.com>"
    assert message["References"].split() == ["<c1@mail.example.com>", "<c2@mail.example.com>"]
    assert ticket_of_message_id(message["Message-ID"], "desk.example.org") == 7
    assert ticket_of_message_id(message["Message-ID"], "elsewhere.example.com") is None


def test_ticket_text_cannot_inject_headers():
    evil = "Printer\r\nBcc: all@example.com\nX-Evil: 1 " + "long " * 100
    ticket = Ticket(id=3, subject=evil, created_at=AT, requester=Requester("Ann\r\nBcc: x@example.com", "ann@example.com"))
    ticket, entry = replied(ticket, "Line one\r\nBcc: not-a-header@example.com")
    raw = outgoing(ticket, entry, SETTINGS).as_bytes()
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in headers and b"\r\nX-Evil" not in headers
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert reply_subject(evil, 3, SETTINGS).endswith("… [#3]")


def test_subject_drops_earlier_prefixes_and_tags():
    tagged = MailSettings(address="help@desk.example.org", sendmail=("/usr/sbin/sendmail",), subject_tag="(Ticket {id})")
    assert reply_subject("RE: Fwd: VPN (Ticket 4)", 4, tagged) == "Re: VPN (Ticket 4)"
    assert reply_subject("Ünïcødé Drücker", 5, SETTINGS) == "Re: Ünïcødé Drücker [#5]"


def test_a_bad_requester_address_is_refused():
    ticket = Ticket(id=3, subject="x", created_at=AT, requester=Requester("Ann", "not an address"))
    ticket, entry = replied(ticket)
    with pytest.raises(BadAddress):
        outgoing(ticket, entry, SETTINGS)


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"address": "help@desk.example.org"}, "set either smtp_url"),
        ({"address": "nobody", "sendmail": "/usr/sbin/sendmail -t -i"}, "is not an e-mail address"),
        ({"address": "h@d.example.org", "smtp_url": "http://x"}, "is not smtp://host"),
        ({"address": "h@d.example.org", "smtp_url": "smtp://u:secret@x"}, "holds a password"),
        ({"address": "h@d.example.org", "sendmail": "sendmail", "password": "x"}, "mail.password: unknown key"),
        ({"address": "h@d.example.org", "sendmail": "sendmail", "subject_tag": "[#]"}, "must hold {id} once"),
        ({"address": "h@d.example.org", "sendmail": "sendmail", "max_message_mb": 0}, "not a positive number"),
    ],
)
def test_mail_config_is_strict(table, problem):
    with pytest.raises(ConfigError, match=problem.replace("(", r"\(").replace("{", r"\{").replace("}", r"\}")):
        MailSettings.from_config(table)


def test_mail_is_off_without_the_table():
    assert MailSettings.from_config({}) is None
    on = MailSettings.from_config({"address": "h@d.example.org", "sendmail": "/usr/sbin/sendmail -t -i"})
    assert on.sendmail == ("/usr/sbin/sendmail", "-t", "-i") and on.max_message_bytes == 10 * 1024 * 1024


def test_references_carry_the_thread_up_to_the_message_answered():
    first = TimelineEntry(AT.replace(hour=7), "Ann", "event", "ticket created", inbound=Inbound("<c1@mail.example.com>"))
    ticket = Ticket(id=7, subject="Printer", created_at=AT, requester=Requester("Ann", "ann@example.com"), timeline=(first,))
    ticket, ack = replied(ticket.evolve(timeline=(first,)), "Received.")
    answer = TimelineEntry(AT.replace(hour=10), "Ann", "client", "Still broken", inbound=Inbound("<c2@mail.example.com>"))
    ticket = ticket.evolve(timeline=ticket.timeline + (answer,))
    after = ticket.evolve(timeline=ticket.timeline + (TimelineEntry(AT.replace(hour=11), "sam", "public", "On it."),))
    ticket = queue_deliveries(ticket, after, lambda i: new_message_id(i, SETTINGS.domain), AT)
    message = outgoing(ticket, ticket.timeline[-1], SETTINGS)
    assert message["References"].split() == ["<c1@mail.example.com>", ack.delivery.message_id, "<c2@mail.example.com>"]
    assert message["In-Reply-To"] == "<c2@mail.example.com>"


def test_a_long_thread_keeps_its_first_and_latest_references():
    entries = tuple(TimelineEntry(AT.replace(hour=8, minute=n), "Ann", "client", f"#{n}", inbound=Inbound(f"<c{n}@example.com>"))
                    for n in range(30))
    ticket = Ticket(id=7, subject="Printer", created_at=AT, requester=Requester("Ann", "ann@example.com"), timeline=entries)
    ticket, entry = replied(ticket.evolve(timeline=entries + (TimelineEntry(AT.replace(hour=8, minute=30), "x", "client", "?",
                                                                                        inbound=Inbound("bad id")),)))
    assert outgoing(ticket, entry, SETTINGS)["References"].split() == ["<c0@example.com>"] + [
        f"<c{n}@example.com>" for n in range(21, 30)]


def test_the_subject_carries_one_tag_the_tickets_own():
    assert reply_subject("Re: Printer jams [#1]", 5, SETTINGS) == "Re: Printer jams [#5]"
    assert reply_subject("Re: [#1] Printer jams [#1] [#5]", 5, SETTINGS) == "Re: Printer jams [#5]"
