"""`W` lists the saved views with their counts; a number key switches the queue to one; the palette has them too."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import CONFIG, ME, NOW, fixture_tickets, keys, settle, write_store

from sopdash.clock import fixed_clock
from sopdash.config import settings_from_document
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp
from sopdash.tui.dialogs.saved_views_dialog import SavedViewsDialog

VIEWS = {"views": {"hot": {"query": "p:urgent,high"}}, "ui": {"views": {"old": {"query": "s:closed"}}}}


def app_with_views(path: Path) -> SopdashApp:
    settings = settings_from_document({**CONFIG, **VIEWS}, Path("config.toml"))
    desk = Desk(TicketStore(path, clock=fixed_clock(NOW)), settings.policy, settings.roster, ME, fixed_clock(NOW))
    return SopdashApp(desk, settings)


async def test_w_lists_views_with_counts_and_a_number_switches_to_one(tmp_path: Path):
    app = app_with_views(write_store(tmp_path / "tickets.json", fixture_tickets()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "W")
        dialog = app.screen
        assert isinstance(dialog, SavedViewsDialog)
        assert [(view.name, count) for view, count in dialog.counted] == [("hot", 4), ("old", 1)]
        await keys(pilot, "1")
        screen = app.screen
        assert screen.view.title == "hot"
        assert sorted(row.ticket.id for row in screen.queue.arrangement.rows) == [1, 2, 5, 7]
        assert "1 Queue · hot · 4 of" in str(screen.queue.border_title)
        titles = [title for title, _, _ in screen.palette_actions()]
        assert "Saved view: hot" in titles and "Saved view: old (mine)" in titles
