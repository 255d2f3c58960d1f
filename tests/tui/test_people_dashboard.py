"""Issue 22 and issue 24 item 16 on the dashboard: `C` edits the Cc, which the detail pane shows literally; the
reply dialog opens on the desk's template; a canned reply lands on its own paragraph."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import CONFIG, ME, NOW, fixture_tickets, keys, settle, typed, write_store

from sopdash.clock import fixed_clock
from sopdash.config import settings_from_document
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp
from sopdash.tui.dialogs import TextDialog
from sopdash.tui.dialogs.cc_dialog import CcDialog

REPLIES = {"vpn": {"text": "Hello {name}, please reconnect the VPN."}}
TEMPLATES = {"reply": "Dear {requester_first_name},\n\n\n\nBest,\n{technician}\n{desk_name}"}


def app_on(path: Path) -> SopdashApp:
    settings = settings_from_document({**CONFIG, "replies": REPLIES, "templates": TEMPLATES}, Path("config.toml"))
    desk = Desk(TicketStore(path), settings.policy, settings.roster, ME, fixed_clock(NOW), templates=settings.templates)
    return SopdashApp(desk, settings)


async def test_cc_added_and_removed_from_the_keyboard_and_shown(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    async with app_on(path).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ticket_id = pilot.app.dashboard.current_id
        await keys(pilot, "C")
        assert isinstance(pilot.app.screen, CcDialog)
        await typed(pilot, "not-an-address")
        await keys(pilot, "enter")
        assert isinstance(pilot.app.screen, CcDialog)  # refused on the spot, the dialog stays
        await keys(pilot, *["backspace"] * len("not-an-address"))
        await typed(pilot, "Lead@Example.com")
        await keys(pilot, "enter")
        await settle(pilot)
        assert TicketStore(path).get(ticket_id).cc == ("lead@example.com",)
        assert "lead@example.com" in pilot.app.dashboard.detail.plain_text()
        await keys(pilot, "C")
        await typed(pilot, "-lead@example.com")
        await keys(pilot, "enter")
        await settle(pilot)
        assert TicketStore(path).get(ticket_id).cc == ()


async def test_reply_dialog_opens_on_the_desks_template_and_a_canned_reply_is_its_own_paragraph(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    async with app_on(path).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ticket = TicketStore(path).get(pilot.app.dashboard.current_id)
        await keys(pilot, "R")
        dialog = pilot.app.screen
        assert isinstance(dialog, TextDialog)
        first = ticket.requester.name.split()[0]
        assert dialog.text.startswith(f"Dear {first},\n") and "\nBest,\namara\n" in dialog.text
        await typed(pilot, "I will call you tomorrow.")
        await keys(pilot, "ctrl+r", "enter")
        assert f"I will call you tomorrow.\n\nHello {ticket.requester.name}, please reconnect the VPN.\n\n" in dialog.text
