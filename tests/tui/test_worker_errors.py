"""Any exception from any of the dashboard's workers becomes a message on screen, never an exit."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import make_app, settle

from sopdash.core.board import Board


def messages(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_a_calendar_error_while_reloading_is_a_message_and_the_app_stays(store_path: Path, monkeypatch):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        def failing_load(*args, **kwargs):
            raise ValueError("year 10000 is out of range")

        monkeypatch.setattr(Board, "load", failing_load)
        await pilot.press("r")
        await settle(pilot)
        assert app.is_running
        assert "ValueError: year 10000 is out of range" in messages(app)
        monkeypatch.undo()
        await pilot.press("r")
        await settle(pilot)
        assert "The store can be read again." in messages(app)


async def test_an_unexpected_error_in_an_action_is_a_message_and_changes_nothing(store_path: Path, monkeypatch):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        def broken_assign(*args, **kwargs):
            raise OSError("disk quota exceeded")

        monkeypatch.setattr(app.desk, "assign", broken_assign)
        await pilot.press("m")
        await settle(pilot)
        assert app.is_running
        assert "OSError: disk quota exceeded" in messages(app)
