"""A requester address in a Spiceworks export that no mail can carry is reported for its ticket, never a crash;
the ticket comes in without it, every other ticket as it was, and an address set in sopdash survives a re-import."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import orjson

from sopdash.core.model import Requester
from sopdash.importers.spiceworks import import_file, parse_export
from sopdash.store.ticket_store import TicketStore

FIXTURE = Path(__file__).parent.parent / "fixtures" / "spiceworks_small.json"
NOW = datetime(2023, 5, 5, 12, 0, tzinfo=timezone.utc)


def with_bad_address(address: str = "bob@@client.example.com") -> dict:
    """The small export with Bob Client's address (user 11, requester of ticket 102, tickets[1]) broken."""
    export = orjson.loads(FIXTURE.read_bytes())
    bob = next(user for user in export["users"] if user["import_id"] == 11)
    bob["email"] = address
    return export


def test_a_bad_address_is_reported_for_its_ticket_and_left_out():
    plan = parse_export(with_bad_address(), [], NOW)
    tickets = {t.source.external_id: t for t in plan.added}
    assert tickets["102"].requester.email == "" and tickets["102"].requester.name == "Bob Client"
    assert tickets["101"].requester.email == "alice.requester@client.example.com"
    (warning,) = [w for w in plan.warnings if "is not an e-mail address" in w]
    assert warning.startswith("tickets[1].created_by: requester e-mail 'bob@@client.example.com' is not an e-mail address (")
    assert "imported without it" in warning


def test_an_address_set_in_sopdash_survives_a_re_import(tmp_path):
    store = TicketStore(tmp_path / "t.json", create=True)
    path = tmp_path / "export.json"
    path.write_bytes(orjson.dumps(with_bad_address()))
    import_file(path, store, NOW)
    bob = next(t for t in store.history() if t.source.external_id == "102")
    store.update(bob.id, lambda t: t.evolve(requester=Requester("Bob Client", "bob@client.example.com")))
    plan = import_file(path, store, NOW)
    assert store.get(bob.id).requester.email == "bob@client.example.com"
    assert any("is not an e-mail address" in w for w in plan.warnings)


def test_the_import_goes_on_and_its_summary_says_which_ticket(tmp_path):
    path = tmp_path / "export.json"
    path.write_bytes(orjson.dumps(with_bad_address("[@client.example.com")))
    lines = import_file(path, TicketStore(tmp_path / "t.json", create=True), NOW).summary_lines()
    assert lines[0] == "tickets: 4 added, 0 updated, 0 unchanged"
    assert any(line.startswith("  tickets[1].created_by: requester e-mail '[@client.example.com' is not an e-mail")
               for line in lines)
