"""Keys typed ahead while a dialog opens reach it, in order (a paste, or a fast typist, in a real terminal)."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import make_app, settle
from textual.events import Key


async def test_colon_digits_and_enter_as_one_burst_go_to_the_ticket(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.dashboard.queue.current_id != 4
        for key, character in (("colon", ":"), ("4", "4"), ("enter", "\r")):
            app.post_message(Key(key, character))  # no pause between them: the dialog is not open yet
        await settle(pilot)
        assert app.screen is not None and app.dashboard.queue.current_id == 4
        assert not app.screen.is_modal


async def test_a_note_typed_right_after_its_key_lands_in_the_note(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for character in "nfan ok":
            app.post_message(Key(character if character != " " else "space", character))
        await settle(pilot)
        assert app.screen.text == "fan ok"
