"""The dashboard and `sopdash ticket show --json` agree on every due time (issue: SLA clocks done right)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dashboard_fixtures import NOW, fixture_tickets, make_app, settle, write_store

from sopdash.cli.main import main

NEW_YORK = ZoneInfo("America/New_York")


def shown_due(iso: str) -> str:
    """A due instant as the detail pane writes it, in the calendar's zone."""
    return f"due {datetime.fromisoformat(iso).astimezone(NEW_YORK):%a %d %b %H:%M %Z}"


async def test_every_due_time_on_screen_matches_ticket_show_json(tmp_path: Path, monkeypatch, capsys):
    store_path = write_store(tmp_path / "tickets.json", fixture_tickets())
    config = tmp_path / "config.toml"
    config.write_text('[calendar]\ntimezone = "America/New_York"\n')
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))
    monkeypatch.setenv("SOPDASH_NOW", NOW.isoformat())
    slas = {}
    for ticket in fixture_tickets():
        assert main(["ticket", "show", str(ticket.id), "--json", "--db", str(store_path)]) == 0
        slas[ticket.id] = json.loads(capsys.readouterr().out)["sla"]
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for ticket_id, sla in slas.items():
            app.dashboard.goto_ticket(ticket_id)
            await settle(pilot)
            shown = app.dashboard.detail.plain_text()
            for clock in ("ack", "resolution"):
                if sla[clock]["due"]:
                    assert shown_due(sla[clock]["due"]) in shown, (ticket_id, clock)
