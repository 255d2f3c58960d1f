"""The ticket store's API, its refusal of bad files and its file permissions."""

import os
import re
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest

from sopdash.core.chain import without_seals
from sopdash.core.errors import ConflictError, InputError, RuleRefused, StoreError
from sopdash.core.model import Ticket, TimelineEntry
from sopdash.store.storage import SCHEMA_VERSION
from sopdash.store.ticket_store import TicketStore
from sopdash.store.lock import exclusive_lock, holder_text
from sopdash.core.documents import document
from sopdash.store.safe_files import Folder

CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def new_ticket(ticket_id: int, subject: str = "Printer jams") -> Ticket:
    return Ticket(id=ticket_id, subject=subject, created_at=CREATED)


@pytest.fixture
def store(tmp_path: Path) -> TicketStore:
    return TicketStore(tmp_path / "tickets.json", create=True)


def store_document(*tickets: dict, schema: object = SCHEMA_VERSION) -> bytes:
    return orjson.dumps({"meta": {"1": {"schema": schema}}, "tickets": {str(doc["id"]): doc for doc in tickets}})


def refuse(change_from: str):
    def change(ticket: Ticket) -> Ticket:
        raise RuleRefused(f"SOP says no ({change_from})")

    return change


# -- round trip, ids, versions ---------------------------------------------------------------


def test_new_store_is_empty_with_schema(store: TicketStore) -> None:
    assert store.history() == []
    assert orjson.loads(store.path.read_bytes())["meta"] == {"1": {"schema": SCHEMA_VERSION, "next_id": 1, "archived": {}}}


def test_add_update_load_round_trip(store: TicketStore) -> None:
    added = store.add(lambda ticket_id: new_ticket(ticket_id))
    note = TimelineEntry(at=CREATED, author="alice", kind="internal", text="rebooted it")
    updated = store.update(added.id, lambda t: t.evolve(priority="high", timeline=(note,)))

    assert store.history() == [updated]
    assert store.get(added.id) == updated
    assert updated.priority == "high" and without_seals(updated).timeline == (note,)


def test_ids_increase_and_version_starts_at_one(store: TicketStore) -> None:
    ids = [store.add(lambda ticket_id: new_ticket(ticket_id).evolve(version=9)) for _ in range(3)]

    assert [t.id for t in ids] == [1, 2, 3]
    assert {t.version for t in store.history()} == {1}


def test_update_increments_version(store: TicketStore) -> None:
    store.add(new_ticket)
    store.update(1, lambda t: t.evolve(subject="a"))
    assert store.update(1, lambda t: t.evolve(subject="b")).version == 3
    assert store.get(1).version == 3


def test_load_is_sorted_by_id(store: TicketStore) -> None:
    store.path.write_bytes(store_document(document(new_ticket(3)), document(new_ticket(1)), document(new_ticket(2))))
    assert [t.id for t in store.history()] == [1, 2, 3]


def test_add_many_numbers_after_highest_id(store: TicketStore) -> None:
    store.add(new_ticket)
    stored = store.add_many([new_ticket(0, "a"), new_ticket(0, "b")])

    assert [(t.id, t.subject, t.version) for t in stored] == [(2, "a", 1), (3, "b", 1)]
    assert store.history()[1:] == stored


def test_transact_updates_and_adds_in_one_replace(store: TicketStore) -> None:
    store.add(new_ticket)
    inode = os.stat(store.path).st_ino

    changed, added = store.transact(lambda current: ([current[0].evolve(subject="A")], [new_ticket(0, "b")]))

    assert [(t.id, t.subject, t.version) for t in changed + added] == [(1, "A", 2), (2, "b", 1)]
    assert store.history() == changed + added
    assert os.stat(store.path).st_ino != inode


# -- refusals write nothing ------------------------------------------------------------------


def test_stale_expected_version_is_a_conflict(store: TicketStore) -> None:
    store.add(new_ticket)
    store.update(1, lambda t: t.evolve(status="open"))
    before = store.path.read_bytes()

    with pytest.raises(ConflictError, match=r"ticket #1 changed since you looked at it \(now version 2\); reload"):
        store.update(1, lambda t: t.evolve(status="closed"), expected_version=1)
    assert store.path.read_bytes() == before
    assert store.update(1, lambda t: t.evolve(status="waiting"), expected_version=2).version == 3


def test_rule_refusal_writes_nothing(store: TicketStore) -> None:
    store.add(new_ticket)
    before, signature = store.path.read_bytes(), store.signature()

    with pytest.raises(RuleRefused, match="SOP says no"):
        store.update(1, refuse("update"))
    with pytest.raises(RuleRefused):
        store.add(refuse("add"))
    assert store.path.read_bytes() == before
    assert store.signature() == signature


def test_transact_with_a_stale_ticket_writes_neither_change(store: TicketStore) -> None:
    store.add(new_ticket)
    stale = store.get(1)
    store.update(1, lambda t: t.evolve(subject="changed meanwhile"))
    before = store.path.read_bytes()

    with pytest.raises(ConflictError):
        store.transact(lambda current: ([stale.evolve(subject="x")], [new_ticket(0, "b")]))
    assert store.path.read_bytes() == before


def test_unknown_ticket_is_an_input_error(store: TicketStore) -> None:
    with pytest.raises(InputError, match="no ticket #9"):
        store.get(9)
    with pytest.raises(InputError, match="no ticket #9"):
        store.update(9, lambda t: t)


def test_missing_store_says_how_to_create_one(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    with pytest.raises(StoreError, match=r"no ticket store at .*none\.json; create an empty one with `sopdash init --db .*none\.json`"):
        TicketStore(path)
    assert not path.exists()


def test_create_makes_the_directory_and_keeps_an_existing_store(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "tickets.json"
    TicketStore(path, create=True).add(new_ticket)

    assert [t.id for t in TicketStore(path, create=True).history()] == [1]


# -- corrupt files ----------------------------------------------------------------------------

VALID_TICKET = document(new_ticket(1))
UNREADABLE = {
    "garbage": (b"\x89PNG\r\n\x1a\n\x00\xffgarbage", "invalid JSON at line 1"),
    "truncated": (store_document(VALID_TICKET)[:-40], "invalid JSON at line 1"),
    "empty": (b"", "the file is empty"),
    "list": (b"[1, 2, 3]", "the top level is not a JSON object"),
    "plain tinydb": (b'{"_default": {"1": {"id": 1}}}', "no schema version"),
    "tickets not a table": (orjson.dumps({"meta": {"1": {"schema": 1}}, "tickets": [VALID_TICKET]}), "no tickets table"),
    "ticket not a document": (orjson.dumps({"meta": {"1": {"schema": 1}}, "tickets": {"1": "hi"}}), "tickets entry '1'"),
    "newer schema": (store_document(VALID_TICKET, schema=7), f"schema version 7; this sopdash understands {SCHEMA_VERSION} — upgrade sopdash"),
    "odd schema": (store_document(VALID_TICKET, schema="one"), "unknown schema version 'one'"),
}
INVALID_TICKET = {
    "bad priority": (store_document({**VALID_TICKET, "priority": "hgh"}), r"ticket 1 is invalid \(priority: 'hgh' is not one of"),
    "bad tier": (store_document({**VALID_TICKET, "tier": "three"}), "ticket 1 is invalid"),
    "id mismatch": (orjson.dumps({"meta": {"1": {"schema": 1}}, "tickets": {"1": {**VALID_TICKET, "id": 2}}}), "its id field says 2"),
}
CORRUPT = UNREADABLE | INVALID_TICKET


@pytest.fixture(params=list(CORRUPT), ids=list(CORRUPT))
def corrupt(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[TicketStore, bytes, str]:
    raw, message = CORRUPT[request.param]
    path = tmp_path / "tickets.json"
    path.write_bytes(raw)
    return TicketStore(path), raw, message


def test_corrupt_store_is_refused_by_load_and_left_untouched(corrupt: tuple[TicketStore, bytes, str]) -> None:
    store, raw, message = corrupt
    with pytest.raises(StoreError, match=message) as refused:
        store.history()
    assert str(store.path) in str(refused.value) and "\n" not in str(refused.value)
    assert store.path.read_bytes() == raw


def test_corrupt_store_is_refused_by_writes_and_left_untouched(corrupt: tuple[TicketStore, bytes, str]) -> None:
    store, raw, message = corrupt
    with pytest.raises(StoreError, match=message):
        store.update(1, lambda t: t.evolve(subject="x"))
    assert store.path.read_bytes() == raw


@pytest.mark.parametrize(("raw", "message"), list(UNREADABLE.values()), ids=list(UNREADABLE))
def test_unreadable_store_is_refused_by_add_and_left_untouched(tmp_path: Path, raw: bytes, message: str) -> None:
    path = tmp_path / "tickets.json"
    path.write_bytes(raw)
    with pytest.raises(StoreError, match=message):
        TicketStore(path).add(new_ticket)
    assert path.read_bytes() == raw


def test_a_write_elsewhere_keeps_an_invalid_ticket_as_it_was(tmp_path: Path) -> None:
    # writes validate only the tickets they touch (validating 50,000 per note is too slow); load() still refuses
    bad = {**document(new_ticket(2)), "priority": "hgh"}
    path = tmp_path / "tickets.json"
    path.write_bytes(store_document(VALID_TICKET, bad))
    store = TicketStore(path)

    store.update(1, lambda t: t.evolve(subject="fine"))

    assert orjson.loads(store.path.read_bytes())["tickets"]["2"] == bad
    with pytest.raises(StoreError, match="ticket 2 is invalid"):
        store.history()


def test_corrupt_store_is_refused_by_get_and_left_untouched(corrupt: tuple[TicketStore, bytes, str]) -> None:
    store, raw, message = corrupt
    with pytest.raises(StoreError, match=message):
        store.get(1)
    assert store.path.read_bytes() == raw


def test_corrupt_store_is_refused_by_open_tickets(corrupt: tuple[TicketStore, bytes, str]) -> None:
    store, raw, message = corrupt
    with pytest.raises(StoreError, match=message):
        store.open_tickets()
    assert store.path.read_bytes() == raw


def test_open_tickets_leave_the_closed_ones_unbuilt(tmp_path: Path) -> None:
    # `ticket list` looks only at the status of the live file's closed tickets (most of a busy live file)
    closed = {**document(new_ticket(2)), "status": "closed", "priority": "hgh"}
    path = tmp_path / "tickets.json"
    path.write_bytes(store_document(VALID_TICKET, closed))
    store = TicketStore(path)

    assert [ticket.id for ticket in store.open_tickets()] == [1]
    with pytest.raises(StoreError, match="ticket 2 is invalid"):
        store.history()


def test_get_builds_only_the_ticket_asked_for(tmp_path: Path) -> None:
    # showing one ticket skips the live file's others as bytes: another's fault neither blocks nor slows it
    bad = {**document(new_ticket(2)), "priority": "hgh"}
    path = tmp_path / "tickets.json"
    path.write_bytes(store_document(VALID_TICKET, bad))
    store = TicketStore(path)

    assert store.get(1).subject == "Printer jams"
    with pytest.raises(StoreError, match="ticket 2 is invalid"):
        store.get(2)


def test_corrupt_store_names_the_fix(corrupt: tuple[TicketStore, bytes, str]) -> None:
    store, _, _ = corrupt
    with pytest.raises(StoreError, match="restore it from a backup|upgrade sopdash"):
        store.history()


def test_check_names_every_invalid_ticket(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    path.write_bytes(store_document(VALID_TICKET, {**document(new_ticket(2)), "status": "gone"}, {**document(new_ticket(3)), "priority": "asap"}))

    report = TicketStore(path).check()

    assert f"schema: version {SCHEMA_VERSION}" in report and "tickets: 3 live, 0 archived in 0 months (2 invalid)" in report
    errors = [line for line in report if line.startswith("error:")]
    assert len(errors) == 2 and "ticket 2 is invalid (status" in errors[0] and "ticket 3 is invalid (priority" in errors[1]


def test_check_reports_an_unreadable_store_instead_of_raising(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    path.write_bytes(b"{oops")

    report = TicketStore(path).check()

    assert report[1].startswith("error:") and "invalid JSON" in report[1]
    assert any(line.startswith("lock:") for line in report)


# -- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o000])
def test_new_files_are_0660_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        store = TicketStore(tmp_path / "tickets.json", create=True)
        store.add(new_ticket)
    finally:
        os.umask(previous)

    assert store.path.stat().st_mode & 0o777 == 0o660
    assert store.lock_path.stat().st_mode & 0o777 == 0o660


def test_a_write_keeps_the_file_mode(store: TicketStore) -> None:
    store.path.chmod(0o640)
    store.add(new_ticket)
    assert store.path.stat().st_mode & 0o777 == 0o640


def test_check_warns_when_world_readable(store: TicketStore) -> None:
    assert not [line for line in store.check() if line.startswith("warning:")]
    store.path.chmod(0o664)

    warnings = [line for line in store.check() if line.startswith("warning:")]

    assert len(warnings) == 1 and "world-readable" in warnings[0] and f"chmod o-rwx {store.path}" in warnings[0]


def test_unreadable_store_names_path_and_fix(store: TicketStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(self: Folder, name: str) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Folder, "read", denied)
    with pytest.raises(StoreError, match=rf"cannot read {store.path}: permission denied; (give the group access|add yourself)"):
        store.history()


def test_unwritable_directory_names_it_and_writes_nothing(store: TicketStore, monkeypatch: pytest.MonkeyPatch) -> None:
    before = store.path.read_bytes()

    def denied(self: Folder, name: str) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Folder, "temp_file", denied)
    with pytest.raises(StoreError, match=rf"cannot write in {store.path.parent}: permission denied"):
        store.add(new_ticket)
    assert store.path.read_bytes() == before


def test_a_failed_write_leaves_no_temp_file(store: TicketStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(src: str, dst: object, **dir_fds: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(StoreError, match=rf"cannot write {store.path}: No space left on device"):
        store.add(new_ticket)
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        "tickets.json", "tickets.json.lock", "tickets.json.search.sqlite", "tickets.json.search.sqlite-journal"]


def test_a_long_wait_for_the_lock_names_the_holder_and_changes_nothing(store: TicketStore) -> None:
    with exclusive_lock(store.lock_path):
        with pytest.raises(StoreError, match=rf"gave up after 0.05 s queued .* {re.escape(holder_text())} held it .* nothing was changed"):
            with exclusive_lock(store.lock_path, timeout=0.05):
                pass


def test_a_waiting_writer_says_who_it_is_queued_behind(store: TicketStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sopdash.store.lock.WAIT_NOTICE_S", 0.01)
    told: list[str] = []
    with exclusive_lock(store.lock_path):
        with pytest.raises(StoreError):
            with exclusive_lock(store.lock_path, timeout=0.1, notify=told.append):
                pass
    assert told == [f"waiting for the store: queued behind {holder_text()}"]
    assert store.lock_path.read_text().strip() == ""  # the holder's name goes with the lock
