"""The dashboard says a client was sent something only when a mail was queued for them (issue 20): with mail
off, the demo included, an acknowledgement, a reply and a resolution say they were only recorded."""

from __future__ import annotations

from pathlib import Path

import msgspec

from dashboard_fixtures import CONFIG, ME, NOW, keys, make_app, new, settle, typed, write_store
from mail_server import DESK

from sopdash.clock import fixed_clock
from sopdash.config import settings_from_document
from sopdash.core.detail import MAIL_OFF
from sopdash.core.model import Inbound
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp
from sopdash.tui.dialogs.ticket_form_dialogs import NewTicketDialog

NOT_TOLD = "recorded — mail is off: the client was not told"


def mail_app(store_path: Path, port: int) -> SopdashApp:
    mail = {"address": DESK, "smtp_url": f"smtp://127.0.0.1:{port}", "starttls": False}
    settings = settings_from_document({**CONFIG, "mail": mail}, Path("config.toml"))
    desk = Desk(TicketStore(store_path), settings.policy, settings.roster, ME, fixed_clock(NOW), mail=settings.mail)
    return SopdashApp(desk, settings)


def said(app: SopdashApp) -> list[str]:
    """Every message the app shows from now on (a toast leaves the screen after a while; this list keeps it)."""
    messages: list[str] = []
    shown = app.notify

    def notify(message, *args, **options):
        messages.append(str(message))
        return shown(message, *args, **options)

    app.notify = notify
    return messages


async def reply(pilot, text: str, *first: str) -> None:
    """`R` (after the keys in `first`), the text, ctrl+s."""
    await keys(pilot, *first, "R")
    await typed(pilot, text)
    await keys(pilot, "ctrl+s")


async def test_with_mail_off_nothing_is_said_to_be_sent(tmp_path):
    path = write_store(tmp_path / "t.json", [new(1, "Printer jams", "Ann Lee", 10, "high")])
    app = make_app(path)
    messages = said(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "a", "ctrl+s")
        await reply(pilot, "Trying a new driver.")
        await keys(pilot, "v")
        await typed(pilot, "Reinstalled the driver")
        await keys(pilot, "ctrl+s")
    assert f"#1 acknowledged; {NOT_TOLD}." in messages
    assert f"Reply on #1 {NOT_TOLD}." in messages
    assert f"#1 resolved; {NOT_TOLD}." in messages
    assert not any("sent" in message or "notified" in message for message in messages)


async def test_with_mail_on_a_reply_is_sent_and_a_missing_address_is_said(tmp_path, smtp_server):
    mailbox, port = smtp_server
    path = write_store(tmp_path / "t.json", [new(1, "Printer jams", "Ann Lee", 10, "high"),
                                             new(2, "VPN drops", "Bo Client", 20, "high", email="")])
    app = mail_app(path, port)
    messages = said(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for ticket_id in (1, 2):
            app.dashboard.goto_ticket(ticket_id)
            await reply(pilot, "On it.")
    assert "Reply sent on #1." in messages
    assert "Reply on #2 recorded — mail not sent: the requester has no e-mail address." in messages
    assert [m["To"] for m in mailbox.messages] == ["Ann Lee <ann@example.com>"]


async def test_a_new_ticket_for_an_address_no_mail_can_carry_stays_in_the_form(tmp_path):
    path = write_store(tmp_path / "t.json", [new(1, "Printer jams", "Ann Lee", 10, "high")])
    async with make_app(path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "N")
        await typed(pilot, "Scanner jams")
        await keys(pilot, "enter")
        await typed(pilot, "a@@b.example")
        await keys(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, NewTicketDialog)
        error = str(pilot.app.screen.query_one(".error").render())
        assert "'a@@b.example' is not an e-mail address (the part after the @-sign" in error
        assert len(TicketStore(path).live()) == 1


async def test_in_privacy_mode_an_old_bad_address_is_masked_in_what_is_said(tmp_path, smtp_server):
    mailbox, port = smtp_server
    path = write_store(tmp_path / "t.json", [new(1, "Printer jams", "Ann Lee", 10, "high", email="ann.lee@@corp.example")])
    app = mail_app(path, port)
    messages = said(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await reply(pilot, "On it.", "x")
    (words,) = [m for m in messages if m.startswith("Reply on #1")]
    assert words.startswith("Reply on #1 recorded — mail not sent: ") and "is not an e-mail address" in words
    assert "ann.lee" not in words and mailbox.messages == []


async def test_with_mail_off_a_ticket_that_came_by_mail_says_the_client_is_not_told(tmp_path):
    by_mail = new(1, "Printer jams", "Ann Lee", 10, "high")
    came = msgspec.structs.replace(by_mail.timeline[0], inbound=Inbound("<p1@example.com>", sender="ann@example.com"))
    by_mail = by_mail.evolve(timeline=(came, *by_mail.timeline[1:]))
    path = write_store(tmp_path / "t.json", [by_mail, new(2, "Desk phone", "Bo Client", 20, "high")])
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, ":", "1", "enter")
        assert f"Mail      {MAIL_OFF}" in app.dashboard.detail.plain_text()
        await keys(pilot, ":", "2", "enter")
        assert MAIL_OFF not in app.dashboard.detail.plain_text()
