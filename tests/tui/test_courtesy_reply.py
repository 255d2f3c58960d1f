"""The courtesy check in the dashboard's reply dialog (SOP 2A/4A, issue 27): advice once typing pauses, never in the
way of sending, and a reply sent with advice standing is in the audit trail."""

from __future__ import annotations

from textual.widgets import Static, TextArea

from sopdash.clock import fixed_clock
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp
from sopdash.tui.dialogs import TextDialog
from sopdash.tui.dialogs.courtesy_advice import PAUSE
from dashboard_fixtures import ME, NOW, fixture_settings, keys, new, settle, typed, write_store


def courteous_app(path) -> SopdashApp:
    settings = fixture_settings()
    desk = Desk(TicketStore(path, clock=fixed_clock(NOW)), settings.policy, settings.roster, ME, fixed_clock(NOW),
                courtesy=settings.courtesy)
    return SopdashApp(desk, settings)


def advice(app) -> Static:
    return app.screen.query_one(".courtesy", Static)


async def test_advice_shows_after_a_pause_and_the_reply_is_still_sent_and_audited(tmp_path):
    path = write_store(tmp_path / "t.json", [new(1, "Printer jams", "Ann Lee", 10, "high")])
    app = courteous_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "R")
        assert isinstance(app.screen, TextDialog)
        assert not advice(app).display  # the template greets and signs off
        app.screen.query_one(TextArea).text = ""  # the technician wipes the template
        await typed(pilot, "OBVIOUSLY RESTART IT")
        await pilot.pause(PAUSE + 0.2)
        shown = str(advice(app).render())
        assert advice(app).display and "shouting “OBVIOUSLY RESTART IT”" in shown and "no greeting" in shown
        await keys(pilot, "ctrl+s")
        assert not isinstance(app.screen, TextDialog)
    ticket = TicketStore(path).get(1)
    assert ticket.timeline[-1].text.startswith("SOP 2A/4A advice overridden: sent although: shouting")
    assert any(e.kind == "public" and e.text == "OBVIOUSLY RESTART IT" for e in ticket.timeline)


async def test_a_courteous_reply_shows_no_advice_and_no_override(tmp_path):
    path = write_store(tmp_path / "t.json", [new(1, "Printer jams", "Ann Lee", 10, "high")])
    app = courteous_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "R")
        await typed(pilot, "The new driver is in.")
        await pilot.pause(PAUSE + 0.2)
        assert not advice(app).display
        await keys(pilot, "ctrl+s")
    assert not any("SOP 2A/4A" in e.text for e in TicketStore(path).get(1).timeline)
