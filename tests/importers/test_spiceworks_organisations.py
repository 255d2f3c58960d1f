"""A Spiceworks export's organisations as tables of the desk's settings: names, domains, address, members."""

import copy
from datetime import datetime, timezone
from pathlib import Path

import orjson

from sopdash.core.organisations import Organisations
from sopdash.core.policy import SlaPolicy
from sopdash.importers.spiceworks import import_file
from sopdash.importers.spiceworks_organisations import organisation_tables
from sopdash.store.ticket_store import TicketStore

FIXTURE = Path(__file__).parent.parent / "fixtures" / "spiceworks_small.json"
NOW = datetime(2023, 5, 5, 12, 0, tzinfo=timezone.utc)


def export() -> dict:
    return orjson.loads(FIXTURE.read_bytes())


def test_the_fixtures_organisation_becomes_a_table():
    assert organisation_tables(export()) == ({"Example-Org": {"name": "Example Org"}}, [])


def test_domains_address_and_members_are_mapped_when_the_export_has_them():
    doc = export()
    doc["organizations"] = [
        {"id": 7, "name": "Client Co", "domain": "client.example.com", "email": "clientco@help.example.com"},
        {"name": "Client Co", "domains": ["@other.example"], "email": "not an address"},
        {"name": ""},
    ]
    doc["users"][2]["organization_id"] = 7
    doc["users"][2]["organization"] = None
    doc["users"].append({"import_id": 99, "email": "zoe@free.example", "organization": ["client co", "Client Co"]})
    tables, warnings = organisation_tables(doc)
    assert tables == {
        "Client-Co": {"name": "Client Co", "domains": ["client.example.com"], "address": "clientco@help.example.com",
                      "members": ["alice.requester@client.example.com", "zoe@free.example"]},
        "Client-Co-2": {"name": "Client Co", "domains": ["other.example"]},
    }
    assert warnings == ["organizations[1].email: 'not an address' is not an e-mail address (an email address must "
                        "have an @-sign); left out", "organizations[2]: no name; left out"]
    assert Organisations.from_config(tables).of("zoe@free.example")[0].key == "Client-Co"


def test_an_export_without_organisations_maps_none():
    doc = copy.deepcopy(export())
    del doc["organizations"]
    assert organisation_tables(doc) == ({}, [])


def test_imported_tickets_keep_the_policy_picked_at_import_and_a_reimport_keeps_it(tmp_path):
    store = TicketStore(tmp_path / "t.json", create=True)
    desk = {"organisations": {"Client": {"domains": ["client.example.com"]}},
            "sla": {"policies": [{"name": "client", "match": {"organisation": "Client"}}]}}
    import_file(FIXTURE, store, NOW, SlaPolicy.from_config(desk))
    picked = {t.source.external_id: (t.sla_policy, t.organisation) for t in store.history()}
    assert set(picked.values()) <= {("client", "Client"), ("default", "")} and ("client", "Client") in picked.values()
    import_file(FIXTURE, store, NOW, SlaPolicy.from_config({}))
    assert {t.source.external_id: (t.sla_policy, t.organisation) for t in store.history()} == picked
