"""The dashboard starts from the live file and never reads the whole archive: the statistics read their period, the
*all* view takes in history a page at a time, newest first, the next once the cursor nears the end; `:` reads one
ticket."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from dashboard_fixtures import NOW, fixture_tickets, make_app, new, settle, write_store

from sopdash.core.model import Ticket
from sopdash.tui.stats_screen import StatsScreen


def closed_long_ago(ticket: Ticket, days: float) -> Ticket:
    """ticket, closed `days` before NOW (created an hour before that)."""
    closed = NOW - timedelta(days=days)
    return ticket.evolve(created_at=closed - timedelta(hours=1), status="closed", closed_at=closed)


@pytest.fixture
def archived_path(tmp_path: Path) -> Path:
    """The fixture desk and two tickets closed in September and October, which the store keeps in its archive."""
    old = [closed_long_ago(new(0, "Old VPN trouble", "Ada Lovelace", 0, "high"), 70),
           closed_long_ago(new(0, "Old printer jam", "Alan Turing", 0, "low"), 25)]
    return write_store(tmp_path / "tickets.json", [*fixture_tickets(), *old])


def board_ids(app) -> set[int]:
    return set(app.dashboard.board.by_id)


async def test_the_queue_comes_from_the_live_file_alone(archived_path: Path):
    app = make_app(archived_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        archived = {t.id for t in app.desk.store.history()} - {t.id for t in app.desk.store.live()}
        assert len(archived) == 2 and not archived & board_ids(app)


async def test_the_all_view_reads_history_and_says_so_meanwhile(archived_path: Path):
    app = make_app(archived_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles: list[str] = []
        update_titles = app.dashboard.update_titles

        def recorded() -> None:
            update_titles()
            titles.append(str(app.dashboard.queue.border_title))

        app.dashboard.update_titles = recorded
        await pilot.press("f9")
        await settle(pilot)
        assert {t.id for t in app.desk.store.history()} == board_ids(app)
        assert {row.ticket.id for row in app.dashboard.queue.arrangement.rows} == board_ids(app)
        assert any("reading history…" in title for title in titles)
        assert "reading history" not in str(app.dashboard.queue.border_title)


@pytest.fixture
def long_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture desk and 150 tickets closed half a day apart, in pages of 40."""
    monkeypatch.setattr("sopdash.desk.history_pages.HISTORY_PAGE", 40)
    old = [closed_long_ago(new(0, f"Old trouble {n}", "Ada Lovelace", 0, "low"), 20 + n / 2) for n in range(150)]
    return write_store(tmp_path / "tickets.json", [*fixture_tickets(), *old])


async def test_the_all_view_shows_the_newest_page_and_loads_older_ones_as_the_cursor_nears_the_end(long_history: Path):
    app = make_app(long_history)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        everything = {t.id for t in app.desk.store.history()}
        live = {t.id for t in app.desk.store.live()}
        await pilot.press("f9")
        await settle(pilot)
        newest, _ = app.desk.store.history_page(None, 40)
        assert board_ids(app) == live | {summary.id for summary in newest} != everything
        closed_at = {t.id: t.closed_at for t in app.desk.store.history()}
        shown, left = board_ids(app) - live, everything - board_ids(app)
        assert min(closed_at[i] for i in shown) > max(closed_at[i] for i in left)  # newest first
        assert "older history as you scroll" in str(app.dashboard.queue.border_title)

        for _ in range(10):
            await pilot.press("G")  # the end of what is shown: the next older page comes in
            await settle(pilot)
        assert board_ids(app) == everything
        assert sorted(row.ticket.id for row in app.dashboard.queue.arrangement.rows) == sorted(everything)
        assert "older history" not in str(app.dashboard.queue.border_title)


async def test_scrolling_the_all_view_to_its_end_loads_the_next_page_too(long_history: Path):
    app = make_app(long_history)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        first = board_ids(app)
        app.dashboard.queue.scroll_end(animate=False)  # the wheel, not the cursor
        await settle(pilot)
        await settle(pilot)
        assert board_ids(app) > first and app.dashboard.queue.current_id == app.dashboard.queue.arrangement.rows[0].ticket.id


async def test_a_filter_over_closed_tickets_reads_the_archive(archived_path: Path):
    app = make_app(archived_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"s:closed old", "enter")
        await settle(pilot)
        assert sorted(row.ticket.subject for row in app.dashboard.queue.arrangement.rows) == ["Old VPN trouble", "Old printer jam"]


async def test_going_to_an_archived_ticket_reads_that_ticket_alone(long_history: Path):
    app = make_app(long_history)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        everything = {t.id for t in app.desk.store.history()}
        oldest = min(everything - board_ids(app), key=lambda i: app.desk.store.get(i).closed_at)
        app.dashboard.goto_ticket(oldest)
        await settle(pilot)
        await settle(pilot)
        assert app.dashboard.queue.current_id == oldest and app.dashboard.view.name == "all"
        assert oldest in board_ids(app) != everything  # the newest page, and it

        app.dashboard.goto_ticket(404)
        await settle(pilot)
        await settle(pilot)
        assert any("There is no ticket #404" in str(n.message) for n in app._notifications)


async def test_the_statistics_read_only_their_period_from_the_archive(archived_path: Path):
    app = make_app(archived_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        board = board_ids(app)
        subjects = {t.subject: t.id for t in app.desk.store.history()}
        recent, old = subjects["Old printer jam"], subjects["Old VPN trouble"]  # closed 25 and 70 days ago
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert app.screen.figures is not None and app.screen.held is not None
        held = {t.id for t in app.screen.held[1]}
        assert recent in held and old not in held and board_ids(app) == board
        await pilot.press("left_square_bracket", "left_square_bracket")  # the 4 weeks before, then the 4 before those
        await settle(pilot)
        assert old in {t.id for t in app.screen.held[1]} and board_ids(app) == board
