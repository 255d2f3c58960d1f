"""The presence directory with real processes: announcements seen by others, dead and stale ones cleaned,
and the ticket store never touched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sopdash.store.ticket_store import TicketStore
from sopdash.store.presence import HEARTBEAT_S, PresenceDirectory, presence_dir_for

ANNOUNCER = """
import sys, time
from pathlib import Path
from sopdash.store.presence import PresenceDirectory
board = PresenceDirectory(Path(sys.argv[1]), "dana")
board.announce(int(sys.argv[2]), sys.argv[3])
print("ready", flush=True)
for _ in range(600):  # bounded: the test kills it long before
    time.sleep(0.1)
    board.announce(int(sys.argv[2]), sys.argv[3])
"""


class Wall:
    """A wall clock the test moves by hand."""

    def __init__(self, now_s: float = 1_000_000.0) -> None:
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s


def start_announcer(store: Path, ticket_id: int, activity: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", ANNOUNCER, str(store), str(ticket_id), activity], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "ready"
    return process


def test_another_process_is_seen_and_gone_as_soon_as_it_dies(tmp_path):
    store = tmp_path / "tickets.json"
    me = PresenceDirectory(store, "amara")
    process = start_announcer(store, 12, "reply")
    try:
        (other,) = me.others()
        assert (other.login, other.pid, other.ticket_id, other.activity) == ("dana", process.pid, 12, "reply")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert me.others() == []
    assert list(presence_dir_for(store).iterdir()) == []  # cleaned, not just ignored


def test_entry_of_another_host_goes_stale_after_ten_seconds_and_is_cleaned(tmp_path):
    wall = Wall()
    store = tmp_path / "tickets.json"
    remote = PresenceDirectory(store, "dana", wall, host="other-box", pid=4242)
    me = PresenceDirectory(store, "amara", wall)
    remote.announce(7)
    wall.now_s += 9.5
    assert [p.login for p in me.others()] == ["dana"]
    wall.now_s += 1
    assert me.others() == []
    assert not remote.path.exists()


def test_announcing_writes_only_on_change_or_heartbeat(tmp_path):
    wall = Wall()
    board = PresenceDirectory(tmp_path / "t.json", "amara", wall)
    assert board.announce(3)
    wall.now_s += 1
    assert not board.announce(3)
    assert board.announce(3, "note")
    wall.now_s += HEARTBEAT_S
    assert board.announce(3, "note")


def test_own_entry_is_not_among_others_and_leave_removes_it(tmp_path):
    board = PresenceDirectory(tmp_path / "t.json", "amara")
    board.announce(3)
    assert board.others() == []
    board.leave()
    assert not board.path.exists()


def test_presence_never_touches_the_ticket_store(tmp_path):
    store_path = tmp_path / "tickets.json"
    TicketStore(store_path, create=True)
    before = (store_path.read_bytes(), store_path.stat().st_mtime_ns)
    board = PresenceDirectory(store_path, "amara")
    board.announce(1, "reply")
    board.others()
    board.leave()
    assert (store_path.read_bytes(), store_path.stat().st_mtime_ns) == before
    assert oct(os.stat(presence_dir_for(store_path)).st_mode & 0o777) == "0o770"


def test_a_garbled_entry_is_ignored_and_cleaned_once_old(tmp_path):
    board = PresenceDirectory(tmp_path / "t.json", "amara")
    board.announce(None)
    garbled = board.directory / "x@y.1.json"
    garbled.write_text("{not json")
    assert board.others() == []
    old = time.time() - 60
    os.utime(garbled, (old, old))
    board.others()
    assert not garbled.exists()
