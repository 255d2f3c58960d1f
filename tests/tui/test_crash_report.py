"""If the dashboard ever stops on an error, it says where and exits non-zero, and prints no client data."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard_fixtures import make_app, new, settle, write_store
from sopdash.core.crash_report import crash_report
from sopdash.tui.app import SopdashApp, run_dashboard

SECRET = "ann.secret@client.example.com"


def failing_with_client_data() -> None:
    requester_email = SECRET  # a local Textual's own report would print
    raise ValueError(f"cannot parse {requester_email}")


def test_the_report_names_the_frames_but_no_values():
    try:
        failing_with_client_data()
    except ValueError as error:
        report = crash_report(error)
    assert "ValueError" in report and "failing_with_client_data" in report
    assert SECRET not in report and "requester_email" not in report


async def test_a_crash_ends_the_dashboard_with_code_1_and_the_safe_report(tmp_path: Path, capsys):
    store = write_store(tmp_path / "tickets.json", [new(1, f"VPN for {SECRET}", "Ann", 5, "low")])
    app = make_app(store)

    def explode() -> None:
        failing_with_client_data()

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.dashboard.action_help = explode
        await pilot.press("question_mark")
        await pilot.pause()
    assert app.return_code == 1
    shown = capsys.readouterr().err
    assert "the dashboard stopped on an internal error (ValueError)" in shown
    assert SECRET not in shown


def test_the_exit_status_says_the_dashboard_stopped_on_an_error(tmp_path: Path, monkeypatch, capsys):
    """Issue 18: `sopdash` exited 0 after an internal error; it exits 1."""
    store = write_store(tmp_path / "tickets.json", [new(1, "VPN", "Ann", 5, "low")])
    app = make_app(store)

    async def crash(pilot) -> None:
        await settle(pilot)
        pilot.app.dashboard.action_help = failing_with_client_data
        await pilot.press("question_mark")

    run = SopdashApp.run
    monkeypatch.setattr(SopdashApp, "run", lambda self: run(self, headless=True, size=(100, 30), auto_pilot=crash))
    assert run_dashboard(app.desk, app.settings) == 1
    assert SECRET not in capsys.readouterr().err


@pytest.mark.parametrize("year", [1, 2, 9999])
async def test_a_ticket_the_clocks_cannot_count_does_not_take_the_dashboard_down(tmp_path: Path, year):
    from datetime import datetime, timezone

    poisoned = new(1, "Poisoned", "Ann", 5, "low").evolve(created_at=datetime(year, 6, 1, tzinfo=timezone.utc))
    store = write_store(tmp_path / "tickets.json", [poisoned, new(2, "Healthy", "Bo", 5, "high")])
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.dashboard.board is not None and len(app.dashboard.board.rows) == 2
        await pilot.press("j", "k", "x", "j", "k")
        await settle(pilot)
        assert app.is_running
