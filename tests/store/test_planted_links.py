"""Hostile neighbours in the desk's shared folder (issue 18): links, FIFOs and forged entries planted beside the store.

Where it matters a colleague plants and the victim runs, as two real Unix users in one group (`sdfiles-amy` plants,
`sdfiles-ben` runs sopdash); the victim's files outside the desk must come out untouched (content and mode) while
sopdash says clearly what it found or works safely. Creating the users needs root: without it the tests that need
them are skipped, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import msgspec
import orjson
import pytest

import sopdash
from sopdash.core.errors import StoreError
from sopdash.core.model import Ticket
from sopdash.core.presence import Presence
from sopdash.store.ticket_store import TicketStore
from sopdash.store.kept_files import KeptFiles
from sopdash.store.presence import PresenceDirectory

GROUP = "sdfiles-desk"
PLANTER, VICTIM = "sdfiles-amy", "sdfiles-ben"
PROJECT_ROOT = Path(sopdash.__file__).resolve().parents[1]
NOW = datetime.now(timezone.utc)
YEAR_2100_S = 4_102_444_800.0
FIFO_TIMEOUT_S = 20  # a regression hangs on the FIFO: the test fails after this long instead of hanging the suite


# -- two real users in one group ------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    name: str
    uid: int
    gid: int


@dataclass
class Desk:
    """A desk folder (root:sdfiles-desk 2770, as the README sets one up) with a store, and the victim's home."""

    base: Path
    store: Path
    home: Path
    group: int
    planter: User
    victim: User
    python: str
    paths: str  # PYTHONPATH
    config: Path

    def run(self, user: User, *argv: str, stdin: bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        """A command as user (in the desk's group), with sopdash importable and the desk's config."""
        env = {
            "PATH": "/usr/bin:/bin", "HOME": str(self.home if user == self.victim else self.base), "LANG": "C.UTF-8",
            "TZ": "UTC", "SOPDASH_CONFIG": str(self.config), "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": self.paths,
        }
        return subprocess.run(list(argv), input=stdin, capture_output=True, timeout=timeout, user=user.uid, group=user.gid,
                              extra_groups=[self.group], env=env, cwd=self.base)

    def sopdash(self, user: User, *args: str, stdin: bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        return self.run(user, self.python, "-m", "sopdash", "--db", str(self.store), *args, stdin=stdin, timeout=timeout)

    def plant_link(self, link: Path, target: Path) -> None:
        """The planter replaces whatever is at link by a symbolic link to target."""
        done = self.run(self.planter, "/bin/sh", "-c", 'rm -rf -- "$1" && ln -s -- "$2" "$1"', "plant", str(link), str(target))
        assert done.returncode == 0, done.stderr

    def victim_file(self, name: str, text: str, mode: int) -> Path:
        path = self.home / name
        path.write_text(text, encoding="utf-8")
        os.chown(path, self.victim.uid, self.victim.gid)
        path.chmod(mode)
        return path

    def victim_folder(self, name: str) -> Path:
        """A private folder of the victim's holding one old file named like a presence entry and a month."""
        folder = self.home / name
        folder.mkdir(mode=0o700)
        for file in ("old.json", "2026-03.json"):
            (folder / file).write_text("mine", encoding="utf-8")
            os.utime(folder / file, (time.time() - 3600, time.time() - 3600))
        for each in (folder, *folder.iterdir()):
            os.chown(each, self.victim.uid, self.victim.gid)
        folder.chmod(0o700)
        return folder


def untouched(path: Path) -> tuple:
    """What must not change about a victim's file or folder: its content (or listing), mode and owner."""
    status = path.lstat()
    content = sorted(p.name for p in path.iterdir()) if path.is_dir() else path.read_bytes()
    return content, stat.S_IMODE(status.st_mode), status.st_uid, status.st_gid


def _ensure_users() -> tuple[User, User, int]:
    """The two users and their group, each made only if missing (the password files are left alone otherwise)."""
    try:
        grp.getgrnam(GROUP)
    except KeyError:
        _as_root(["groupadd", GROUP])
    for name in (PLANTER, VICTIM):
        try:
            pwd.getpwnam(name)
        except KeyError:
            _as_root(["useradd", "-M", "-U", "-G", GROUP, "-d", "/nonexistent", "-s", "/usr/sbin/nologin", name])
        if name not in grp.getgrnam(GROUP).gr_mem:
            _as_root(["usermod", "-aG", GROUP, name])
    users = [pwd.getpwnam(name) for name in (PLANTER, VICTIM)]
    return User(PLANTER, users[0].pw_uid, users[0].pw_gid), User(VICTIM, users[1].pw_uid, users[1].pw_gid), grp.getgrnam(GROUP).gr_gid


def _as_root(command: list[str]) -> None:
    for _ in range(20):  # another process may hold the password file's lock for a moment
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode == 0:
            return
        time.sleep(0.25)
    raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip()}")


def _python_for(user: User, group: int, scratch: Path) -> tuple[str, str] | None:
    """(a Python the users can run, a PYTHONPATH) with which they import sopdash: this Python or the system's of the
    same version, on this project and its packages, or on a copy of them where the users cannot read these (a
    checkout under /root)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    pythons = (sys.executable, f"/usr/bin/{version}", f"/usr/local/bin/{version}")
    paths = os.pathsep.join([str(PROJECT_ROOT), sysconfig.get_paths()["purelib"]])
    for attempt in range(2):
        for python in pythons:
            try:
                done = subprocess.run([python, "-c", "import sopdash.cli.main, msgspec, orjson"], capture_output=True,
                                      user=user.uid, group=user.gid, extra_groups=[group], env={"PYTHONPATH": paths},
                                      cwd="/", timeout=60)
            except OSError:
                continue
            if done.returncode == 0:
                return python, paths
        if attempt == 0:
            paths = _readable_copy(scratch)
    return None


def _readable_copy(copy: Path) -> str:
    """This project and its packages copied into copy, where every user may read them; the PYTHONPATH to the copy."""
    shutil.copytree(sysconfig.get_paths()["purelib"], copy / "packages", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(Path(sopdash.__file__).parent, copy / "project" / "sopdash", ignore=shutil.ignore_patterns("__pycache__"))
    for folder, _, files in os.walk(copy):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o755)
    return os.pathsep.join([str(copy / "project"), str(copy / "packages")])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the two-user attack tests, but {reason}")
    pytest.skip(f"two-user attack tests skipped: {reason}")


@pytest.fixture(scope="session")
def colleagues() -> Iterator[tuple[User, User, int, str, str]]:
    """The planter, the victim, their shared group (created if missing; root only), and the Python and PYTHONPATH
    with which they run sopdash."""
    if os.geteuid() != 0:
        _unavailable("creating two throw-away users (useradd) needs root")
    try:
        planter, victim, group = _ensure_users()
    except (OSError, RuntimeError) as error:
        _unavailable(f"the users could not be created: {error}")
        raise
    scratch = Path(tempfile.mkdtemp(prefix="sopdash-code-"))
    try:
        scratch.chmod(0o755)
        found = _python_for(victim, group, scratch)
        if found is None:
            _unavailable("no Python the test users may run imports sopdash")
        yield planter, victim, group, *found
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def desk(colleagues, smtp_server) -> Desk:
    planter, victim, group, python, paths = colleagues
    base = Path(tempfile.mkdtemp(prefix="sopdash-desk-"))
    try:
        base.chmod(0o711)
        folder = base / "desk"
        folder.mkdir()
        os.chown(folder, 0, group)
        folder.chmod(0o2770)
        home = base / "ben"
        home.mkdir(mode=0o700)
        os.chown(home, victim.uid, victim.gid)
        config = base / "config.toml"
        config.write_text(
            '[calendar]\ntimezone = "UTC"\n\n[mail]\naddress = "help@desk.example.org"\n'
            f'smtp_url = "smtp://127.0.0.1:{smtp_server[1]}"\nstarttls = false\n', encoding="utf-8")
        config.chmod(0o644)
        store = folder / "tickets.json"
        long_ago = NOW - timedelta(days=400)  # written then, so its closed tickets are still live: due now
        TicketStore(store, create=True, clock=lambda: long_ago).add_many([closed(260), closed(255), Ticket(id=0, subject="Open", created_at=NOW)])
        yield Desk(base, store, home, group, planter, victim, python, paths, config)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def closed(days_ago: float) -> Ticket:
    """A ticket closed days_ago, due for the archive."""
    created = NOW - timedelta(days=days_ago + 2)
    return Ticket(id=0, subject="Printer jams", created_at=created, status="closed", closed_at=NOW - timedelta(days=days_ago))


def mail(subject: str = "Printer $(touch /tmp/pwned) jams") -> bytes:
    return (f"From: Ann Client <ann@client.example>\r\nTo: help@desk.example.org\r\nSubject: {subject}\r\n"
            f"Message-ID: <{time.monotonic_ns()}@client.example>\r\nDate: Mon, 02 Mar 2026 09:00:00 +0000\r\n\r\n"
            "The printer on floor 2 jams.\r\n").encode()


# -- planted links, one shared file or folder at a time -----------------------------------------------------------


def test_a_mail_log_linked_to_a_colleagues_profile_is_refused_and_the_profile_untouched(desk: Desk) -> None:
    assert desk.sopdash(desk.planter, "mail", "receive", stdin=mail("first")).returncode == 0  # the MTA account's folder
    profile = desk.victim_file(".profile", "export PATH=/usr/bin\n", 0o644)
    before = untouched(profile)
    desk.plant_link(desk.store.with_name("tickets.json.files") / "mail-log.jsonl", profile)

    done = desk.sopdash(desk.victim, "mail", "receive", stdin=mail())

    assert untouched(profile) == before
    assert done.returncode != 0 and b"mail-log.jsonl is a symbolic link to" in done.stderr and b"Traceback" not in done.stderr


def test_a_lock_linked_to_a_colleagues_private_file_is_refused_and_the_file_untouched(desk: Desk) -> None:
    private = desk.victim_file("private", "my notes\n", 0o600)
    before = untouched(private)
    desk.plant_link(desk.store.with_name("tickets.json.lock"), private)
    store_before = desk.store.read_bytes()

    done = desk.sopdash(desk.victim, "ticket", "note", "3", "checked the toner")

    assert untouched(private) == before
    assert done.returncode == 2 and b"tickets.json.lock is a symbolic link to" in done.stderr
    assert desk.store.read_bytes() == store_before


def test_roots_check_fix_removes_a_planted_lock_link_and_never_empties_its_target(desk: Desk, sopdash) -> None:
    secret = desk.base / "root-only"
    secret.write_text("root's secret\n", encoding="utf-8")
    secret.chmod(0o600)
    before = untouched(secret)
    lock = desk.store.with_name("tickets.json.lock")
    desk.plant_link(lock, secret)

    checked = sopdash("--db", str(desk.store), "check")
    assert checked.code == 2 and f"error: {lock} is a symbolic link to {secret}" in checked.out
    assert "mode 0600" not in checked.out  # the link is reported, not its target's mode
    fixed = sopdash("--db", str(desk.store), "check", "--fix")

    assert untouched(secret) == before
    assert f"fixed: {lock} is a symbolic link to {secret}" in fixed.out and fixed.code == 0, fixed.out
    assert stat.S_ISREG(lock.lstat().st_mode)


def test_a_presence_folder_linked_to_a_private_folder_is_neither_cleaned_nor_opened_up(desk: Desk) -> None:
    private = desk.victim_folder("private")
    before = untouched(private)
    desk.plant_link(desk.store.with_name("tickets.json.presence"), private)

    script = ("import sys; from pathlib import Path; from sopdash.store.presence import PresenceDirectory\n"
              "board = PresenceDirectory(Path(sys.argv[1]), 'ben')\n"
              "try:\n    board.announce(3); board.others()\nexcept Exception as error:\n    print(error)\n")
    done = desk.run(desk.victim, desk.python, "-c", script, str(desk.store))

    assert untouched(private) == before
    assert b"tickets.json.presence is a symbolic link to" in done.stdout, done.stderr


def test_a_planted_presence_temp_file_name_cannot_redirect_the_write(desk: Desk) -> None:
    planter = PresenceDirectory(desk.store, PLANTER)
    planter.announce(1)  # the folder exists, made by a dashboard
    os.chown(planter.path, desk.planter.uid, desk.group)
    private = desk.victim_file("private", "my notes\n", 0o600)
    before = untouched(private)
    victim = PresenceDirectory(desk.store, VICTIM, pid=4242)
    desk.plant_link(victim.directory / f".{victim.path.name}.tmp", private)  # the name the old code always used

    script = ("import sys; from pathlib import Path; from sopdash.store.presence import PresenceDirectory\n"
              f"PresenceDirectory(Path(sys.argv[1]), {VICTIM!r}, pid=4242).announce(3)\n")
    done = desk.run(desk.victim, desk.python, "-c", script, str(desk.store))

    assert untouched(private) == before
    assert done.returncode == 0, done.stderr
    assert msgspec.json.decode(victim.path.read_bytes(), type=Presence).ticket_id == 3


def test_a_presence_entry_shows_whose_file_it_is_not_whom_it_claims(desk: Desk) -> None:
    PresenceDirectory(desk.store, PLANTER).announce(1)  # the folder exists, made by a dashboard
    script = ("import sys; from pathlib import Path; from sopdash.store.presence import PresenceDirectory\n"
              f"PresenceDirectory(Path(sys.argv[1]), {VICTIM!r}, pid=1).announce(2)\n")  # amy announces as ben
    done = desk.run(desk.planter, desk.python, "-c", script, str(desk.store))
    assert done.returncode == 0, done.stderr

    seen = [(entry.login, entry.ticket_id) for entry in PresenceDirectory(desk.store, "reader").others()]

    assert (PLANTER, 2) in seen and (VICTIM, 2) not in seen


def test_an_archive_folder_linked_to_a_private_folder_is_refused(desk: Desk) -> None:
    private = desk.victim_folder("private")
    before = untouched(private)
    for name in ("tickets.json.archive", "tickets.archive"):  # where this sopdash and the one before would archive
        desk.plant_link(desk.store.with_name(name), private)

    done = desk.sopdash(desk.victim, "store", "archive")

    assert untouched(private) == before
    assert done.returncode == 2 and b"tickets.json.archive is a symbolic link to" in done.stderr
    assert len(TicketStore(desk.store).live()) == 3  # nothing moved


def test_a_kept_files_folder_linked_to_a_private_folder_is_refused(desk: Desk) -> None:
    private = desk.victim_folder("private")
    before = untouched(private)
    desk.plant_link(desk.store.with_name("tickets.json.files"), private)

    done = desk.sopdash(desk.victim, "mail", "receive", stdin=mail())

    assert untouched(private) == before
    assert done.returncode == 75 and b"tickets.json.files is a symbolic link to" in done.stderr  # the MTA tries again later


def test_an_archive_month_linked_to_a_private_file_is_refused_and_reported(tmp_path: Path, sopdash) -> None:
    store = TicketStore(tmp_path / "tickets.json", create=True, clock=lambda: NOW)
    store.add_many([closed(400)])
    store.archive()
    (month,) = (tmp_path / "tickets.json.archive").glob("*.json")
    victim = tmp_path / "victim"
    victim.write_text("not yours\n", encoding="utf-8")
    victim.chmod(0o600)
    before = untouched(victim)
    month.unlink()
    month.symlink_to(victim)

    with pytest.raises(StoreError, match=f"{month} is a symbolic link to {victim}"):
        store.history()
    with pytest.raises(StoreError, match="is a symbolic link"):
        store.add_many([closed(400)])  # the write moves it to that month, which it must read first: refused too
    checked = sopdash("--db", str(store.path), "check")
    assert untouched(victim) == before
    assert f"error: {month} is a symbolic link to {victim}" in checked.out and checked.code == 2
    assert "left for you" in sopdash("--db", str(store.path), "check", "--fix").out  # a listed month may be the only copy
    assert untouched(victim) == before and month.is_symlink()


def test_a_store_path_linked_by_a_colleague_is_not_followed(desk: Desk) -> None:
    own = desk.home / "tickets.json"
    shutil.copy(desk.store, own)
    os.chown(own, desk.victim.uid, desk.victim.gid)
    before = untouched(own)
    desk.plant_link(desk.store, own)

    done = desk.sopdash(desk.victim, "ticket", "note", "3", "checked the toner")

    assert untouched(own) == before
    assert done.returncode == 2 and f"made by {PLANTER}, not by you".encode() in done.stderr


# -- FIFOs and forged presence --------------------------------------------------------------------------------------


def test_a_fifo_in_the_presence_folder_hangs_nobody(tmp_path: Path) -> None:
    store = tmp_path / "tickets.json"
    other = PresenceDirectory(store, "dana", host="other-box", pid=7)
    other.announce(5)
    os.mkfifo(other.directory / "x.json")
    script = ("import sys; from pathlib import Path; from sopdash.store.presence import PresenceDirectory\n"
              "print([p.login for p in PresenceDirectory(Path(sys.argv[1]), 'amara').others()])\n")

    done = subprocess.run([sys.executable, "-c", script, str(store)], capture_output=True, text=True, timeout=FIFO_TIMEOUT_S)

    assert done.stdout.strip() == "['dana']", done.stderr


def test_a_fifo_as_lock_or_mail_log_is_refused_without_hanging(tmp_path: Path) -> None:
    store = tmp_path / "tickets.json"
    TicketStore(store, create=True).add_many([closed(1)])
    KeptFiles(store).append_log({"action": "first"})
    store.with_name("tickets.json.lock").unlink()
    os.mkfifo(store.with_name("tickets.json.lock"))
    (store.with_name("tickets.json.files") / "mail-log.jsonl").unlink()
    os.mkfifo(store.with_name("tickets.json.files") / "mail-log.jsonl")
    script = ("import sys; from pathlib import Path; from sopdash.store.ticket_store import TicketStore\n"
              "from sopdash.store.kept_files import KeptFiles\n"
              "for attempt in (lambda: TicketStore(Path(sys.argv[1])).archive(),\n"
              "                lambda: KeptFiles(Path(sys.argv[1])).append_log({}),\n"
              "                lambda: KeptFiles(Path(sys.argv[1])).read_log(5)):\n"
              "    try:\n        attempt()\n    except Exception as error:\n        print(type(error).__name__, error)\n")

    done = subprocess.run([sys.executable, "-c", script, str(store)], capture_output=True, text=True, timeout=FIFO_TIMEOUT_S)

    lines = done.stdout.splitlines()
    assert len(lines) == 3 and all(line.startswith("UnsafeEntry") and "is a FIFO" in line for line in lines), done


def test_a_forged_entry_dated_2100_expires_by_the_readers_clock(tmp_path: Path) -> None:
    store = tmp_path / "tickets.json"
    PresenceDirectory(store, "amara").announce(None)
    forged = tmp_path / "tickets.json.presence" / "mallory@other-box.1.json"
    forged.write_bytes(msgspec.json.encode(Presence("mallory", "other-box", 1, YEAR_2100_S, 4, "reply")))
    os.utime(forged, (YEAR_2100_S, YEAR_2100_S))  # its mtime forged too; its ctime is the kernel's

    now = time.time()
    assert [p.login for p in PresenceDirectory(store, "amara", wall=lambda: now).others()] == ["mallory"]  # fresh once
    later = PresenceDirectory(store, "amara", wall=lambda: now + 11)

    assert later.others() == []
    assert not forged.exists()


def test_an_oversized_presence_entry_is_not_read(tmp_path: Path) -> None:
    store = tmp_path / "tickets.json"
    board = PresenceDirectory(store, "amara")
    board.announce(None)
    huge = board.directory / "dana@other-box.7.json"
    huge.write_bytes(msgspec.json.encode(Presence("dana", "other-box", 7, time.time(), 4)) + b" " * 10_000_000)

    assert board.others() == []


# -- shared folders: sticky, and nobody removes another's files ----------------------------------------------------


def test_shared_folders_are_sticky_and_setgid_so_no_colleague_removes_anothers_entry(desk: Desk) -> None:
    script = ("import sys, time; from pathlib import Path; from sopdash.store.presence import PresenceDirectory\n"
              f"PresenceDirectory(Path(sys.argv[1]), {VICTIM!r}, pid=99).announce(3)\n")
    assert desk.run(desk.victim, desk.python, "-c", script, str(desk.store)).returncode == 0
    assert desk.sopdash(desk.victim, "mail", "receive", stdin=mail()).returncode == 0
    presence, files = desk.store.with_name("tickets.json.presence"), desk.store.with_name("tickets.json.files")

    for folder in (presence, files):
        status = folder.lstat()
        assert status.st_mode & (stat.S_ISVTX | stat.S_ISGID) == stat.S_ISVTX | stat.S_ISGID and status.st_gid == desk.group
        assert not stat.S_IMODE(status.st_mode) & 0o007
    (entry,) = presence.iterdir()
    removed = desk.run(desk.planter, "/bin/rm", "-f", str(entry))
    assert removed.returncode != 0 and entry.exists()
    log = files / "mail-log.jsonl"
    assert desk.run(desk.planter, "/bin/rm", "-f", str(log)).returncode != 0 and log.exists()


# -- two stores, one stem -------------------------------------------------------------------------------------------


def test_two_stores_with_one_stem_never_share_an_archive(tmp_path: Path) -> None:
    json_store = TicketStore(tmp_path / "helpdesk.json", create=True, clock=lambda: NOW)
    db_store = TicketStore(tmp_path / "helpdesk.db", create=True, clock=lambda: NOW)
    json_store.add_many([closed(300), closed(300)])
    db_store.add_many([closed(300).evolve(subject="Other desk")])
    json_store.archive()
    db_store.archive()

    assert [t.subject for t in json_store.history()] == ["Printer jams", "Printer jams"]
    assert [t.subject for t in db_store.history()] == ["Other desk"]
    assert {p.name for p in tmp_path.iterdir() if p.is_dir()} == {"helpdesk.json.archive", "helpdesk.db.archive"}
    assert all(not any(line.startswith("error:") for line in store.check()) for store in (json_store, db_store))


def test_a_store_copy_beside_its_source_keeps_its_own_archive(tmp_path: Path, sopdash) -> None:
    source = TicketStore(tmp_path / "tickets.json", create=True, clock=lambda: NOW)
    source.add_many([closed(300), closed(200), Ticket(id=0, subject="Open", created_at=NOW)])
    source.archive()
    copy = tmp_path / "tickets.bak"

    assert sopdash("store", "copy", str(source.path), str(copy)).code == 0
    source.update(1, lambda t: t.evolve(subject="changed in the source"))  # comes back to the live file
    source.archive()

    assert [t.subject for t in TicketStore(copy).history()][:1] == ["Printer jams"]
    assert [t.subject for t in source.history()][:1] == ["changed in the source"]
    for path in (source.path, copy):
        assert sopdash("--db", str(path), "check").code == 0


# -- the old layout, moved once -------------------------------------------------------------------------------------


def old_layout(path: Path, subjects: list[str], days_ago: float = 300) -> list[Ticket]:
    """A store of schema 2 with its archive in `<stem>.archive/`, as sopdash wrote it before; returns its history."""
    store = TicketStore(path, create=True, clock=lambda: NOW)
    store.add_many([closed(days_ago).evolve(subject=subject) for subject in subjects])
    store.archive()
    old = path.with_suffix(".archive")
    old.mkdir(exist_ok=True)
    for month in path.with_name(path.name + ".archive").iterdir():
        if month.suffix == ".index":  # schema 2 kept no month indexes
            month.unlink()
        else:
            month.rename(old / month.name)
    path.with_name(path.name + ".archive").rmdir()
    document = orjson.loads(path.read_bytes())
    document["meta"]["1"]["schema"] = 2
    path.write_bytes(orjson.dumps(document))
    return store.history()


def test_an_old_layout_is_read_where_it_is_and_moved_by_the_next_write(tmp_path: Path, sopdash) -> None:
    path = tmp_path / "tickets.json"
    history = old_layout(path, ["one", "two"])
    store = TicketStore(path, clock=lambda: NOW)
    assert store.history() == history and "schema: version 2, archive in" in "\n".join(store.check())

    store.add_many([Ticket(id=0, subject="new", created_at=NOW)])

    assert store.history()[:2] == history and store.schema() == 3
    assert not [line for line in store.check() if ".index is" in line]  # each copied month indexed as it came
    assert sorted(p.name for p in (tmp_path / "tickets.json.archive").glob("*.json")) == sorted(
        p.name for p in (tmp_path / "tickets.archive").iterdir())
    checked = sopdash("--db", str(path), "check")
    assert checked.code == 0 and f"note: {tmp_path / 'tickets.archive'} is where sopdash kept archives" in checked.out


def test_two_old_stores_sharing_a_stem_each_keep_their_tickets_when_moved(tmp_path: Path) -> None:
    histories = {tmp_path / "helpdesk.json": old_layout(tmp_path / "helpdesk.json", ["json"], 300),
                 tmp_path / "helpdesk.db": old_layout(tmp_path / "helpdesk.db", ["db"], 200)}
    assert len(os.listdir(tmp_path / "helpdesk.archive")) == 2  # both stores' months in the one old folder

    for path, history in histories.items():
        store = TicketStore(path, clock=lambda: NOW)
        store.add_many([Ticket(id=0, subject="new", created_at=NOW)])
        assert store.history()[:1] == history and store.schema() == 3

    for path, history in histories.items():
        store = TicketStore(path, clock=lambda: NOW)
        assert store.history()[:1] == history and not [line for line in store.check() if line.startswith("error:")]
        assert len(list(path.with_name(path.name + ".archive").glob("*.json"))) == 1
    assert (tmp_path / "helpdesk.archive").is_dir()  # left for a human: sopdash cannot know no third store needs it


def test_when_old_and_new_archive_both_exist_and_differ_the_write_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    old_layout(path, ["one"])
    stranger = tmp_path / "tickets.json.archive"
    stranger.mkdir()
    (month,) = (tmp_path / "tickets.archive").iterdir()
    (stranger / month.name).write_bytes(b'{"meta": {"1": {"schema": 3}}, "tickets": {}}')
    before = path.read_bytes()

    with pytest.raises(StoreError, match=r"both .*tickets.archive .* and .*tickets.json.archive .* exist"):
        TicketStore(path, clock=lambda: NOW).add_many([Ticket(id=0, subject="new", created_at=NOW)])

    assert path.read_bytes() == before


def test_a_move_cut_short_is_finished_by_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    history = old_layout(path, ["one", "two"])
    new = tmp_path / "tickets.json.archive"
    new.mkdir()
    (month,) = (tmp_path / "tickets.archive").iterdir()
    shutil.copy(month, new / month.name)  # copied, then killed before the live file said schema 3

    store = TicketStore(path, clock=lambda: NOW)
    store.add_many([Ticket(id=0, subject="new", created_at=NOW)])

    assert store.history()[:2] == history and store.schema() == 3


# -- check reports, check --fix repairs -----------------------------------------------------------------------------


def test_check_reports_each_planted_thing_and_fix_repairs_what_it_safely_can(tmp_path: Path, sopdash) -> None:
    store = TicketStore(tmp_path / "tickets.json", create=True, clock=lambda: NOW)
    store.add_many([closed(300), Ticket(id=0, subject="Open", created_at=NOW)])
    store.archive()
    KeptFiles(store.path).keep("mail/2026/03/a.eml", b"From: a@b.example\r\n\r\nhi\r\n")
    PresenceDirectory(store.path, "amara").announce(1)
    victim = tmp_path / "victim"
    victim.write_text("not yours\n", encoding="utf-8")
    victim.chmod(0o600)
    before = untouched(victim)
    presence, files, archive = (tmp_path / f"tickets.json.{name}" for name in ("presence", "files", "archive"))
    planted = {
        tmp_path / "tickets.json.lock": "link",
        presence / "x.json": "fifo",
        presence / "y.json": "link",
        files / "mail-log.jsonl": "link",
        files / "mail" / "2026" / "03" / "b.eml": "fifo",
        archive / "2031-01.json": "link",  # a month the live file does not list
    }
    for path, kind in planted.items():
        path.unlink(missing_ok=True)
        path.symlink_to(victim) if kind == "link" else os.mkfifo(path)
    os.chmod(presence, 0o777)
    os.chmod(files / "mail" / "2026" / "03" / "a.eml", 0o644)

    checked = sopdash("--db", str(store.path), "check")
    assert checked.code == 2
    for path, kind in planted.items():
        what = f"a symbolic link to {victim}" if kind == "link" else "a FIFO"
        assert f"error: {path} is {what}, where sopdash keeps a plain" in checked.out, (path, checked.out)
    assert f"warning: {presence} has mode 0777" in checked.out
    assert f"warning: {files / 'mail' / '2026' / '03' / 'a.eml'} has mode 0644" in checked.out

    fixed = sopdash("--db", str(store.path), "check", "--fix")

    assert fixed.code == 0 and fixed.out.endswith("ok\n"), fixed.out
    assert sum(line.startswith("fixed:") for line in fixed.out.splitlines()) == len(planted) + 2
    assert not any(os.path.lexists(path) for path in planted if path.name != "tickets.json.lock")
    assert stat.S_IMODE(presence.stat().st_mode) == 0o3770
    assert stat.S_IMODE((files / "mail" / "2026" / "03" / "a.eml").stat().st_mode) == 0o640
    assert untouched(victim) == before
    assert len(TicketStore(store.path).history()) == 2


def test_check_leaves_a_linked_archive_folder_for_a_human(tmp_path: Path, sopdash) -> None:
    store = TicketStore(tmp_path / "tickets.json", create=True, clock=lambda: NOW)
    store.add_many([closed(300)])
    store.archive()
    elsewhere = tmp_path / "elsewhere"
    (tmp_path / "tickets.json.archive").rename(elsewhere)
    (tmp_path / "tickets.json.archive").symlink_to(elsewhere)

    fixed = sopdash("--db", str(store.path), "check", "--fix")

    assert fixed.code == 2 and f"left for you: {tmp_path / 'tickets.json.archive'} is a symbolic link to {elsewhere}" in fixed.out
    assert (tmp_path / "tickets.json.archive").is_symlink() and len(list(elsewhere.glob("*.json"))) == 1


def test_a_store_linked_to_a_file_that_is_no_store_gets_no_lock_beside_its_target(tmp_path: Path, sopdash) -> None:
    outside = tmp_path / "etc"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0::/root:/bin/sh\n", encoding="utf-8")
    (tmp_path / "tickets.json").symlink_to(outside / "passwd")

    assert sopdash("--db", str(tmp_path / "tickets.json"), "ticket", "note", "1", "x").code == 2
    assert sopdash("--db", str(tmp_path / "tickets.json"), "check", "--fix").code == 2

    assert os.listdir(outside) == ["passwd"]  # a lock there would be `/etc/passwd.lock`, which stops useradd
