"""A new ticket taken from arrival to closed with the keyboard alone; the store records every step with who and when."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import ME, NOW, keys, make_app, new, settle, typed, write_store

from sopdash.core import rules
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.dialogs.error_line import ErrorLine


async def test_arrival_to_closed_from_the_keyboard(tmp_path: Path):
    path = write_store(tmp_path / "tickets.json", [new(1, "Cannot print [/b] from Excel", "Ada Byron", 5, None)])
    store = TicketStore(path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "a", "ctrl+s")
        assert store.get(1).acknowledged_at == NOW
        await keys(pilot, "p", "2")
        assert (store.get(1).priority, store.get(1).triaged) == ("high", True)
        await keys(pilot, "A")
        await typed(pilot, "bo")
        await keys(pilot, "enter")
        assert store.get(1).assignee == "bo"
        await keys(pilot, "t")
        await typed(pilot, "prints nothing")
        await keys(pilot, "enter")
        assert store.get(1).current_step == 2
        await keys(pilot, "n")
        await typed(pilot, "spooler restarted")
        await keys(pilot, "ctrl+s")
        await keys(pilot, "R")
        await typed(pilot, " Trying a new driver.")
        await keys(pilot, "ctrl+s")
        await keys(pilot, "e", "d")  # choosing the reason moves on to the note
        await typed(pilot, "Client shouted at L1 on the phone.")  # t, u, d and o in a note are letters
        assert "Reason: disruptive" in str(app.screen.query_one(".outcome").render())
        await keys(pilot, "enter")
        escalation = store.get(1).escalations[-1]
        assert (escalation.to_tier, escalation.reason, escalation.note) == (2, "disruptive", "Client shouted at L1 on the phone.")
        assert store.get(1).needs_manager
        await keys(pilot, "v")
        await typed(pilot, "Reinstalled the driver")
        await keys(pilot, "ctrl+s")
        resolved = store.get(1)
        assert (resolved.status, resolved.resolution, resolved.client_notified_at) == ("resolved", "Reinstalled the driver", NOW)
        await keys(pilot, "o")
        assert store.get(1).status == "open"
        await keys(pilot, "v")
        await typed(pilot, "Driver reinstalled again")
        await keys(pilot, "ctrl+s", "c", "y")
        ticket = store.get(1)
        assert ticket.status == "closed"
    kinds = [(entry.kind, entry.author) for entry in ticket.timeline]
    assert ("internal", ME) in kinds and ("public", ME) in kinds
    assert all(entry.at == NOW for entry in ticket.timeline[1:])
    events = [entry.text for entry in ticket.timeline if entry.kind == "event"]
    for step in ("acknowledged", "priority set to high", "assigned to bo", "step 1 done", "escalated (disruptive)",
                 "resolved: Reinstalled the driver", "reopened", "closed"):
        assert any(text.startswith(step) for text in events), step


async def test_only_a_manager_acknowledges_the_flag(tmp_path: Path):
    path = write_store(tmp_path / "tickets.json", [new(1, "Printer", "Ada Byron", 5, "low")])
    store = TicketStore(path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "e", "u", "enter")
        assert store.get(1).needs_manager
        before = store.get(1)
        await keys(pilot, "F")
        assert store.get(1) == before
        assert any("not a manager" in str(n.message) for n in app._notifications)


async def test_a_conflict_keeps_the_dialog_and_its_text_and_sending_again_applies_it(tmp_path: Path):
    path = write_store(tmp_path / "tickets.json", [new(1, "Printer", "Ada Byron", 5, "low")])
    store = TicketStore(path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "v")
        dialog = app.screen
        await typed(pilot, "Replaced the toner")
        store.update(1, lambda t: rules.assign(t, "bo", NOW, "bo"))  # another technician, while the dialog is open
        await keys(pilot, "ctrl+s")
        assert app.screen is dialog and dialog.summary == "Replaced the toner"
        said = str(dialog.query_one(ErrorLine).render())
        assert "changed since you looked at it" in said and "bo: assigned to bo" in said and "send again" in said
        assert store.get(1).status == "new"
        await keys(pilot, "ctrl+s")
        assert app.screen is not dialog
        assert (store.get(1).status, store.get(1).resolution, store.get(1).assignee) == ("resolved", "Replaced the toner", "bo")
