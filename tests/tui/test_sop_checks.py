"""The dashboard runs the same SOP checks as the command line: SOP 5A with "Send anyway" (audited), logins, steps."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import ME, NOW, make_app, new, settle, write_store
from textual.widgets import Static

from sopdash.core import rules
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.dialogs import AssignDialog, ResolveDialog, TextDialog
from sopdash.tui.dialogs.error_line import ErrorLine


async def keys(pilot, *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await pilot.pause()
    await settle(pilot)


def one_ticket(tmp_path: Path, ticket=None):
    """A store holding one high-priority ticket (`Cannot print` unless given), and the dashboard on it."""
    path = write_store(tmp_path / "tickets.json", [ticket or new(1, "Cannot print", "Ada Byron", 5, "high")])
    return TicketStore(path), make_app(path)


def overrides(ticket) -> list[tuple[str, object]]:
    """Who overrode SOP 5A on the ticket, and when."""
    return [(entry.author, entry.at) for entry in ticket.timeline if entry.text.startswith("SOP 5A check overridden")]


async def test_resolving_with_a_sensitive_message_asks_and_send_anyway_is_audited(tmp_path: Path):
    store, app = one_ticket(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "v")
        app.screen.query_one("#summary").insert("Use the print server at 10.20.0.15")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ResolveDialog)
        assert "private IP address" in str(app.screen.query_one(".findings", Static).render())
        assert store.get(1).status == "new"
        await keys(pilot, "ctrl+s")
        ticket = store.get(1)
    assert (ticket.status, ticket.client_notified_at) == ("resolved", NOW)
    assert overrides(ticket) == [(ME, NOW)]


async def test_acknowledging_with_send_anyway_is_audited(tmp_path: Path):
    store, app = one_ticket(tmp_path, new(1, "Cannot reach 192.168.1.20", "Ada Byron", 5, "high"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "a", "ctrl+s")  # the template repeats the subject, which holds a private address
        assert isinstance(app.screen, TextDialog) and store.get(1).acknowledged_at is None
        await keys(pilot, "ctrl+s")
        ticket = store.get(1)
    assert ticket.acknowledged_at == NOW
    assert overrides(ticket) == [(ME, NOW)]


async def test_assigning_an_unknown_login_is_refused_in_the_dialog_and_me_works(tmp_path: Path):
    store, app = one_ticket(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "A", *"zed", "enter")
        assert isinstance(app.screen, AssignDialog)
        assert "'zed' is not in the roster" in str(app.screen.query_one(ErrorLine).render())
        await keys(pilot, "backspace", "backspace", "backspace", *"me", "enter")
        assert store.get(1).assignee == ME


async def test_the_step_key_asks_the_core_for_the_next_step(tmp_path: Path):
    ticket = new(1, "Cannot print", "Ada Byron", 5, "high")
    for step in range(1, 7):
        ticket = rules.complete_step(ticket, ME, NOW, step)
    _, app = one_ticket(tmp_path, ticket)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "t")
        assert any("every troubleshooting step is done" in str(n.message) for n in app._notifications)
