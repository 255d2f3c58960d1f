"""`space` marks queue rows; a bulk action acts on each marked ticket on its own and says what it did."""

from __future__ import annotations

from dashboard_fixtures import ME, fixture_tickets, keys, make_app, new, settle, typed, write_store

from sopdash.store.ticket_store import TicketStore


async def test_bulk_assign_of_five_from_the_keyboard(tmp_path):
    tickets = [new(n, f"Laptop {n} will not boot", "Ann Lee", 10 * n, "medium") for n in range(1, 6)]
    path = write_store(tmp_path / "t.json", tickets)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, *["space"] * 5)
        assert len(app.dashboard.marked) == 5
        assert "5 marked" in str(app.dashboard.queue.border_title)
        assert "■ Laptop" in app.dashboard.queue.render_line(1).text
        await keys(pilot, "A")
        await typed(pilot, "bo")
        await keys(pilot, "enter")
        assert [t.assignee for t in TicketStore(path).live()] == ["bo"] * 5
        assert app.dashboard.marked == frozenset()
        assert "1 Queue" in str(app.dashboard.queue.border_title) and "marked" not in str(app.dashboard.queue.border_title)


async def test_bulk_refusals_are_summarised_and_stay_marked(tmp_path):
    tickets = fixture_tickets()
    path = write_store(tmp_path / "t.json", tickets)
    app = make_app(path)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.notify = lambda message, **_: notes.append(message)  # type: ignore[method-assign]
        await keys(pilot, "F9")  # all tickets, so the closed one can be marked too
        app.dashboard.marked = frozenset({3, 10})  # #3 is assigned to amara already; #10 is closed
        await keys(pilot, "m")
        assert notes[-1].startswith("assign to amara: 0 of 2 done; #3 refused: it is already assigned to amara; #10 refused")
        assert app.dashboard.marked == frozenset({3, 10})
        assert TicketStore(path).get(10).assignee != ME


async def test_taking_marked_tickets_others_hold_asks_first(tmp_path):
    tickets = [new(n, f"Laptop {n}", "Ann Lee", 10 * n, "medium").evolve(assignee="bo" if n < 3 else "") for n in range(1, 5)]
    path = write_store(tmp_path / "t.json", tickets)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, *["space"] * 4, "m")
        assert "2 of the marked tickets are assigned to bo" in str(app.screen.question)
        await keys(pilot, "y")
        assert [t.assignee for t in TicketStore(path).live()] == [ME] * 4
