"""Searching from the dashboard: `/` with words and `:` with words list hits from the whole history, newest first,
with the matching line and the archived ones marked; enter opens one, reading only its month if it is archived."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from dashboard_fixtures import NOW, fixture_tickets, make_app, new, settle, until, untrusted_tickets, write_store
from textual.widgets import OptionList, Static

from sopdash.core.model import Ticket
from sopdash.tui.search_screen import SearchScreen


def closed_long_ago(ticket: Ticket, days: float) -> Ticket:
    closed = NOW - timedelta(days=days)
    return ticket.evolve(created_at=closed - timedelta(hours=1), status="closed", closed_at=closed,
                         body="The printer on floor 3 is on fire again\nsecond line")


@pytest.fixture
def archived_path(tmp_path: Path) -> Path:
    """The fixture desk (#8 "Printer offline") and #11, a printer ticket closed in September, in the archive."""
    old = closed_long_ago(new(0, "Old printer jam", "Alan Turing", 0, "low"), 70)
    return write_store(tmp_path / "tickets.json", [*fixture_tickets(), old])


def hits_text(screen: SearchScreen) -> list[str]:
    hits = screen.query_one(OptionList)
    return [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]


async def test_slash_with_words_searches_the_archive_and_enter_reads_its_month(archived_path: Path):
    app = make_app(archived_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert 11 not in app.dashboard.board.by_id
        await pilot.press("slash", *"printers", "enter")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen) and bool(app.screen.hits))
        screen = app.screen
        assert [hit.id for hit in screen.hits] == [11, 8]
        first, second = hits_text(screen)
        assert first.startswith("#11 closed · archived ") and "Old printer jam\n" in first
        assert first.endswith("The printer on floor 3 is on fire again")
        assert second.startswith("#8 new ")
        await pilot.press("enter")
        await until(pilot, lambda: screen.has_class("reading"))
        assert "#11 Old printer jam" in screen.query_one("#search-detail").plain_text()
        assert 11 not in app.dashboard.board.by_id  # read alone for the search, not onto the board
        await pilot.press("escape")
        assert not screen.has_class("reading")
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is app.dashboard and app.dashboard.queue.current_id == 8


async def test_field_filters_still_filter_and_colon_takes_words(archived_path: Path):
    app = make_app(archived_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"printer s:closed", "enter")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen) and not app.screen.workers)
        assert [hit.id for hit in app.screen.hits] == [11]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash", *"p:high", "enter")
        await settle(pilot)
        assert app.screen is app.dashboard  # only filters: the queue filters, nothing is searched


async def test_privacy_masks_the_requester_in_hits(archived_path: Path):
    app = make_app(archived_path, privacy=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *"alan", "enter")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen) and not app.screen.workers)
        shown = " ".join(hits_text(app.screen)) + str(app.screen.query_one("#search-title", Static).render())
        assert [hit.id for hit in app.screen.hits] == [11] and "Alan" not in shown and "Turing" not in shown


def test_search_hits_80x24(snap_compare, archived_path: Path):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("colon", *"printer", "enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, SearchScreen) and not pilot.app.screen.workers)
        await settle(pilot)

    assert snap_compare(make_app(archived_path), terminal_size=(80, 24), run_before=run_before)


def test_untrusted_text_in_hits_is_shown_literally_80x24(snap_compare, tmp_path: Path):
    app = make_app(write_store(tmp_path / "tickets.json", untrusted_tickets()))

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("colon", *"please", "enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, SearchScreen) and not pilot.app.screen.workers)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
