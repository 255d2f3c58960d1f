"""`sopdash ticket list` and the dashboard's queue are one order with one countdown text, on the demo store."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from dashboard_fixtures import CONFIG, NOW, fixture_settings, make_app, settle

from sopdash.cli.main import main
from sopdash.core.clocks import ClockReading
from sopdash.core.marks import clock_text
from sopdash.demo import write_demo_store


def demo_store(tmp_path: Path, monkeypatch) -> Path:
    store = tmp_path / "tickets.json"
    write_demo_store(store, NOW, fixture_settings().policy, count=120, seed=7)
    config = tmp_path / "config.toml"
    config.write_text(f'[calendar]\ntimezone = "{CONFIG["calendar"]["timezone"]}"\n', encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))
    monkeypatch.setenv("SOPDASH_NOW", NOW.isoformat())
    return store


def listed(store: Path, capsys, *options: str) -> list[dict]:
    assert main(["ticket", "list", "--json", "--db", str(store), *options]) == 0
    return json.loads(capsys.readouterr().out)


def cells(document: dict, zone) -> tuple[str, ...]:
    """The two countdowns of a `--json` ticket, as the queue writes them."""
    readings = []
    for clock in ("ack", "resolution"):
        sla = document["sla"][clock]
        due = datetime.fromisoformat(sla["due"]).timestamp() if sla["due"] else None
        readings.append(ClockReading(sla["state"], due, sla["remaining_s"], sla["target_s"]))
    return tuple(clock_text(reading, NOW, zone) for reading in readings)


async def test_ticket_list_json_is_in_the_dashboard_queue_order(tmp_path: Path, monkeypatch, capsys):
    store = demo_store(tmp_path, monkeypatch)
    open_only, everything = listed(store, capsys), listed(store, capsys, "--all")
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = [row.ticket for row in app.dashboard.queue.arrangement.rows]
        assert [d["id"] for d in open_only] == [t.id for t in shown if t.is_open]
        await pilot.press("f9")  # every ticket, closed too
        await settle(pilot)
        rows = app.dashboard.queue.arrangement.rows
        assert [d["id"] for d in everything] == [row.ticket.id for row in rows]
        for document, row in zip(everything, rows):
            clocks = row.clocks(app.dashboard.moment)
            on_screen = tuple(clock_text(r, app.dashboard.moment.now, app.dashboard.zone) for r in (clocks.ack, clocks.resolution))
            assert cells(document, app.dashboard.zone) == on_screen, document["id"]
