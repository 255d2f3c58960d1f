"""Live file and archive: closed tickets move to month files, come back when reopened, and a crash loses nothing."""

import os
import random
import shutil
import signal
import stat
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
from tinydb import TinyDB
import pytest

from sopdash.core.errors import InputError, StoreError
from sopdash.core.limits import MAX_TICKET_ID
from sopdash.core.model import Ticket
from sopdash.store.ticket_store import TicketStore
from sopdash.store.archive import month_path
from sopdash.store.storage import OrjsonStorage
from sopdash.core.documents import document

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def ticket(days_ago: float, closed_days_ago: float | None = None, subject: str = "Printer jams") -> Ticket:
    """A ticket created days_ago, closed closed_days_ago if given."""
    created = NOW - timedelta(days=days_ago)
    if closed_days_ago is None:
        return Ticket(id=0, subject=subject, created_at=created, status="open")
    return Ticket(id=0, subject=subject, created_at=created, status="closed", closed_at=NOW - timedelta(days=closed_days_ago))


def store_at(path: Path, now: datetime = NOW, **options) -> TicketStore:
    return TicketStore(path, create=True, clock=lambda: now, **options)


@pytest.fixture
def store(tmp_path: Path) -> TicketStore:
    store = store_at(tmp_path / "tickets.json")
    # ids 1..4: open; closed 3 days ago; closed in March; closed in June
    store.add_many([ticket(5), ticket(9, 3), ticket(300, 260), ticket(170, 160)])
    return store


def listed(store: TicketStore) -> dict[str, list[int]]:
    return orjson.loads(store.path.read_bytes())["meta"]["1"]["archived"]


def test_old_closed_tickets_go_to_their_closing_month(store: TicketStore) -> None:
    assert [t.id for t in store.live()] == [1, 2]
    assert listed(store) == {"2026-03": [3], "2026-06": [4]}
    assert [t.id for t in store.history()] == [1, 2, 3, 4]
    month = month_path(store.path, "2026-03")
    assert month == store.path.parent / "tickets.json.archive" / "2026-03.json"
    assert list(orjson.loads(month.read_bytes())["tickets"]) == ["3"]


def test_an_archived_ticket_is_read_from_its_month_alone(store: TicketStore) -> None:
    month_path(store.path, "2026-06").write_text("not json")
    assert store.get(3).subject == "Printer jams"
    with pytest.raises(StoreError, match="2026-06.json is not a sopdash store"):
        store.get(4)


def test_history_since_reads_only_the_months_it_needs(store: TicketStore) -> None:
    month_path(store.path, "2026-03").write_text("not json")
    assert [t.id for t in store.history(NOW - timedelta(days=200))] == [1, 2, 4]
    with pytest.raises(StoreError, match="2026-03.json is not a sopdash store"):
        store.history()


def test_reopening_an_archived_ticket_brings_it_back_to_the_live_file(store: TicketStore) -> None:
    reopened = store.update(3, lambda t: t.evolve(status="open", closed_at=None))
    assert [t.id for t in store.live()] == [1, 2, 3]
    assert listed(store) == {"2026-06": [4]}
    assert store.get(3) == reopened and [t.id for t in store.history()] == [1, 2, 3, 4]
    assert not [line for line in store.check() if line.startswith("error:")]


def test_a_changed_archived_ticket_goes_back_to_its_month_on_a_later_write(store: TicketStore) -> None:
    store.update(4, lambda t: t.evolve(subject="edited"))
    assert 4 in [t.id for t in store.live()]
    store.add(lambda new_id: ticket(0).evolve(id=new_id))
    assert listed(store)["2026-06"] == [4] and store.get(4).subject == "edited"


def test_ids_are_never_reused_even_when_the_highest_is_archived(tmp_path: Path) -> None:
    store = store_at(tmp_path / "tickets.json")
    store.add_many([ticket(5), ticket(100, 90)])
    assert [t.id for t in store.live()] == [1]
    assert store.add(lambda new_id: ticket(0).evolve(id=new_id)).id == 3


def test_moves_wait_for_a_day_of_them_unless_asked(tmp_path: Path) -> None:
    store = store_at(tmp_path / "tickets.json")
    store.add_many([ticket(20, 14.5)])  # due for half a day
    assert [t.id for t in store.live()] == [1]
    assert store.archive() == 1
    assert store.live() == [] and [t.id for t in store.history()] == [1]


def test_archive_after_is_the_stores_setting(tmp_path: Path) -> None:
    store = store_at(tmp_path / "tickets.json", archive_after=timedelta(days=60))
    store.add_many([ticket(100, 30), ticket(100, 90)])
    assert [t.id for t in store.live()] == [1]


def test_month_files_share_the_live_files_permissions(store: TicketStore) -> None:
    for path in store.path.parent.glob("tickets.json.archive/*.json"):
        assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(store.path.stat().st_mode) == 0o660
    assert not stat.S_IMODE(store.path.with_name("tickets.json.archive").stat().st_mode) & 0o007


def test_a_missing_ticket_is_still_an_input_error(store: TicketStore) -> None:
    with pytest.raises(InputError, match="no ticket #9"):
        store.get(9)


# -- an old single-file store ------------------------------------------------------------------


def old_store(path: Path, tickets: list[Ticket]) -> None:
    docs = {str(n): document(t.evolve(id=n, version=1)) for n, t in enumerate(tickets, 1)}
    path.write_bytes(orjson.dumps({"meta": {"1": {"schema": 1}}, "tickets": docs}))


def test_an_old_single_file_store_is_read_as_it_is_and_split_on_the_first_write(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    old_store(path, [ticket(5), ticket(300, 260), ticket(170, 160)])
    told: list[str] = []
    store = TicketStore(path, clock=lambda: NOW, notify=told.append)
    before = store.history()
    assert store.is_single_file() and [t.id for t in store.live()] == [1, 2, 3]

    store.update(1, lambda t: t.evolve(subject="first write"))

    assert not store.is_single_file()
    assert [t.id for t in store.live()] == [1] and listed(store) == {"2026-03": [2], "2026-06": [3]}
    assert store.history()[1:] == before[1:]
    assert told == [f"split the single-file store {path}: 2 closed tickets moved to 2 month files in {tmp_path / 'tickets.json.archive'}"]
    assert store.add(lambda new_id: ticket(0).evolve(id=new_id)).id == 4


# -- check ---------------------------------------------------------------------------------------


def edit_live(store: TicketStore, change) -> None:
    document = orjson.loads(store.path.read_bytes())
    change(document)
    store.path.write_bytes(orjson.dumps(document))


def test_check_names_a_ticket_in_two_places(store: TicketStore) -> None:
    edit_live(store, lambda doc: doc["meta"]["1"]["archived"]["2026-06"].append(1))
    assert "error: ticket 1 is in 2 places (live file and archive months); restore the store from a backup" in store.check()


def test_check_names_a_ticket_in_no_place(store: TicketStore) -> None:
    edit_live(store, lambda doc: doc["meta"]["1"]["archived"]["2026-06"].append(7))
    assert any(line.startswith("error: ticket 7 is in no file") for line in store.check())


def test_check_counts_live_and_archived_tickets(store: TicketStore) -> None:
    assert "tickets: 2 live, 2 archived in 2 months (0 invalid)" in store.check()


# -- kill -9 during a move ----------------------------------------------------------------------

KILLS = 50


def crash_store(path: Path) -> list[Ticket]:
    """An old single-file store of 200 tickets, 180 of them closed over a year: splitting it writes 12 month files."""
    rng = random.Random(7)
    tickets = [ticket(rng.uniform(20, 380), None) for _ in range(20)]
    for _ in range(180):
        closed = rng.uniform(15, 365)
        tickets.append(ticket(closed + rng.uniform(0, 5), closed, subject="x" * rng.randint(100, 3000)))
    old_store(path, tickets)
    return TicketStore(path).history()


def archive_in_child(path: Path) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            TicketStore(path, clock=lambda: NOW).update(1, lambda t: t.evolve(subject="moved"))
        finally:
            os._exit(0)
    return pid


def test_kill_9_during_a_move_never_loses_or_duplicates_a_ticket(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    original = crash_store(base / "tickets.json")
    shutil.copytree(base, tmp_path / "timing")
    started = time.perf_counter()
    os.waitpid(archive_in_child(tmp_path / "timing" / "tickets.json"), 0)
    whole = time.perf_counter() - started
    rng = random.Random(12)
    for n in range(KILLS):
        copy = shutil.copytree(base, tmp_path / f"run{n}")
        pid = archive_in_child(copy / "tickets.json")
        time.sleep(rng.uniform(0, whole))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)

        store = TicketStore(copy / "tickets.json", clock=lambda: NOW)
        assert [line for line in store.check() if line.startswith("error:")] == []
        after = store.history()
        assert [t.id for t in after] == [t.id for t in original]
        assert [t for t in after if t.id != 1] == original[1:]
        store.archive()
        assert [t for t in store.history() if t.id != 1] == original[1:] and len(store.live()) == 20
        shutil.rmtree(copy)


def test_ids_stop_at_the_highest_sopdash_keeps(tmp_path: Path) -> None:
    store = store_at(tmp_path / "tickets.json")
    edit_live(store, lambda doc: doc["meta"]["1"].update(next_id=MAX_TICKET_ID))
    assert store.add(lambda new_id: ticket(0).evolve(id=new_id)).id == MAX_TICKET_ID
    with pytest.raises(StoreError, match="ticket ids have reached"):
        store.add(lambda new_id: ticket(0).evolve(id=new_id))


def test_tinydb_opens_the_live_file_and_every_month(store: TicketStore) -> None:
    files = [store.path, *sorted(store.path.parent.glob("tickets.json.archive/*.json"))]
    found = [sorted(doc.doc_id for doc in TinyDB(path, storage=OrjsonStorage).table("tickets").all()) for path in files]
    assert found == [[1, 2], [3], [4]]
