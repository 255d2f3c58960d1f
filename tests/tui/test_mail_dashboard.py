"""The dashboard with mail on: an acknowledgement goes out in a worker, and delivery states show where they matter."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import CONFIG, ME, NOW, new, settle, write_store
from mail_server import DESK

from sopdash.clock import fixed_clock
from sopdash.config import settings_from_document
from sopdash.core import delivery
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp


def mail_app(store_path: Path, port: int) -> SopdashApp:
    mail = {"address": DESK, "smtp_url": f"smtp://127.0.0.1:{port}", "starttls": False}
    settings = settings_from_document({**CONFIG, "mail": mail}, Path("config.toml"))
    desk = Desk(TicketStore(store_path), settings.policy, settings.roster, ME, fixed_clock(NOW), mail=settings.mail)
    return SopdashApp(desk, settings)


async def acknowledge(pilot, send: bool = True) -> None:
    """`a`, and with send, ctrl+s: the acknowledgement goes to the desk, its mail to the worker."""
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    if send:
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)  # the delivery worker starts once the action is done


async def test_acknowledge_says_where_the_mail_goes_and_sends_it(tmp_path, smtp_server):
    mailbox, port = smtp_server
    store = write_store(tmp_path / "tickets.json", [new(1, "Printer jams", "Ann Lee", 10, "high")])
    app = mail_app(store, port)
    async with app.run_test(size=(120, 40)) as pilot:
        await acknowledge(pilot, send=False)
        route = str(app.screen.query_one(".mail-route").render())
        assert route == f"✉ Goes by mail to ann@example.com via smtp://127.0.0.1:{port}."
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert [m["Subject"] for m in mailbox.messages] == ["Re: Printer jams [#1]"]
        assert "mail ✓ sent to ann@example.com" in app.dashboard.detail.plain_text()


async def test_failed_mail_is_counted_and_listed(tmp_path, smtp_server):
    mailbox, port = smtp_server
    mailbox.mode = "5xx"
    store = write_store(tmp_path / "tickets.json", [new(1, "Printer jams", "Ann Lee", 10, "high")])
    app = mail_app(store, port)
    async with app.run_test(size=(120, 40)) as pilot:
        await acknowledge(pilot)
        assert "✗ 1 mail failed" in str(app.query_one("#counts").render())
        lines = [app.dashboard.escalations.render_item(i, 80).plain for i in range(app.dashboard.escalations.line_count)]
        assert "CLIENT MAIL FAILED  1" in lines
        assert any(line.startswith("#1 ✗ 550 5.1.1 no such user here") for line in lines)
        assert "mail ✗ failed: 550 5.1.1 no such user here" in app.dashboard.detail.plain_text()
        ticket = TicketStore(store).get(1)
        assert delivery.failed_mail(ticket) is not None and ticket.mail_revision == 1
