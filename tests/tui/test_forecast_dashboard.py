"""The breach forecast in the dashboard: a header item and a section of the escalation pane, made in a worker."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from dashboard_fixtures import make_app, settle

from sopdash.tui.forecast_watch import QUIET_S
from sopdash.tui.widgets.escalation_pane import FORECAST


def header_text(app) -> str:
    return str(app.dashboard.query_one("#counts").render())


async def test_the_header_and_the_escalation_pane_show_the_forecast_made_in_a_worker(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        forecast = app.dashboard.forecast_watch.forecast
        assert forecast is not None and forecast.tickets
        hour, today = len(forecast.next_hour), len(forecast.tickets)
        assert f"⌛ {hour} due 1h" in header_text(app)  # and, where there is room, how many are due today
        pane = app.dashboard.escalations
        section = [entry for entry in pane.entries if entry.group == FORECAST]
        assert section[0].title and section[0].note.startswith(f"BREACH FORECAST  {hour} due 1h · {today} today")
        first = next(entry for entry in section if entry.row is not None)
        assert first.row.ticket.id == forecast.tickets[0].ticket_id
        assert "typical time to" in section[section.index(first) + 1].note


async def test_the_compact_header_keeps_the_forecast_short(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        forecast = app.dashboard.forecast_watch.forecast
        assert f"⌛{len(forecast.next_hour)}" in header_text(app)
        assert "today" not in header_text(app)


async def test_a_burst_of_store_reads_makes_one_forecast_at_the_tick_past_the_quiet_time(store_path: Path):
    # a busy desk reads the store several times a second: the forecast (all the working set's clocks) follows it
    # every few seconds, not once per change
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        watch, dashboard = app.dashboard.forecast_watch, app.dashboard
        first = watch.made_at
        for _ in range(3):
            watch.board_read(dashboard.board, ())
        assert watch.made_at == first and watch.stale and not watch.due(first + timedelta(seconds=QUIET_S - 1))
        later = first + timedelta(seconds=QUIET_S)
        dashboard.desk.clock = lambda: later
        dashboard.tick()
        await settle(pilot)
        assert watch.made_at == later and not watch.stale
        assert not watch.due(later + timedelta(seconds=QUIET_S))  # nothing read since: the minute's forecast next
