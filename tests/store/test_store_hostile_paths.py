"""The store in a hostile file system: links, debris of killed writes, risky modes, read-only files.

These are the contract any rewrite of the file store keeps: a write follows a symlinked store to its target and
locks the target; `check` names temp files that killed writes left and `check --fix` removes them under the lock;
`check` warns of world-writable files and directories; sopdash never creates a 0777 directory; fix advice names
no system group and no file outside the store's own directory; a read-only store is refused, never replaced.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

import sopdash
from sopdash.cli.main import main
from sopdash.core.errors import StoreError
from sopdash.core.model import Ticket, TimelineEntry
from sopdash.store.ticket_store import TicketStore
from sopdash.store.debris import temp_files
from sopdash.store.access_errors import membership_fix

CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
NOTE_WRITER = Path(__file__).with_name("note_writer.py")
PROJECT_ROOT = Path(sopdash.__file__).resolve().parents[1]


def new_ticket(ticket_id: int) -> Ticket:
    return Ticket(id=ticket_id, subject=f"Ticket {ticket_id}", body="x" * 500, created_at=CREATED)


def with_note(text: str):
    note = TimelineEntry(at=CREATED, author="dana", kind="internal", text=text)
    return lambda ticket: ticket.evolve(timeline=(*ticket.timeline, note))


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], time_machine):
    (tmp_path / "config.toml").write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "config.toml"))
    time_machine.move_to("2026-03-02T10:00:00+00:00", tick=False)

    def sopdash(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return sopdash


# -- symlinks ----------------------------------------------------------------------------------


def test_a_write_through_a_link_lands_in_the_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.json"
    TicketStore(real, create=True).add(new_ticket)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    TicketStore(link).update(1, with_note("through the link"))
    assert link.is_symlink() and link.resolve() == real
    assert TicketStore(real).get(1).timeline[-1].text == "through the link"
    assert TicketStore(link).lock_path == tmp_path / "real.json.lock"
    assert not (tmp_path / "link.json.lock").exists()


def test_a_link_to_a_store_elsewhere_is_followed_by_the_command_line(tmp_path, run):
    (tmp_path / "shared").mkdir()
    real = tmp_path / "shared" / "tickets.json"
    link = tmp_path / "mine.json"
    link.symlink_to(real)  # dangling until `init` creates the store
    assert run("--db", str(link), "init")[0] == 0
    code, out, err = run("--db", str(link), "ticket", "new", "--subject", "x", "--requester", "a@b.c")
    assert (code, err) == (0, "")
    assert link.is_symlink() and real.is_file()
    assert run("--db", str(link), "ticket", "note", "1", "hello")[0] == 0
    assert TicketStore(real).get(1).timeline[-1].text == "hello"
    code, out, _ = run("--db", str(link), "check")
    assert code == 0 and f"link: {link} → {real}" in out


def test_a_link_to_a_system_file_gets_no_command_to_run(tmp_path, run):
    link = tmp_path / "tickets.json"
    link.symlink_to("/etc/passwd")
    before = Path("/etc/passwd").read_bytes()
    code, out, err = run("--db", str(link), "check")
    assert code == 2
    assert "outside" in out
    assert "chmod" not in out and "usermod" not in out and "`" not in out
    assert run("--db", str(link), "ticket", "note", "1", "x")[0] == 2
    assert Path("/etc/passwd").read_bytes() == before


def test_advice_never_suggests_joining_a_system_group():
    assert "usermod" not in membership_fix(0)
    assert "system group" in membership_fix(0)


# -- read-only and modes -----------------------------------------------------------------------


def test_a_read_only_store_is_refused_not_replaced(tmp_path, run):
    path = tmp_path / "tickets.json"
    TicketStore(path, create=True).add(new_ticket)
    path.chmod(0o444)
    before, inode = path.read_bytes(), path.stat().st_ino
    with pytest.raises(StoreError, match="is read-only .mode 0444."):
        TicketStore(path).update(1, with_note("x"))
    code, _, err = run("--db", str(path), "ticket", "note", "1", "x")
    assert code == 2 and "read-only" in err
    assert path.read_bytes() == before and path.stat().st_ino == inode


def test_check_warns_of_world_writable_store_lock_and_directory(tmp_path, run):
    directory = tmp_path / "desk"
    directory.mkdir()
    path = directory / "tickets.json"
    TicketStore(path, create=True).add(new_ticket)
    for each in (path, path.with_name("tickets.json.lock"), directory):
        each.chmod(0o777 if each.is_dir() else 0o666)
    code, out, _ = run("--db", str(path), "check")
    warnings = [line for line in out.splitlines() if "world-writable" in line]
    assert len(warnings) == 3, out
    assert code == 0  # a warning, not a broken store


def test_no_directory_is_made_0777_even_under_umask_000(tmp_path):
    old = os.umask(0)
    try:
        TicketStore(tmp_path / "a" / "b" / "tickets.json", create=True).add(new_ticket)
    finally:
        os.umask(old)
    for directory in (tmp_path / "a", tmp_path / "a" / "b"):
        assert stat.S_IMODE(directory.stat().st_mode) & 0o007 == 0
    assert stat.S_IMODE((tmp_path / "a" / "b" / "tickets.json").stat().st_mode) == 0o660


# -- debris --------------------------------------------------------------------------------------


def test_check_names_temp_files_and_fix_removes_them_under_the_lock(tmp_path, run):
    path = tmp_path / "tickets.json"
    TicketStore(path, create=True).add(new_ticket)
    debris = tmp_path / ".tickets.json.k1ll3d.tmp"
    debris.write_bytes(b'{"half": "a copy of client data')
    code, out, _ = run("--db", str(path), "check")
    assert code == 0 and "1 temp files" in out and "sopdash check --fix" in out
    code, out, _ = run("--db", str(path), "check", "--fix")
    assert code == 0 and f"fixed: removed {debris}" in out and "temp files" not in out.replace("fixed", "")
    assert not debris.exists() and temp_files(path) == []
    assert TicketStore(path).get(1).id == 1


def test_fifty_kill_9_writes_leave_a_store_check_calls_clean_or_fix_cleans(tmp_path, run):
    path = tmp_path / "tickets.json"
    store = TicketStore(path, create=True)
    store.add_many([new_ticket(0) for _ in range(2000)])  # a megabyte: a write takes long enough to be cut short
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    chance = random.Random(11)
    for _ in range(5):  # 5 rounds of 10 writers, each killed with SIGKILL in the middle of its writes
        writers = [
            subprocess.Popen([sys.executable, str(NOTE_WRITER), str(path), f"tech{n}", "100000"],
                             stdin=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
            for n in range(10)
        ]
        for writer in writers:
            writer.stdin.write("go\n")
            writer.stdin.flush()
        notes = len(store.get(1).timeline)
        deadline = time.monotonic() + 20
        while len(store.get(1).timeline) < notes + 10 and time.monotonic() < deadline:  # they are writing now
            time.sleep(0.01)
        for writer in writers:
            time.sleep(chance.uniform(0, 0.02))
            writer.send_signal(signal.SIGKILL)
        for writer in writers:
            writer.wait(timeout=30)
    assert len(TicketStore(path).live()) == 2000
    code, out, _ = run("--db", str(path), "check")
    assert code == 0, out
    code, out, _ = run("--db", str(path), "check", "--fix")
    assert code == 0 and temp_files(path) == []
    code, out, _ = run("--db", str(path), "check")
    assert code == 0 and "temp files" not in out and out.endswith("ok\n")
