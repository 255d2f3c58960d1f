"""The requester's other tickets in the detail pane, and `O` going round them."""

from __future__ import annotations

from dashboard_fixtures import keys, make_app, new, settle, write_store


async def test_other_tickets_listed_open_first_and_O_jumps_round(tmp_path):
    tickets = [
        new(1, "Laptop fan loud", "Ann Lee", 300, "low"),
        new(2, "Printer offline", "Bob Ray", 200, "high"),
        new(3, "Laptop battery", "Ann Lee", 100, "medium"),
    ]
    path = write_store(tmp_path / "t.json", tickets)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.dashboard.goto_ticket(3)
        await settle(pilot)
        shown = app.dashboard.detail.plain_text()
        assert "Also from #1 new      Laptop fan loud" in shown
        assert "O jumps there" in shown
        await keys(pilot, "O")
        assert app.dashboard.current_id == 1
        await keys(pilot, "O")
        assert app.dashboard.current_id == 3
        app.dashboard.goto_ticket(2)
        await settle(pilot)
        assert "Also from" not in app.dashboard.detail.plain_text()
        await keys(pilot, "x")  # privacy mode masks the other tickets' requester details too
        assert "Ann" not in app.dashboard.detail.plain_text()
