"""`M` merges the ticket shown into another, `L` links it, and resolving a parent offers its open children; the
detail pane shows each link with the linked ticket's status."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import keys, make_app, new, settle, typed, write_store

from sopdash.store.ticket_store import TicketStore
from sopdash.tui.widgets.ticket_detail import TicketDetail


def outage_store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "tickets.json", [
        new(1, "Network outage on floor 3", "Dana Smith", 60, "urgent"),
        new(2, "Printer offline", "Lee Wong", 50, "high"),
        new(3, "Cannot reach the file server", "Ann Lee", 40, "high"),
    ])


async def go_to(pilot, ticket_id: int) -> None:
    await keys(pilot, "colon")
    await typed(pilot, str(ticket_id))
    await keys(pilot, "enter")


def detail_text(app) -> str:
    return app.screen.query_one(TicketDetail).plain_text()


async def test_m_merges_the_ticket_shown_into_the_one_typed(tmp_path: Path):
    path = outage_store(tmp_path)
    store = TicketStore(path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await go_to(pilot, 3)
        await keys(pilot, "M")
        await typed(pilot, "3")
        await keys(pilot, "enter")
        assert "cannot be merged into itself" in str(app.screen.query_one("ErrorLine").render())
        await keys(pilot, "backspace")
        await typed(pilot, "1")
        await keys(pilot, "enter")
        assert store.get(3).merged_into == 1 and store.get(3).status == "closed"
        assert store.get(1).links[0].ticket == 3
        await go_to(pilot, 1)
        assert "from #3: ticket created" in detail_text(app)
        await go_to(pilot, 3)
        assert "Links     merged into #1 · new · Network outage on floor 3" in detail_text(app)
        await keys(pilot, "M")  # on a merged ticket: refused before any dialog opens
        assert any("already merged into #1" in str(n.message) for n in app._notifications)


async def test_l_links_a_child_and_resolving_the_parent_resolves_and_tells_it(tmp_path: Path):
    path = outage_store(tmp_path)
    store = TicketStore(path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await go_to(pilot, 1)
        for child in ("2", "3"):
            await keys(pilot, "L")
            await typed(pilot, f"c{child}")  # c: the other ticket is its child
            await keys(pilot, "enter")
        assert [link.kind for link in store.get(1).links] == ["child", "child"]
        assert any("#1 is parent of #3." in str(n.message) for n in app._notifications)
        assert store.get(2).links[0].kind == "parent"
        assert "Links     parent of #2 · new · Printer offline" in detail_text(app)
        await go_to(pilot, 1)
        await keys(pilot, "v")
        await typed(pilot, "Replaced the core switch")
        await keys(pilot, "ctrl+s")
    for ticket_id in (1, 2, 3):
        ticket = store.get(ticket_id)
        assert (ticket.status, ticket.resolution) == ("resolved", "Replaced the core switch")
        assert ticket.client_notified_at is not None
