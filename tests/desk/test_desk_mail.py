"""The desk's mail services: a new ticket's address checked at the desk (both faces), and what the desk says
became of the mail an action wrote to the client — "sent" only when a mail was queued for them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from mail_server import DESK

from sopdash.clock import fixed_clock
from sopdash.config import settings_from_document
from sopdash.core.errors import InputError
from sopdash.core.model import Requester
from sopdash.desk import Desk
from sopdash.mail.settings import MailSettings
from sopdash.store.ticket_store import TicketStore

NOW = datetime.fromisoformat("2026-11-25T09:00:00+00:00")


def desk_on(path: Path, mail: MailSettings | None = None) -> Desk:
    settings = settings_from_document({"calendar": {"timezone": "UTC"}}, Path("config.toml"))
    store = TicketStore(path, create=True)
    return Desk(store, settings.policy, settings.roster, "amara", fixed_clock(NOW), mail=mail)


def test_the_desk_refuses_a_new_ticket_for_an_address_no_mail_can_carry(tmp_path):
    desk = desk_on(tmp_path / "t.json")
    with pytest.raises(InputError, match=r"^requester: 'a@@b.example' is not an e-mail address \(the part after"):
        desk.create("Printer jams", Requester("Ann", "a@@b.example"))
    assert desk.tickets() == []
    assert desk.create("Printer jams", Requester("Ann", " ann@example.com ")).requester.email == "ann@example.com"
    with pytest.raises(InputError, match=r"^e-mail: '\[@b.example' is not an e-mail address"):
        desk.edit(1, email="[@b.example")


def test_with_mail_off_the_desk_says_the_client_was_not_told(tmp_path):
    desk = desk_on(tmp_path / "t.json")
    ticket = desk.reply(desk.create("Printer jams", Requester("Ann", "ann@example.com")).id, "On it.")
    outcome = desk.mail_after(ticket)
    assert not outcome.told and outcome.words() == "recorded — mail is off: the client was not told"
    with pytest.raises(InputError, match="mail is off: add a \\[mail\\] table"):
        desk.deliver_mail()


def test_the_desk_says_sent_only_once_a_mail_was_queued(tmp_path, smtp_server):
    mailbox, port = smtp_server
    mail = MailSettings(address=DESK, smtp_url=f"smtp://127.0.0.1:{port}", starttls=False)
    desk = desk_on(tmp_path / "t.json", mail)
    ticket_id = desk.create("Printer jams", Requester("Ann", "ann@example.com")).id
    queued = desk.mail_after(desk.reply(ticket_id, "On it."), try_now=False)
    assert queued.told and queued.words() == "mail to ann@example.com queued"
    assert mailbox.messages == []  # the dashboard's words come before its worker sends
    sent = desk.mail_after(desk.reply(ticket_id, "Fixed?"))
    assert sent.told and sent.words() == "mail sent to ann@example.com"
    mailbox.mode = "5xx"
    refused = desk.mail_after(desk.reply(ticket_id, "Hello?"))
    assert not refused.told and refused.words() == "mail to ann@example.com failed (550 5.1.1 no such user here)"
