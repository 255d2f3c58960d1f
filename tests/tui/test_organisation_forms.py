"""`N` and `E` say which organisation the requester resolves to and the SLA policy the desk would pick; a ticket
created or corrected from the keyboard keeps that policy."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from dashboard_fixtures import CONFIG, ME, NOW, fixture_tickets, keys, settle, typed, write_store

from sopdash.clock import fixed_clock
from sopdash.config import settings_from_document
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp
from sopdash.tui.dialogs.ticket_form_dialogs import EditTicketDialog, NewTicketDialog

CLIENTS = {
    "organisations": {"ACME": {"name": "Acme Corp", "domains": ["acme.com"]}},
    "sla": {"policies": [{"name": "gold", "match": {"organisation": "ACME"}, "urgent": {"ack": "10m"}}]},
}


def app_on(path: Path) -> SopdashApp:
    settings = settings_from_document({**CONFIG, **CLIENTS}, Path("config.toml"))
    return SopdashApp(Desk(TicketStore(path), settings.policy, settings.roster, ME, fixed_clock(NOW)), settings)


@asynccontextmanager
async def form(tmp_path, key, dialog):
    """A dashboard on the fixture store with the form `key` opens."""
    path = write_store(tmp_path / "t.json", fixture_tickets())
    async with app_on(path).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, key)
        assert isinstance(pilot.app.screen, dialog)
        yield pilot, path


def hint(pilot) -> str:
    return str(pilot.app.screen.query_one("#client-hint").render())


async def test_the_new_ticket_form_names_the_organisation_and_policy(tmp_path):
    async with form(tmp_path, "N", NewTicketDialog) as (pilot, path):
        await typed(pilot, "VPN down")
        await keys(pilot, "enter")
        assert hint(pilot) == "Organisation: none · SLA default"
        await typed(pilot, "Bob <bob@eu.acme.com>")
        assert hint(pilot) == "Organisation: Acme Corp · SLA gold (organisation ACME)"
        await keys(pilot, "enter")
        await typed(pilot, "urgent")
        await keys(pilot, "ctrl+s")
        await settle(pilot)
        created = TicketStore(path).get(11)
        assert (created.requester.email, created.sla_policy) == ("bob@eu.acme.com", "gold")


async def test_the_edit_form_says_what_a_new_address_would_pick(tmp_path):
    async with form(tmp_path, "E", EditTicketDialog) as (pilot, _):
        assert "Organisation: none" in hint(pilot)
        email = pilot.app.screen.query_one("#email")
        email.value = "carol@acme.com"
        await settle(pilot)
        assert "Acme Corp · SLA gold" in hint(pilot)
