"""Each archive month's derived index: written with its month, never believed when it does not match, made again
when missing or stale, never followed through a link; `ticket show` of an archived ticket reads only its own bytes;
history in pages gives every ticket exactly once, newest first."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopdash.core.model import Ticket
from sopdash.core.summary import page_key
from sopdash.store.ticket_store import TicketStore
from sopdash.store import ticket_store
from sopdash.store.archive_index import encode_month, index_name, read_index
from sopdash.store.contract import Store
from sopdash.store.safe_files import store_directory
from sopdash.store.storage import read_raw_file

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def closed(days_ago: float, subject: str = "Printer jams") -> Ticket:
    """A ticket closed days_ago, due for the archive."""
    return Ticket(id=0, subject=subject, created_at=NOW - timedelta(days=days_ago + 2), status="closed",
                  closed_at=NOW - timedelta(days=days_ago))


def archived_store(tmp_path: Path, tickets: list[Ticket]) -> TicketStore:
    store = TicketStore(tmp_path / "tickets.json", create=True, clock=lambda: NOW)
    store.add_many(tickets)
    store.archive()
    return store


def month_files(store: TicketStore) -> tuple[Path, Path]:
    """(the one month file, its index)."""
    (month,) = (store.path.parent / "tickets.json.archive").glob("*.json")
    return month, month.with_name(index_name(month.stem))


def index_of(store: TicketStore, month: Path):
    with store_directory(store.path) as home, home.folder(month.parent.name) as folder:
        return read_index(folder, month.stem)


def test_the_index_is_written_with_its_month_and_matches_it(tmp_path: Path) -> None:
    store = archived_store(tmp_path, [closed(40, "one"), closed(40, "two")])
    month, index_path = month_files(store)

    index = index_of(store, month)
    assert index is not None and [s.subject for s in index.summaries] == ["one", "two"]
    data = month.read_bytes()
    assert [data[s.offset:s.offset + s.length][:8] for s in index.spans()] == [b'{"id":1,', b'{"id":2,']
    written = read_raw_file(month)
    assert encode_month(written.meta, written.tickets)[0] == written.encode() == data  # what a rebuild relies on
    assert not [line for line in store.check() if ".index" in line]


def test_an_archived_ticket_is_read_from_its_own_bytes_only(tmp_path: Path) -> None:
    store = archived_store(tmp_path, [closed(40, "wanted"), closed(40, "damaged")])
    month, _ = month_files(store)
    status = month.stat()
    data = month.read_bytes()
    start = data.index(b'"damaged"')
    month.write_bytes(data[:start] + b'"' + b"\x00" * 8 + data[start + 9:])  # the same size, and no longer JSON
    os.utime(month, ns=(status.st_atime_ns, status.st_mtime_ns))

    assert store.get(1).subject == "wanted"


def test_a_stale_index_is_not_believed_and_is_made_again(tmp_path: Path) -> None:
    store = archived_store(tmp_path, [closed(40, "one"), closed(40, "two")])
    month, index_path = month_files(store)
    data = month.read_bytes()
    month.write_bytes(data.replace(b'"one"', b'"uno"'))  # a restore from another backup, say: same size, new time

    assert any("index is stale" in line for line in store.check())
    assert store.get(1).subject == "uno"
    assert index_of(store, month) is not None and not [line for line in store.check() if ".index" in line]


def test_a_missing_index_is_reported_and_made_again_by_check_fix(tmp_path: Path, sopdash) -> None:
    store = archived_store(tmp_path, [closed(40, "one")])
    month, index_path = month_files(store)
    index_path.unlink()

    assert "index is missing" in sopdash("--db", str(store.path), "check").out
    assert "made it again from the month" in sopdash("--db", str(store.path), "check", "--fix").out
    assert index_of(store, month) is not None


def test_a_planted_index_link_is_never_followed_and_check_fix_replaces_it(tmp_path: Path, sopdash) -> None:
    store = archived_store(tmp_path, [closed(40, "one")])
    month, index_path = month_files(store)
    victim = tmp_path / "victim"
    victim.write_bytes(index_path.read_bytes())  # a copy of a real index: believed if the link were followed
    victim.chmod(0o600)
    before = victim.read_bytes(), victim.stat().st_mode
    index_path.unlink()
    index_path.symlink_to(victim)
    month.write_bytes(month.read_bytes().replace(b'"one"', b'"uno"'))
    index_copy = victim.read_bytes()
    victim.write_bytes(index_copy)

    assert store.get(1).subject == "uno"  # the whole month read; the link neither followed nor written through
    assert index_path.is_symlink() and (victim.read_bytes(), victim.stat().st_mode) == before
    assert f"{index_path} is a symbolic link to {victim}" in sopdash("--db", str(store.path), "check").out
    sopdash("--db", str(store.path), "check", "--fix")
    assert not index_path.is_symlink() and index_of(store, month) is not None
    assert (victim.read_bytes(), victim.stat().st_mode) == before


def test_tickets_by_id_reads_live_and_archived_in_the_order_asked(tmp_path: Path) -> None:
    store = archived_store(tmp_path, [closed(40, "old"), closed(70, "older")])
    store.add_many([Ticket(id=0, subject="live", created_at=NOW)])

    assert [t.subject for t in store.tickets([3, 1, 99, 2])] == ["live", "old", "older"]


moments = st.integers(min_value=0, max_value=200 * 24)  # hours ago


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shapes=st.lists(st.tuples(moments, st.one_of(st.none(), moments)), min_size=0, max_size=40),
       limit=st.integers(min_value=1, max_value=7))
def test_pages_give_every_ticket_exactly_once_newest_first(tmp_path_factory, shapes, limit) -> None:
    tickets = []
    for created_h, closed_h in shapes:
        created = NOW - timedelta(hours=created_h)
        if closed_h is None:
            tickets.append(Ticket(id=0, subject="open", created_at=created))
        else:
            tickets.append(Ticket(id=0, subject="closed", created_at=created, status="closed",
                                  closed_at=NOW - timedelta(hours=closed_h)))
    store = archived_store(tmp_path_factory.mktemp("pages"), tickets)

    pages, cursor = [], None
    while True:
        page, cursor = store.history_page(cursor, limit)
        assert len(page) <= limit
        pages.extend(page)
        if cursor is None:
            break

    keys = [summary.page_key for summary in pages]
    assert keys == sorted(keys, reverse=True)
    assert sorted(s.id for s in pages) == [t.id for t in store.history()]
    expected = sorted((page_key(t.id, t.created_at, t.closed_at) for t in store.history()), reverse=True)
    assert keys == expected
    assert Store.history_page(store, None, limit)[0] == store.history_page(None, limit)[0]  # the contract's default agrees


def test_a_write_killed_between_month_and_index_leaves_a_stale_index_that_is_never_believed(tmp_path: Path,
                                                                                           monkeypatch) -> None:
    store = archived_store(tmp_path, [closed(40, "one"), closed(40, "two")])
    month, _ = month_files(store)

    def killed(*_: object) -> None:
        raise KeyboardInterrupt  # as kill -9 would stop it: the month replaced, its index and the live file not

    monkeypatch.setattr("sopdash.store.locked_write.write_index", killed)
    try:
        store.add_many([closed(40, "three")])  # due at once: its write adds it to the month
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()

    assert any(".index is stale" in line for line in store.check())
    assert [t.subject for t in store.tickets([1, 2, 3])] == ["one", "two"]  # the write never happened
    assert index_of(store, month) is not None  # made again from the month as it is
    assert [t.subject for t in store.tickets([3])] == [] and store.add_many([closed(40, "three")])[0].id == 3


def test_pages_reuse_what_the_live_read_built_and_see_a_later_write(tmp_path: Path, monkeypatch) -> None:
    # the dashboard reads the live file for its board; the all view's pages are cut from those tickets, not from a
    # second read of a large file, and a colleague's write since is read afresh
    store = archived_store(tmp_path, [closed(40, "old"), Ticket(id=0, subject="open", created_at=NOW)])
    live = store.live()
    fresh = TicketStore(store.path).history_page(None, 10)

    def no_second_read(path):
        raise AssertionError("the live file was read again")

    with monkeypatch.context() as patched:
        patched.setattr(ticket_store, "read_summaries", no_second_read)
        assert store.history_page(None, 10) == fresh

    colleague = TicketStore(store.path)
    colleague.update(live[-1].id, lambda ticket: ticket.evolve(subject="renamed"))
    page, _ = store.history_page(None, 10)
    assert "renamed" in [summary.subject for summary in page]
