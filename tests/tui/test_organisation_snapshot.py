"""How organisations look on the dashboard at 120x40: the ORG column, and the detail pane's organisation and SLA
policy lines (the fixture's tickets were opened before the desk had policies, so they keep `default`)."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import CONFIG, ME, NOW, settle

from sopdash.clock import fixed_clock
from sopdash.config import settings_from_document
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp

CLIENTS = {
    "organisations": {"ACME": {"name": "Acme Corp", "members": ["dana@example.com", "lee@example.com"]},
                      "Initech": {"members": ["ann@example.com", "dana@example.com"]}},
    "sla": {"policies": [{"name": "gold", "match": {"organisation": "ACME"}, "urgent": {"ack": "10m"}}]},
}


async def on_dana(pilot) -> None:
    """Ticket #1, whose requester is in both organisations (second in the queue)."""
    await settle(pilot)
    await pilot.press("j")
    await settle(pilot)


def test_organisations_on_the_dashboard_120x40(snap_compare, store_path: Path):
    settings = settings_from_document({**CONFIG, **CLIENTS}, Path("config.toml"))
    store = TicketStore(store_path, clock=fixed_clock(NOW))
    app = SopdashApp(Desk(store, settings.policy, settings.roster, ME, fixed_clock(NOW)), settings)
    assert snap_compare(app, terminal_size=(120, 40), run_before=on_dana)
