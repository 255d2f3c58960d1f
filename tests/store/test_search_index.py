"""The file store's search index beside the live file: kept in line with every write, caught up when a write did not
reach it, said by `check` and put right by `check --fix` and `store reindex`, never the source of truth."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sopdash.core.model import Ticket, TimelineEntry
from sopdash.core.search import parse_search
from sopdash.store.ticket_store import TicketStore
from sopdash.store.search_index import SearchIndex

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
KILLS = 12


def store_at(path: Path) -> TicketStore:
    return TicketStore(path, create=True, clock=lambda: NOW)


def noted(text: str):
    entry = TimelineEntry(at=NOW, author="amara", kind="internal", text=text)
    return lambda t: t.evolve(timeline=(*t.timeline, entry))


def found(store: TicketStore, typed: str) -> list[int]:
    return [hit.id for hit in store.search(parse_search(typed, "amara"))]


def index_lines(store: TicketStore) -> list[str]:
    return [line for line in store.check() if "search index" in line]


@pytest.fixture
def store(tmp_path: Path) -> TicketStore:
    store = store_at(tmp_path / "tickets.json")
    store.add_many([Ticket(id=0, subject=f"Printer {n}", created_at=NOW) for n in range(3)])
    return store


def test_a_new_store_has_an_index_with_the_stores_mode_and_group(store: TicketStore) -> None:
    index = SearchIndex(store.path)
    for path in (index.path, Path(f"{index.path}-journal")):
        status = os.lstat(path)
        assert stat.S_ISREG(status.st_mode)
        assert stat.S_IMODE(status.st_mode) == stat.S_IMODE(store.path.stat().st_mode) & 0o666
        assert status.st_gid == store.path.stat().st_gid
    assert index_lines(store) == ["ok: the search index holds all 3 tickets"]


def test_every_write_reaches_the_index(store: TicketStore) -> None:
    store.update(2, noted("toner replaced"))
    assert SearchIndex(store.path).in_line_with(store.signature())
    with sqlite3.connect(SearchIndex(store.path).path) as conn:
        assert conn.execute("SELECT version FROM tickets WHERE id = 2").fetchone() == (2,)
    assert found(store, "toner") == [2]


def test_a_write_the_index_missed_is_stale_and_caught_up(store: TicketStore, tmp_path: Path) -> None:
    index = SearchIndex(store.path).path
    saved = index.read_bytes()
    store.update(1, noted("toner replaced"))
    index.write_bytes(saved)  # as if the write had been killed between its commit and the index's
    assert index_lines(store) == [
        f"warning: the search index {index} is behind the store (a write did not reach it); "
        "`sopdash check --fix` or `sopdash store reindex` brings it in line"
    ]
    assert store.fix()[-1] == f"fixed: the search index {index} caught up with the store"
    assert index_lines(store) == ["ok: the search index holds all 3 tickets"]
    index.write_bytes(saved)
    assert found(store, "toner") == [1]  # a search catches it up too


def test_a_missing_or_broken_index_is_reported_and_rebuilt(store: TicketStore) -> None:
    index = SearchIndex(store.path).path
    index.unlink()
    assert index_lines(store) == [
        f"warning: the search index {index} is missing; `sopdash check --fix` or `sopdash store reindex` brings it in line"
    ]
    assert store.fix()[-1] == f"fixed: the search index {index} built anew (3 tickets)"
    index.write_bytes(b"not a database at all" * 100)
    assert "cannot be read" in index_lines(store)[0]
    told: list[str] = []
    store.notify = told.append
    assert found(store, "printer") == [3, 2, 1]
    assert told == [f"building the search index {index} (once; it is kept up to date from now on)"]


def test_reindex_builds_it_anew_with_archived_tickets(store: TicketStore) -> None:
    store.add(lambda i: Ticket(id=i, subject="Old printer", created_at=NOW - timedelta(days=90), status="closed",
                               closed_at=NOW - timedelta(days=80)))
    store.archive()
    assert store.reindex() == 4
    assert [(h.id, h.archived) for h in store.search(parse_search("old", "me"))] == [(4, True)]


def test_an_index_that_cannot_be_updated_never_fails_the_write(store: TicketStore, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"mine")
    index = SearchIndex(store.path).path
    index.unlink()
    index.symlink_to(victim)  # planted by a colleague
    told: list[str] = []
    store.notify = told.append
    store.update(1, noted("toner replaced"))
    assert store.get(1).timeline[-1].text == "toner replaced"
    assert victim.read_bytes() == b"mine"
    assert told and told[0].startswith("the search index was not updated (") and "symbolic link" in told[0]
    assert "symbolic link" in index_lines(store)[0]


def test_a_link_planted_as_the_journal_is_refused(store: TicketStore, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"mine")
    journal = Path(f"{SearchIndex(store.path).path}-journal")
    journal.unlink()
    journal.symlink_to(victim)
    store.update(1, noted("toner replaced"))
    assert victim.read_bytes() == b"mine"
    assert "behind the store" in index_lines(store)[0] or "symbolic link" in index_lines(store)[0]


def write_in_child(path: Path) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            store = TicketStore(path, clock=lambda: NOW)
            for n in range(1000):
                store.update(1 + n % 3, noted(f"note {n}"))
        finally:
            os._exit(0)
    return pid


def test_kill_9_during_writes_leaves_an_index_check_finds_in_line_or_rebuilds(tmp_path: Path) -> None:
    rng = random.Random(25)
    for n in range(KILLS):
        store = store_at(tmp_path / f"run{n}" / "tickets.json")
        store.add_many([Ticket(id=0, subject=f"Printer {k}", body="x " * 3000, created_at=NOW) for k in range(3)])
        pid = write_in_child(store.path)
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        line = index_lines(store)[0]
        if not line.startswith("ok:"):
            assert "behind the store" in line
            assert store.fix()[-1].startswith("fixed: the search index")
        assert index_lines(store) == ["ok: the search index holds all 3 tickets"]
        newest = max((t.timeline[-1].text for t in store.live() if t.timeline), key=lambda s: int(s.split()[1]),
                     default=None)
        if newest is not None:
            assert found(store, f'"{newest}"')


def test_a_rebuild_reads_the_history_without_the_lock_and_keeps_a_write_made_meanwhile(store: TicketStore) -> None:
    index = SearchIndex(store.path)

    @contextmanager
    def locked_after_a_write():
        store.update(3, noted("toner replaced meanwhile"))  # another technician, while the history was read
        with store._locked():
            yield

    assert index.rebuild(store.signature, locked_after_a_write) == 3
    assert index_lines(store) == ["ok: the search index holds all 3 tickets"]
    assert found(store, "meanwhile") == [3]
    assert [p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_store_put_back_from_another_copy_is_told_apart_by_its_seals(store: TicketStore, tmp_path: Path) -> None:
    other = store_at(tmp_path / "other" / "tickets.json")
    other.add_many([Ticket(id=0, subject=f"Scanner {n}", created_at=NOW) for n in range(3)])
    other.update(1, noted("scanner glass cracked"))
    store.update(1, noted("printer toner replaced"))  # same ids and versions as the other copy
    store.path.write_bytes(other.path.read_bytes())  # put back from the other copy by hand
    assert "behind the store" in index_lines(store)[0]
    assert found(store, "glass") == [1] and found(store, "toner") == []
