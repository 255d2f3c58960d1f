"""What every store promises, whatever it is kept in: run on the ticket file and on PostgreSQL alike."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import sopdash
from sopdash.core.chain import without_seals
from sopdash.core.errors import ConflictError, InputError, RuleRefused
from sopdash.core.model import Ticket, TimelineEntry
from sopdash.store.opening import open_store

CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
NOTE_WRITER = Path(__file__).with_name("note_writer.py")
PROJECT_ROOT = Path(sopdash.__file__).resolve().parents[1]
NOTICED_WITHIN_S = 0.3


def new_ticket(ticket_id: int, subject: str = "Printer jams") -> Ticket:
    return Ticket(id=ticket_id, subject=subject, created_at=CREATED)


def note(text: str, author: str = "amara") -> TimelineEntry:
    return TimelineEntry(at=CREATED, author=author, kind="internal", text=text)


def refuse(ticket: Ticket) -> Ticket:
    raise RuleRefused("SOP says no")


# -- round trip, ids, versions ---------------------------------------------------------------


def test_a_new_store_is_empty(store) -> None:
    assert store.history() == []


def test_add_update_load_round_trip(store) -> None:
    added = store.add(new_ticket)
    updated = store.update(added.id, lambda t: t.evolve(priority="high", timeline=(note("rebooted it"),)))

    assert store.history() == [updated] and store.get(added.id) == updated
    assert (updated.priority, without_seals(updated).timeline, updated.version) == ("high", (note("rebooted it"),), 2)
    assert updated.timeline[0].seal and updated.timeline_seal == updated.timeline[0].seal  # the store sealed it


def test_ids_increase_and_every_ticket_starts_at_version_one(store) -> None:
    added = [store.add(lambda ticket_id: new_ticket(ticket_id).evolve(version=9)) for _ in range(3)]
    batch = store.add_many([new_ticket(0, "a"), new_ticket(0, "b")])

    assert [t.id for t in added + batch] == [1, 2, 3, 4, 5]
    assert [t.subject for t in batch] == ["a", "b"] and {t.version for t in store.history()} == {1}


def test_transact_replaces_tickets_at_their_version(store) -> None:
    store.add_many([new_ticket(0, "a"), new_ticket(0, "b")])
    stored, _ = store.transact(lambda current: ([t.evolve(subject=t.subject.upper()) for t in current], []))

    assert [(t.subject, t.version) for t in store.history()] == [("A", 2), ("B", 2)]
    assert store.history() == stored


def test_the_history_slices_together_are_the_history(store) -> None:
    store.add_many([new_ticket(0, "a"), new_ticket(0, "b"), new_ticket(0, "c")])
    sliced = sorted((ticket for read in store.history_slices(CREATED) for ticket in read()), key=lambda t: t.id)
    assert sliced == store.history(CREATED) and len(sliced) == 3


def test_the_history_slices_of_tickets_closed_over_months_are_the_history(store) -> None:
    closed = [(CREATED - timedelta(days=40), "closed long ago"), (CREATED + timedelta(days=3), "closed in March"),
              (CREATED + timedelta(days=35), "closed in April"), (CREATED + timedelta(days=36), "also in April")]
    store.add_many([new_ticket(0, "open"),
                    *(Ticket(id=0, subject=subject, created_at=at - timedelta(days=1), status="closed", closed_at=at,
                           resolved_at=at, resolution="fixed", client_notified_at=at)
                      for at, subject in closed)])
    store.archive()
    for since in (None, CREATED):
        sliced = sorted((ticket for read in store.history_slices(since) for ticket in read()), key=lambda t: t.id)
        assert sliced == store.history(since)
    assert [t.subject for t in store.history(CREATED)] == ["open", "closed in March", "closed in April", "also in April"]


def test_transact_changes_and_adds_together(store) -> None:
    store.add(new_ticket)

    changed, added = store.transact(lambda current: ([current[0].evolve(subject="A")], [new_ticket(0, "b")]))

    assert [(t.id, t.subject, t.version) for t in changed + added] == [(1, "A", 2), (2, "b", 1)]
    assert store.history() == changed + added


# -- refusals change nothing -------------------------------------------------------------------


def test_a_stale_version_is_a_conflict(store) -> None:
    store.add(new_ticket)
    store.update(1, lambda t: t.evolve(status="open"))
    before = store.history()

    with pytest.raises(ConflictError, match=r"ticket #1 changed since you looked at it \(now version 2\); reload"):
        store.update(1, lambda t: t.evolve(status="closed"), expected_version=1)
    assert store.history() == before
    assert store.update(1, lambda t: t.evolve(status="waiting"), expected_version=2).version == 3


def test_a_transaction_with_one_stale_ticket_writes_none(store) -> None:
    first, second = store.add_many([new_ticket(0, "a"), new_ticket(0, "b")])
    store.update(2, lambda t: t.evolve(subject="changed meanwhile"))
    before = store.history()

    with pytest.raises(ConflictError, match="ticket #2"):
        store.transact(lambda current: ([first.evolve(subject="x"), second.evolve(subject="y")], []))
    assert store.history() == before


def test_an_import_with_a_stale_ticket_lands_nothing(store) -> None:
    store.add(new_ticket)
    stale = store.get(1)
    store.update(1, lambda t: t.evolve(subject="changed meanwhile"))
    before = store.history()

    with pytest.raises(ConflictError):
        store.transact(lambda current: ([stale.evolve(subject="x")], [new_ticket(0, "b")]))
    assert store.history() == before


def test_a_rule_refusal_writes_nothing(store) -> None:
    store.add(new_ticket)
    before = store.history()

    with pytest.raises(RuleRefused, match="SOP says no"):
        store.update(1, refuse)
    assert store.history() == before


def test_an_unknown_ticket_is_an_input_error(store) -> None:
    with pytest.raises(InputError, match="no ticket #9"):
        store.get(9)
    with pytest.raises(InputError, match="no ticket #9"):
        store.update(9, lambda t: t)
    with pytest.raises(InputError, match="no ticket #9"):
        store.transact(lambda current: ([new_ticket(9)], []))


# -- the working set and the history ----------------------------------------------------------

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def closed(subject: str, days_ago: int) -> Ticket:
    at = NOW - timedelta(days=days_ago)
    return new_ticket(0, subject).evolve(created_at=at - timedelta(days=1), status="closed", closed_at=at,
                                         resolved_at=at, resolution="fixed", client_notified_at=at)


def test_the_working_set_leaves_out_tickets_closed_long_ago(store_location: str) -> None:
    store = open_store(store_location, clock=lambda: NOW, archive_after=timedelta(days=14))
    store.add_many([closed("old", 60), closed("recent", 2), new_ticket(0, "open").evolve(created_at=NOW)])

    assert [t.subject for t in store.live()] == ["recent", "open"]
    assert [t.subject for t in store.history()] == ["old", "recent", "open"]
    assert [t.subject for t in store.history(NOW - timedelta(days=30))] == ["recent", "open"]
    assert store.get(1).subject == "old"


def test_the_open_tickets_are_those_still_being_worked_on(store_location: str) -> None:
    store = open_store(store_location, clock=lambda: NOW, archive_after=timedelta(days=14))
    statuses = ["new", "resolved", "open", "waiting"]
    store.add_many([*(new_ticket(0, status).evolve(created_at=NOW, status=status) for status in statuses),
                    closed("recent", 2)])

    assert [t.subject for t in store.open_tickets()] == ["new", "open", "waiting"]


def test_ids_are_never_reused_and_an_old_ticket_that_changes_is_live_again(store_location: str) -> None:
    store = open_store(store_location, clock=lambda: NOW, archive_after=timedelta(days=14))
    store.add_many([closed("old", 60), closed("older", 90)])

    reopened = store.update(1, lambda t: t.evolve(status="open", closed_at=None))
    added = store.add(new_ticket)

    assert added.id == 3
    assert [t.id for t in store.live()] == [reopened.id, added.id]


# -- several technicians at once ---------------------------------------------------------------


def test_notes_from_eight_processes_all_land(store, store_location: str) -> None:
    store.add(new_ticket)
    writers, notes_each = 8, 10
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    processes = [
        subprocess.Popen([sys.executable, str(NOTE_WRITER), store_location, f"tech{n}", str(notes_each)],
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        for n in range(writers)
    ]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    failures = [process.communicate(timeout=60)[1] for process in processes if process.wait(timeout=60) != 0]

    assert failures == []
    ticket = store.get(1)
    assert sorted(e.text for e in ticket.timeline) == sorted(f"tech{w} {n}" for w in range(writers) for n in range(notes_each))
    assert ticket.version == 1 + writers * notes_each


def test_another_technicians_change_is_noticed(store, store_location: str) -> None:
    store.add(new_ticket)
    before = store.signature()
    theirs = open_store(store_location)

    theirs.update(1, lambda t: t.evolve(subject="changed over there"))

    deadline = time.monotonic() + NOTICED_WITHIN_S
    while store.signature() == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert store.signature() != before
    assert store.get(1).subject == "changed over there"
