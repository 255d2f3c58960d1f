"""`H`, the shift's hand-over (SOP 2B, issue 27), from the keyboard: what happened since the last look, `a` records
the look, `n` leaves a note; and how it looks at 80x24."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Static

from sopdash.clock import fixed_clock
from sopdash.core import rules
from sopdash.core.inbound import client_message
from sopdash.core.model import Inbound
from sopdash.desk import Desk
from sopdash.desk.handover import HandoverBook
from sopdash.desk.identity import current_login
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp
from sopdash.tui.handover_screen import HandoverScreen
from dashboard_fixtures import NOW, fixture_settings, keys, minutes_ago, new, settle, until, write_store


def handed_tickets(login: str):
    """Two tickets of `login`'s and one new one, with what colleagues and a client did on them."""
    mine = rules.assign(new(1, "Printer jams", "Ann Lee", 300, "low"), "maria", minutes_ago(290), login)
    mine = rules.acknowledge(mine, login, minutes_ago(280), "Hello Ann, on it. Thanks")
    mine = client_message(mine, "Ann Lee", minutes_ago(120), "It jams again on tray 2", Inbound("<a@x>"))
    mine = rules.note(mine, "bo", minutes_ago(100), "Ordered a new roller")
    vpn = rules.acknowledge(new(2, "VPN drops", "Lee Wong", 240, "low"), "bo", minutes_ago(230), "Hi Lee. Thanks")
    vpn = rules.assign(vpn, "maria", minutes_ago(60), login)
    fresh = new(3, "Email down for the office", "Dana Smith", 20, None)
    return [mine, vpn, fresh]


def app_for(path: Path, login: str) -> SopdashApp:
    settings = fixture_settings()
    desk = Desk(TicketStore(path, clock=fixed_clock(NOW)), settings.policy, settings.roster, login, fixed_clock(NOW))
    return SopdashApp(desk, settings)


def shown(app) -> str:
    """The hand-over's lines ("" until the screen is composed)."""
    return "".join(str(lines.render()) for lines in app.screen.query("#handover-lines").results(Static))


async def test_h_shows_what_happened_and_a_records_the_look(tmp_path):
    me = current_login()
    path = write_store(tmp_path / "t.json", handed_tickets(me))
    app = app_for(path, me)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "H")
        assert isinstance(app.screen, HandoverScreen)
        await until(pilot, lambda: "Since you last looked" in shown(app))
        text = shown(app)
        for line in ("#1 client reply by Ann Lee: It jams again on tray 2", "#1 note by a colleague by bo: Ordered",
                     "#2 assigned to you by maria", "#3 new ticket by intake: Email down for the office"):
            assert line in text
        await keys(pilot, "a")
        await until(pilot, lambda: "acknowledged" in str(app.screen.query_one("#handover-status", Static).render()))
        await keys(pilot, "n")
        await pilot.press(*"Call Ann at 3pm", "enter")
        await until(pilot, lambda: "Note left" in str(app.screen.query_one("#handover-status", Static).render()))
        await keys(pilot, "escape")
        assert not isinstance(app.screen, HandoverScreen)
    record, problem = HandoverBook(app_for(path, me).dashboard.desk).record(me)
    assert problem == "" and record.last_look == NOW and [n.text for n in record.notes] == ["Call Ann at 3pm"]
    later = Desk(TicketStore(path), fixture_settings().policy, fixture_settings().roster, me,
                 fixed_clock(NOW + timedelta(hours=1)))
    assert HandoverBook(later).handover().items == []  # acknowledged: nothing new since


def test_handover_80x24(snap_compare, tmp_path: Path):
    app = app_for(write_store(tmp_path / "t.json", handed_tickets("amara")), "amara")

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("H")
        await until(pilot, lambda: "Since you last looked" in shown(pilot.app))

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_a_colleagues_note_is_what_the_next_login_sees_first(tmp_path):
    path = write_store(tmp_path / "t.json", handed_tickets("amara"))
    colleague = app_for(path, current_login()).dashboard.desk
    HandoverBook(colleague).leave_note("Ann expects a call about the printer")
    app = app_for(path, "amara")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HandoverScreen) and "Hand-over notes (1)" in shown(app))
        assert f"{current_login()}: Ann expects a call about the printer" in shown(app)


async def test_without_notes_the_dashboard_opens_as_ever(tmp_path):
    app = app_for(write_store(tmp_path / "t.json", handed_tickets("amara")), "amara")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, HandoverScreen)
