"""Attack: the dashboard's line to PostgreSQL goes silent (a proxy stops forwarding, as a NAT dropping an idle
connection). The queue's title says "reconnecting…" within seconds, the screen keeps answering, and once the line is
back the board shows every change made meanwhile."""

from __future__ import annotations

import time

from dashboard_fixtures import ME, settle
from tcp_proxy import SilentProxy
from test_dashboard_postgres import dashboard, database  # noqa: F401 - the fixture

from sopdash.cli.main import main

SAID_WITHIN_S = 10


async def test_a_silent_line_says_reconnecting_and_recovers_every_missed_change(database, monkeypatch, tmp_path):  # noqa: F811
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "config.toml"))
    proxy = SilentProxy(database.cluster.socket_dir)
    app = dashboard(proxy.url(ME, database.name))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            version = app.dashboard.board.by_id[2].ticket.version

            proxy.stall()
            started = time.monotonic()
            while not app.dashboard.line_lost and time.monotonic() - started < SAID_WITHIN_S + 5:
                await pilot.pause(0.1)
            said_s = time.monotonic() - started
            title = str(app.dashboard.queue.border_title)
            assert main(["--db", database.url("bo"), "ticket", "note", "2", "called the client back"]) == 0
            proxy.resume()
            started = time.monotonic()
            while time.monotonic() - started < 15:
                board = app.dashboard.board
                if app.dashboard.line_lost is None and board.by_id[2].ticket.version > version:
                    break
                await pilot.pause(0.1)

            assert said_s < SAID_WITHIN_S and "reconnecting to the database…" in title, (said_s, title)
            assert app.dashboard.line_lost is None
            assert app.dashboard.board.by_id[2].ticket.timeline[-1].text == "called the client back"
            assert "reconnecting" not in str(app.dashboard.queue.border_title)
    finally:
        proxy.close()
