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


def burst(app, *parts: str) -> None:
    """Keys as a fast typist or a loaded box delivers them: all queued at once, none handled yet."""
    for part in parts:
        if part in ("tab", "shift+tab", "enter"):
            app.post_message(Key(part, {"tab": "\t", "enter": "\r"}.get(part)))
        else:
            for character in part:
                app.post_message(Key(character if character != " " else "space", character))


async def test_text_typed_right_after_tab_or_enter_lands_in_the_next_field(store_path: Path):
    """Issue 24 item 13: under load, text typed right after Tab went into the previous field ("…no signalLuca")."""
    from sopdash.store.ticket_store import TicketStore

    app = make_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)
        burst(app, "Wifi no signal", "tab", "Luca <luca@example.com>", "enter", "urg", "tab", "Network", "tab", "In room 4")
        await settle(pilot)
        form = app.screen
        typed = {field: form.query_one(f"#{field}").value for field in ("subject", "requester", "priority", "category")}
        assert typed == {
            "subject": "Wifi no signal", "requester": "Luca <luca@example.com>", "priority": "urg", "category": "Network"
        }
        assert form.query_one("#body").text == "In room 4"
        burst(app, "shift+tab", "Wi-Fi")  # back to the category, whose text is selected on the way in
        await settle(pilot)
        assert form.query_one("#category").value == "Wi-Fi"
        await pilot.press("ctrl+s")
        await settle(pilot)
    created = max(TicketStore(store_path).live(), key=lambda ticket: ticket.id)
    assert (created.subject, created.priority, created.triaged, created.category) == (
        "Wifi no signal", "urgent", True, "Wi-Fi"
    )


async def test_a_note_typed_right_after_the_escalation_reason_lands_in_the_note(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        burst(app, "u", "Need storage team to check share ACL")
        await settle(pilot)
        assert app.screen.reason == "unsatisfied"
        assert app.screen.query_one("#note").value == "Need storage team to check share ACL"


async def test_an_ambiguous_or_unknown_priority_prefix_is_refused_in_the_form(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("N", *"Printer", "enter", *"ann@example.com", "enter", "x", "ctrl+s")
        await settle(pilot)
        assert "priority: 'x' is not one of urgent, high, medium, low (or leave it blank)" in str(
            app.screen.query_one(".error").render()
        )


async def test_a_key_typed_right_after_tab_goes_to_the_next_pane(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = app.dashboard.queue.current_id
        burst(app, "tab", "j", "j")  # j scrolls the detail pane now; it must not move the queue's cursor
        await settle(pilot)
        assert app.focused is app.dashboard.detail
        assert app.dashboard.queue.current_id == first
