"""`K` in the ticket detail: the clock explanation screen (pilot and an 80x24 snapshot)."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import make_app, settle

from sopdash.tui.clock_screen import ClockScreen


async def test_k_in_the_detail_opens_the_explanation_of_the_shown_ticket_and_esc_closes_it(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("K")  # the queue has focus: K belongs to the detail pane
        assert not isinstance(app.screen, ClockScreen)
        await pilot.press("2", "K")
        await settle(pilot)
        assert isinstance(app.screen, ClockScreen)
        shown = app.screen.lines
        assert shown[0].startswith(f"Clocks of #{app.dashboard.queue.current_id} at ")
        assert any(line.startswith("Resolution clock: ") for line in shown)
        await pilot.press("escape")
        assert not isinstance(app.screen, ClockScreen)


def test_clock_screen_80x24(snap_compare, store_path: Path):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("2", "K")
        await settle(pilot)

    assert snap_compare(make_app(store_path), terminal_size=(80, 24), run_before=run_before)
