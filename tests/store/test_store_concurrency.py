"""Several technicians at once: no lost writes, no half-written reads, changes noticed."""

import os
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import sopdash
from sopdash.core.errors import StoreError
from sopdash.core.model import Ticket
from sopdash.store.ticket_store import TicketStore
from sopdash.store.lock import exclusive_lock

WRITERS = 8
NOTES_EACH = 25
NOTE_WRITER = Path(__file__).with_name("note_writer.py")
PROJECT_ROOT = Path(sopdash.__file__).resolve().parents[1]
CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def new_ticket(ticket_id: int) -> Ticket:
    return Ticket(id=ticket_id, subject=f"Ticket {ticket_id}", body="x" * 500, created_at=CREATED)


def test_writers_in_separate_processes_lose_nothing(tmp_path: Path) -> None:
    store = TicketStore(tmp_path / "tickets.json", create=True)
    store.add(new_ticket)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    writers = [
        subprocess.Popen(
            [sys.executable, str(NOTE_WRITER), str(store.path), f"tech{n}", str(NOTES_EACH)],
            stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
        )
        for n in range(WRITERS)
    ]
    for writer in writers:  # everyone has imported and opened the store: now start together
        writer.stdin.write("go\n")
        writer.stdin.flush()
    failures = [writer.communicate(timeout=60)[1] for writer in writers if writer.wait(timeout=60) != 0]

    assert failures == []
    ticket = store.get(1)
    notes = sorted(entry.text for entry in ticket.timeline)
    assert notes == sorted(f"tech{w} {n}" for w in range(WRITERS) for n in range(NOTES_EACH))
    assert ticket.version == 1 + WRITERS * NOTES_EACH


def test_readers_never_see_a_half_written_file(tmp_path: Path) -> None:
    store = TicketStore(tmp_path / "tickets.json", create=True)
    store.add_many([new_ticket(0) for _ in range(300)])
    reader = TicketStore(store.path)
    stop = threading.Event()
    loads: list[int] = []
    errors: list[StoreError] = []

    def read_until_stopped() -> None:
        while not stop.is_set():
            try:
                loads.append(len(reader.history()))
            except StoreError as error:
                errors.append(error)

    thread = threading.Thread(target=read_until_stopped)
    thread.start()
    try:
        for n in range(40):
            store.update(1 + n % 300, lambda t: t.evolve(subject=f"edit {n}"))
    finally:
        stop.set()
        thread.join()

    assert errors == []
    assert loads and set(loads) == {300}


def test_readers_do_not_wait_for_the_lock(tmp_path: Path) -> None:
    store = TicketStore(tmp_path / "tickets.json", create=True)
    store.add(new_ticket)
    with exclusive_lock(store.lock_path):
        assert [t.id for t in TicketStore(store.path).history()] == [1]


def test_signature_changes_after_another_instance_writes(tmp_path: Path) -> None:
    mine = TicketStore(tmp_path / "tickets.json", create=True)
    theirs = TicketStore(mine.path)
    before = mine.signature()

    theirs.add(new_ticket)

    assert before is not None and mine.signature() != before
    assert mine.signature() == theirs.signature()


def test_signature_of_a_vanished_store_is_none(tmp_path: Path) -> None:
    store = TicketStore(tmp_path / "tickets.json", create=True)
    store.path.unlink()
    assert store.signature() is None
