"""Attack: a timeline entry edited by hand in the store (an author, a text, a time…). Every write seals the
entries it adds (core/chain.py), and `sopdash check` names the ticket and the entry whose seal no longer
matches; a store written before sealing is reported, not failed, and sealed by its next writes. On the file
and on PostgreSQL (there edited as the database's superuser, past the guard trigger)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import msgspec
import orjson
import psycopg
import pytest

from sopdash.core import rules
from sopdash.core.model import Delivery, Requester
from sopdash.store.opening import open_store

CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
Doc = dict


class Desk:
    """A store to write through sopdash and to edit by hand beneath it."""

    def __init__(self, location: str, admin_url: str | None = None) -> None:
        self.location, self.admin_url = location, admin_url
        self.store = open_store(location, create=True)

    def ticket_with_history(self) -> int:
        """A ticket created, acknowledged and noted, each at its own minute; returns its id."""
        ann = Requester("Ann", "ann@example.com")
        ticket = self.store.add(lambda new_id: rules.create(new_id, "VPN down", ann, CREATED, "amara"))
        self.store.update(ticket.id, lambda t: rules.acknowledge(t, "amara", CREATED + timedelta(minutes=5), "On it."))
        self.store.update(ticket.id, lambda t: rules.note(t, "amara", CREATED + timedelta(minutes=9), "rebooted the router"))
        return ticket.id

    def edit(self, ticket_id: int, change: Callable[[Doc], None]) -> None:
        """Change the ticket's stored document as someone with write access would, without sopdash."""
        if self.admin_url is None:
            path = Path(self.location)
            store = orjson.loads(path.read_bytes())
            change(store["tickets"][str(ticket_id)])
            path.write_bytes(orjson.dumps(store))
            return
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute("SET session_replication_role = replica")  # the superuser switches the guard trigger off
            doc = conn.execute("SELECT doc FROM sopdash.tickets WHERE id = %s", (ticket_id,)).fetchone()[0]
            change(doc)
            conn.execute("UPDATE sopdash.tickets SET doc = %s::json WHERE id = %s",
                         (orjson.dumps(doc).decode(), ticket_id))


@pytest.fixture(params=["file", "postgresql"])
def desk(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "config.toml"))
    if request.param == "file":
        yield Desk(str(tmp_path / "tickets.json"))
        return
    database = request.getfixturevalue("postgres_db")
    desk = Desk(database.url("amara"), database.admin_url)
    yield desk
    desk.store.close()


def check(sopdash, desk: Desk):
    return sopdash("check", "--db", desk.location)


def test_a_store_written_by_sopdash_checks_ok(desk, sopdash):
    desk.ticket_with_history()
    desk.ticket_with_history()
    result = check(sopdash, desk)
    assert result.code == 0, result.out
    assert "timeline seals: 2 tickets sealed, 0 problems" in result.out.splitlines()


def set_field(name: str, value: object) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc["timeline"][2][name] = value

    return change


def remove_entry(index: int) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        del doc["timeline"][index]

    return change


def add_entry(doc: Doc) -> None:
    doc["timeline"].insert(3, {"at": "2026-03-02T09:40:00+00:00", "author": "amara", "kind": "internal", "text": "x"})


HAND_EDITS = {
    "author of the acknowledgement": (set_field("author", "bo"), "timeline entry 3 (2026-03-02T09:35:00+00:00, bo)"),
    "text of the reply": (set_field("text", "Fixed it already."), "timeline entry 3 ("),
    "time of the reply": (set_field("at", "2026-03-02T09:31:00+00:00"), "timeline entry 3 (2026-03-02T09:31:00+00:00"),
    "kind of the reply": (set_field("kind", "internal"), "timeline entry 3 ("),
    "an entry removed": (remove_entry(1), "seal number 3 where 2 belongs"),
    "the newest entry removed": (remove_entry(-1), "timeline entries were removed"),
    "an entry added": (add_entry, "entries without a seal was added"),
}


@pytest.mark.parametrize("edit", list(HAND_EDITS.values()), ids=list(HAND_EDITS))
def test_a_hand_edit_of_the_timeline_is_found_and_named(desk, sopdash, edit):
    desk.ticket_with_history()
    second = desk.ticket_with_history()
    change, where = edit
    desk.edit(second, change)
    result = check(sopdash, desk)
    assert result.code == 2
    errors = [line for line in result.out.splitlines() if line.startswith("error:")]
    assert errors and all(line.startswith(f"error: ticket #{second}: ") for line in errors), result.out
    assert where in errors[0], errors


def test_a_hand_edit_is_found_after_more_writes_too(desk, sopdash):
    ticket_id = desk.ticket_with_history()
    desk.edit(ticket_id, set_field("author", "bo"))
    desk.store.update(ticket_id, lambda t: rules.note(t, "amara", CREATED + timedelta(hours=1), "called back"))
    result = check(sopdash, desk)
    assert result.code == 2 and f"error: ticket #{ticket_id}: timeline entry 3 " in result.out


def test_mail_delivery_records_move_on_without_breaking_a_seal(desk, sopdash):
    ticket_id = desk.ticket_with_history()

    def sent(ticket):
        timeline = tuple(msgspec.structs.replace(e, delivery=Delivery("sent", "<m@x>", "ann@example.com", 1))
                         if e.kind == "public" else e for e in ticket.timeline)
        return ticket.evolve(timeline=timeline)

    desk.store.annotate({ticket_id: sent})
    assert check(sopdash, desk).code == 0


def strip_seals(doc: Doc) -> None:
    """The document as sopdash wrote it before sealing."""
    doc.pop("timeline_seal", None)
    for entry in doc["timeline"]:
        entry.pop("seal", None)


def test_an_old_store_without_seals_is_reported_not_failed_and_sealed_where_it_stands(desk, sopdash):
    old = [desk.ticket_with_history(), desk.ticket_with_history()]
    for ticket_id in old:
        desk.edit(ticket_id, strip_seals)

    result = check(sopdash, desk)
    assert result.code == 0, result.out
    assert f"timeline seals: 2 tickets not sealed yet (#{old[0]}, #{old[1]}): written before sealing" in result.out

    desk.store.update(old[0], lambda t: rules.note(t, "amara", CREATED + timedelta(hours=1), "called back"))
    result = check(sopdash, desk)
    assert result.code == 0, result.out
    assert "timeline seals: 1 tickets sealed, 0 problems" in result.out
    assert f"1 tickets not sealed yet (#{old[1]})" in result.out
    entries = desk.store.get(old[0]).timeline
    assert [bool(e.seal) for e in entries] == [False] * (len(entries) - 1) + [True]  # old entries stay as they were

    desk.edit(old[0], set_field("author", "bo"))  # an entry from before sealing, edited after it
    result = check(sopdash, desk)
    assert result.code == 2 and f"error: ticket #{old[0]}: timeline entry" in result.out


def test_mail_intake_s_write_seals_what_it_adds(desk, sopdash):
    """`transact_by_id`, the write mail intake makes: the entries it adds to fetched tickets and the tickets it
    makes are sealed; a fetched ticket from before sealing is sealed where it stands, its old entries untouched
    (on PostgreSQL the guard trigger refuses any change to them)."""
    sealed, old = desk.ticket_with_history(), desk.ticket_with_history()
    desk.edit(old, strip_seals)
    later = CREATED + timedelta(hours=1)

    def plan(fetch):
        replies = [rules.note(fetch(ticket_id), "amara", later, "a reply by mail") for ticket_id in (sealed, old)]
        return replies, [lambda new_id: rules.create(new_id, "Printer jams", Requester("Cy", "cy@example.com"), later, "mail")]

    changed, (made,) = desk.store.transact_by_id(plan)
    result = check(sopdash, desk)
    assert result.code == 0, result.out
    assert "timeline seals: 3 tickets sealed, 0 problems" in result.out.splitlines()
    assert made.timeline_seal and all(entry.seal for entry in desk.store.get(made.id).timeline)
    entries = desk.store.get(old).timeline
    assert [bool(e.seal) for e in entries] == [False] * (len(entries) - 1) + [True]
