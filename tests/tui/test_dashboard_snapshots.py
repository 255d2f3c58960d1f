"""How the dashboard looks, with a fixed store, clock and login, at 120x40 and 80x24."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import make_app, settle, untrusted_tickets, write_store
from textual.widgets import Input


def after(*keys: str):
    """A run_before that waits for the store to load, presses `keys`, and waits for what they started."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)
        for field in pilot.app.query(Input):
            field.cursor_blink = False

    return run_before


def test_dashboard_120x40(snap_compare, store_path: Path):
    assert snap_compare(make_app(store_path), terminal_size=(120, 40), run_before=after())


def test_dashboard_80x24(snap_compare, store_path: Path):
    assert snap_compare(make_app(store_path), terminal_size=(80, 24), run_before=after())


def test_detail_with_troubleshooting_and_timeline_120x40(snap_compare, store_path: Path):
    assert snap_compare(make_app(store_path), terminal_size=(120, 40), run_before=after(*"jjjjj"))


def test_privacy_mode_120x40(snap_compare, store_path: Path):
    assert snap_compare(make_app(store_path, privacy=True), terminal_size=(120, 40), run_before=after("j"))


def test_escalations_pane_80x24(snap_compare, store_path: Path):
    assert snap_compare(make_app(store_path), terminal_size=(80, 24), run_before=after("3"))


def test_filter_bar_80x24(snap_compare, store_path: Path):
    keys = ("slash", *"p:high")
    assert snap_compare(make_app(store_path), terminal_size=(80, 24), run_before=after(*keys))


def test_untrusted_text_is_shown_literally_120x40(snap_compare, tmp_path: Path):
    app = make_app(write_store(tmp_path / "tickets.json", untrusted_tickets()))
    assert snap_compare(app, terminal_size=(120, 40), run_before=after("j", "j"))
