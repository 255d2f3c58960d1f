"""Dashboards on PostgreSQL: another technician's change on screen at once (LISTEN/NOTIFY, no polling), and a lost
connection said on screen, polled meanwhile, and healed by itself."""

from __future__ import annotations

import time

import psycopg
import pytest
from dashboard_fixtures import ME, NOW, fixture_settings, fixture_tickets, settle, write_store

from sopdash.cli.main import main
from sopdash.clock import fixed_clock
from sopdash.desk import Desk
from sopdash.store.opening import open_store
from sopdash.tui.app import SopdashApp

ANNOUNCED_WITHIN_S = 0.3


@pytest.fixture
def database(postgres_db):
    """A database holding the dashboard fixture's tickets; the dashboards connect as `amara`."""
    open_store(postgres_db.admin_url).add_many(fixture_tickets())
    return postgres_db


@pytest.fixture(params=["file", "postgresql"])
def backend(request, tmp_path) -> tuple[str, float]:
    """The fixture's tickets in a file or a database, and how soon a change must show on screen: the file is
    looked at five times a second; a database announces the change."""
    if request.param == "file":
        return str(write_store(tmp_path / "tickets.json", fixture_tickets())), 1.5
    return request.getfixturevalue("database").url(ME), ANNOUNCED_WITHIN_S


def dashboard(location: str) -> SopdashApp:
    settings = fixture_settings()
    store = open_store(location, clock=fixed_clock(NOW))
    return SopdashApp(Desk(store, settings.policy, settings.roster, ME, fixed_clock(NOW)), settings)


async def shows(pilot, ticket_id: int, version: int, within_s: float) -> float | None:
    """Seconds until the dashboard shows the ticket at version, or None if not within within_s."""
    started = time.perf_counter()
    while time.perf_counter() - started < within_s:
        board = pilot.app.dashboard.board
        if board is not None and board.by_id[ticket_id].ticket.version >= version:
            return time.perf_counter() - started
        await pilot.pause(0.005)
    return None


async def test_two_dashboards_show_a_change_from_the_command_line_at_once(backend, monkeypatch, tmp_path, time_machine):
    location, within_s = backend
    time_machine.move_to(NOW, tick=False)
    (tmp_path / "config.toml").write_text("", encoding="utf-8")  # defaults, whatever the machine has
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "config.toml"))
    first, second = dashboard(location), dashboard(location)
    async with first.run_test(size=(120, 40)) as one, second.run_test(size=(120, 40)) as two:
        await settle(one)
        await settle(two)
        version = first.dashboard.board.by_id[2].ticket.version

        assert main(["--db", location, "ticket", "note", "2", "called the client back"]) == 0

        seen = [await shows(one, 2, version + 1, within_s), await shows(two, 2, version + 1, within_s)]
        assert None not in seen, seen
        for app in (first, second):
            assert app.dashboard.board.by_id[2].ticket.timeline[-1].text == "called the client back"


async def test_a_lost_connection_is_said_on_screen_and_heals_by_itself(database):
    app = dashboard(database.url(ME))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        with psycopg.connect(database.admin_url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (ME,))
        for _ in range(60):
            await pilot.pause(0.05)
            if app.dashboard.line_lost:
                break
        assert app.dashboard.line_lost and "reconnecting to the database" in str(app.dashboard.queue.border_title)
        for _ in range(100):
            await pilot.pause(0.05)
            if app.dashboard.line_lost is None:
                break
        assert app.dashboard.line_lost is None and "reconnecting" not in str(app.dashboard.queue.border_title)
        for _ in range(20):  # a notice reaches the app as a message: it is handled after the change that posts it
            messages = [str(n.message) for n in app._notifications]
            if any("Reconnected" in m for m in messages):
                break
            await pilot.pause(0.05)
        assert any("Lost the database connection" in m for m in messages)
        assert any("Reconnected" in m for m in messages)


async def test_dashboards_on_postgresql_see_who_is_on_which_ticket(database):
    mine, theirs = dashboard(database.url(ME)), dashboard(database.url("bo"))
    async with mine.run_test(size=(120, 40)) as one, theirs.run_test(size=(120, 40)) as two:
        await settle(one)
        await settle(two)
        for _ in range(80):  # presence is shared every tick
            await one.pause(0.05)
            if mine.dashboard.presence and theirs.dashboard.presence:
                break
        assert [(p.login, p.ticket_id) for p in mine.dashboard.presence] == [("bo", theirs.dashboard.current_id)]
        assert [(p.login, p.ticket_id) for p in theirs.dashboard.presence] == [(ME, mine.dashboard.current_id)]
