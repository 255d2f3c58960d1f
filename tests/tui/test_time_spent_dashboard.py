"""`T` logs time spent from the keyboard: the store records who, when, how long and billable, the detail pane and
the timeline show it, and `sopdash report` counts it."""

from __future__ import annotations

import json
from pathlib import Path

from dashboard_fixtures import ME, NOW, keys, make_app, new, settle, typed, write_store

from sopdash.cli.main import main
from sopdash.core.model import TimeSpent
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.dialogs.error_line import ErrorLine
from sopdash.tui.dialogs.time_dialog import TimeDialog



async def test_time_logged_with_T_is_stored_shown_and_reported(tmp_path: Path, capsys, monkeypatch):
    path = write_store(tmp_path / "tickets.json", [new(1, "Cannot print", "Ada Byron", 5, "high")])
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "T")
        assert isinstance(app.screen, TimeDialog)
        await typed(pilot, "1h30m")
        await keys(pilot, "tab")
        await typed(pilot, "reinstalled the driver")
        await keys(pilot, "tab", "space", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TimeDialog)
        await keys(pilot, "T")
        await typed(pilot, "25")
        await keys(pilot, "enter")
        await settle(pilot)
        shown = app.export_screenshot()
    ticket = TicketStore(path).get(1)
    logged = [(e.author, e.at, e.kind, e.time) for e in ticket.timeline if e.time]
    assert logged == [(ME, NOW, "event", TimeSpent(5400, True)), (ME, NOW, "event", TimeSpent(1500))]
    assert "1h55m" in shown and "(1h30m" in shown  # the Time line: total and billable
    monkeypatch.setenv("SOPDASH_NOW", NOW.isoformat())
    capsys.readouterr()
    assert main(["--db", str(path), "report", "--since", "2026-11-01", "--until", "2026-11-30", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["overall"]["time_s"], report["overall"]["billable_s"]) == (6900, 5400)
    assert {g["name"]: g["time_s"] for g in report["by_technician"] if g["time_s"]} == {ME: 6900}


async def test_a_duration_that_cannot_be_read_is_said_and_nothing_is_logged(tmp_path: Path):
    path = write_store(tmp_path / "tickets.json", [new(1, "Cannot print", "Ada Byron", 5, "high")])
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "T")
        await typed(pilot, "soon")
        await keys(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, TimeDialog)
        assert "is not a duration like 25m, 1h30m or 1.5h" in str(app.screen.query_one(ErrorLine).render())
        await keys(pilot, "escape")
    assert not any(e.time for e in TicketStore(path).get(1).timeline)
