"""A running dashboard follows the desk's settings: a policy change made by another process (another technician's
`sopdash config set`) reaches it within seconds, says who changed what, and counts the clocks anew."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

from dashboard_fixtures import ME, NOW, fixture_settings, fixture_tickets, settle, write_store

from sopdash.clock import fixed_clock
from sopdash.desk import Desk
from sopdash.desk.identity import current_login
from sopdash.desk.settings import DeskSettings
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp

WITHIN_S = 5.0
DESK = '[calendar]\ntimezone = "America/New_York"\n\n[sla.high]\nack = "1h"\n'


def dashboard_following(store) -> SopdashApp:
    """The dashboard as `sopdash` opens it: the desk's settings read beside the store, and watched."""
    watched = DeskSettings(store)
    settings = fixture_settings().with_desk(watched.read())
    desk = Desk(TicketStore(store, clock=fixed_clock(NOW)), settings.policy, settings.roster, ME, fixed_clock(NOW),
                settings.mail, watched)
    return SopdashApp(desk, settings)


async def another_technician(*argv: str, store, config) -> None:
    env = {**os.environ, "SOPDASH_DB": str(store), "SOPDASH_CONFIG": str(config)}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "sopdash", *argv, env=env,
                                                   stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    _, err = await process.communicate()
    assert process.returncode == 0, err


async def test_a_policy_change_by_another_process_reaches_a_running_dashboard(tmp_path):
    store = write_store(tmp_path / "tickets.json", fixture_tickets())
    store.with_name("tickets.json.settings.toml").write_text(DESK, encoding="utf-8")
    (tmp_path / "theirs.toml").write_text("", encoding="utf-8")
    app = dashboard_following(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        board = app.dashboard.board
        assert app.desk.policy.targets["high"].ack_s == 3600

        await another_technician("config", "set", "sla.high.ack", "30m", store=store, config=tmp_path / "theirs.toml")
        started = time.perf_counter()
        while app.desk.policy.targets["high"].ack_s != 1800 and time.perf_counter() - started < WITHIN_S:
            await pilot.pause(0.05)
        await settle(pilot)

        assert app.desk.policy.targets["high"].ack_s == 1800, "the dashboard did not take the new policy in 5 s"
        assert app.settings.desk.document["sla"]["high"]["ack"] == "30m"
        assert app.dashboard.board is not board  # the clocks were counted anew on the new policy
        said = [str(n.message) for n in app._notifications]
        assert f"Desk settings changed by {current_login()}: sla.high.ack 1h → 30m" in said
    log = store.with_name("tickets.json.settings.log.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["changes"] for line in log] == [[{"key": "sla.high.ack", "from": '"1h"', "to": '"30m"'}]]


async def test_settings_that_cannot_be_used_leave_the_dashboard_on_the_previous_ones(tmp_path):
    store = write_store(tmp_path / "tickets.json", fixture_tickets())
    settings_file = store.with_name("tickets.json.settings.toml")
    settings_file.write_text(DESK, encoding="utf-8")
    app = dashboard_following(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        settings_file.write_text(DESK.replace('"1h"', '"99h"'), encoding="utf-8")  # edited by hand, badly
        said: list[str] = []
        for _ in range(60):
            await pilot.pause(0.05)
            said = [str(n.message) for n in app._notifications]
            if any("cannot be used" in m for m in said):
                break
        assert any("cannot be used" in m and "sla.high.ack" in m for m in said), said
        assert app.desk.policy.targets["high"].ack_s == 3600


async def test_a_slow_settings_source_never_holds_up_the_screen(tmp_path):
    store = write_store(tmp_path / "tickets.json", fixture_tickets())
    store.with_name("tickets.json.settings.toml").write_text(DESK, encoding="utf-8")
    app = dashboard_following(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        backend = app.desk.settings.backend
        backend.signature = lambda: time.sleep(1.5)  # a database that answers slowly (an outage, a lock)
        started = time.perf_counter()
        app.dashboard.tick()
        assert time.perf_counter() - started < 0.5
        before = app.dashboard.queue.cursor
        await pilot.press("j")
        assert app.dashboard.queue.cursor != before
