"""`N` creates a ticket, `E` corrects one, and a canned reply fills a reply — from the keyboard alone."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import CONFIG, ME, NOW, fixture_tickets, keys, settle, typed, write_store

from sopdash.clock import fixed_clock
from sopdash.config import settings_from_document
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp
from sopdash.tui.dialogs import ResolveDialog, TextDialog
from sopdash.tui.dialogs.ticket_form_dialogs import EditTicketDialog, NewTicketDialog

REPLIES = {"vpn": {"text": "Hello {name}, please reconnect the VPN. Ticket #{id} ({subject}). {technician}"}}


def app_on(path: Path, **extra) -> SopdashApp:
    settings = settings_from_document({**CONFIG, "replies": REPLIES, **extra}, Path("config.toml"))
    return SopdashApp(Desk(TicketStore(path), settings.policy, settings.roster, ME, fixed_clock(NOW)), settings)


async def test_new_ticket_from_the_keyboard(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    async with app_on(path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "N")
        assert isinstance(pilot.app.screen, NewTicketDialog)
        await typed(pilot, "Scanner jams")
        await keys(pilot, "enter")
        await typed(pilot, "dana")  # completes to a known requester
        await keys(pilot, "right", "enter")
        await typed(pilot, "high")
        await keys(pilot, "enter")
        await typed(pilot, "Hardware")
        await keys(pilot, "enter")
        await typed(pilot, "It jams on every page.")
        await keys(pilot, "ctrl+s")
        created = TicketStore(path).get(11)
        assert (created.subject, created.priority, created.triaged, created.category) == ("Scanner jams", "high", True, "Hardware")
        assert (created.requester.name, created.requester.email, created.requester.phone) == (
            "Dana Smith", "dana@example.com", "+1 212 555 0100")
        assert created.body == "It jams on every page."
        assert pilot.app.dashboard.current_id == 11


async def test_new_ticket_refusal_stays_in_the_form(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    async with app_on(path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "N", "enter")
        await typed(pilot, "someone@example.com")
        await keys(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, NewTicketDialog)
        assert "subject must not be empty" in str(pilot.app.screen.query_one(".error").render())
        assert len(TicketStore(path).live()) == 10


async def test_edit_ticket_from_the_keyboard_audits_each_change(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    async with app_on(path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ticket_id = pilot.app.dashboard.current_id
        before = TicketStore(path).get(ticket_id)
        await keys(pilot, "E")
        assert isinstance(pilot.app.screen, EditTicketDialog)
        await keys(pilot, "end", *["backspace"] * len(before.subject))
        await typed(pilot, "Mail down office-wide")
        await keys(pilot, "enter")
        await typed(pilot, "Email")
        await keys(pilot, "ctrl+s")
        after = TicketStore(path).get(ticket_id)
        assert (after.subject, after.category) == ("Mail down office-wide", "Email")
        assert [e.text for e in after.timeline[-2:]] == ["subject changed", "category changed"]


async def test_canned_reply_inside_the_reply_dialog(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    async with app_on(path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ticket = TicketStore(path).get(pilot.app.dashboard.current_id)
        await keys(pilot, "R", "ctrl+r", "enter")
        await keys(pilot, "ctrl+s")
        sent = TicketStore(path).get(ticket.id).timeline[-1]
        assert (sent.kind, sent.author) == ("public", ME)
        assert sent.text == f"Hello {ticket.requester.name}, please reconnect the VPN. Ticket #{ticket.id} ({ticket.subject}). amara"


async def test_canned_reply_from_the_palette_and_inside_resolve(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    async with app_on(path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app = pilot.app
        ticket = TicketStore(path).get(app.dashboard.current_id)
        (title, _, run), = [action for action in app.dashboard.palette_actions() if action[0].startswith("Canned reply")]
        assert title == "Canned reply: vpn"
        run()
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        assert app.screen.text.startswith(f"Hello {ticket.requester.name}, please reconnect the VPN")
        await keys(pilot, "escape", "y")
        await keys(pilot, "v", "ctrl+r", "enter")
        assert isinstance(app.screen, ResolveDialog)
        assert app.screen.summary.startswith(f"Hello {ticket.requester.name}")


async def test_notes_take_no_canned_reply(tmp_path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    async with app_on(path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "n", "ctrl+r")
        assert isinstance(pilot.app.screen, TextDialog) and pilot.app.screen.text == ""
