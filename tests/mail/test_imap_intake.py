"""Issue 22: `mail fetch --imap [--watch]` against a real Dovecot: each message ticketized exactly once, moved or
flagged only once it is in the store, through a new UIDVALIDITY, dropped connections and crashes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dovecot import Dovecot
from mail_server import DESK

from sopdash.desk.imap_intake import ImapIntake
from sopdash.desk.intake import Intake
from sopdash.mail.imap import ImapFolder
from sopdash.store.kept_files import KeptFiles
from sopdash.store.opening import open_store


def message(n: int, body: str = "") -> bytes:
    return (
        f"From: Client {n} <client{n}@example.com>\r\nTo: {DESK}\r\nSubject: Request {n}\r\n"
        f"Message-ID: <request-{n}@example.com>\r\nDate: Wed, 25 Nov 2026 08:59:00 +0000\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body or f'Please help with {n}.'}\r\n"
    ).encode()


def subjects(store: Path | str) -> list[str]:
    return sorted(t.subject for t in open_store(store).history())


def watcher(log: Path) -> subprocess.Popen:
    """`mail fetch --imap --watch` running, what it says written to log."""
    with log.open("a") as output:
        return subprocess.Popen([sys.executable, "-m", "sopdash", "mail", "fetch", "--imap", "--watch"],
                                stdout=output, stderr=subprocess.STDOUT)


def wait_until(condition, within_s: float, what: str, log: Path | None = None,
               process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        said = log.read_text() if log is not None else ""
        if process is not None and process.poll() is not None:
            pytest.fail(f"the watcher ended: {said}")
        if time.monotonic() > deadline:
            pytest.fail(f"not within {within_s} s: {what}; the watcher said: {said}")
        time.sleep(0.01)


def ticket_count(store: Path) -> int:
    try:
        return len(open_store(store).history())
    except Exception:  # read while being replaced on a slow disk: ask again
        return -1


def test_fetch_takes_each_message_once_and_moves_it_after_it_is_in_the_store(imap_env, dovecot: Dovecot, sopdash):
    for n in range(3):
        dovecot.append(message(n))
    first = sopdash("mail", "fetch", "--imap")
    assert first.code == 0, first.err
    assert "3 message(s) handled from imap://desk@127.0.0.1" in first.out
    assert subjects(imap_env) == ["Request 0", "Request 1", "Request 2"]
    assert (dovecot.count("INBOX"), dovecot.count("sopdash-handled")) == (0, 3)
    dovecot.append(message(3))
    again = sopdash("mail", "fetch", "--imap")
    assert "1 message(s) handled" in again.out and len(subjects(imap_env)) == 4


def test_flagging_instead_of_moving_leaves_the_mail_in_the_folder_and_takes_it_once(imap_env, dovecot, sopdash):
    config = Path(os.environ["SOPDASH_CONFIG"])
    config.write_text(config.read_text() + 'handled = "flag"\nflag = "$sopdash"\n')
    dovecot.append(message(1))
    assert sopdash("mail", "fetch", "--imap").code == 0
    assert sopdash("mail", "fetch", "--imap").out.startswith("0 message(s) handled")
    assert dovecot.count("INBOX") == 1 and subjects(imap_env) == ["Request 1"]


def test_a_new_uidvalidity_reads_the_folder_again_without_a_duplicate_ticket(imap_env, dovecot, sopdash):
    config = Path(os.environ["SOPDASH_CONFIG"])
    config.write_text(config.read_text() + 'handled = "flag"\nflag = "$sopdash"\n')
    for n in range(3):
        dovecot.append(message(n))
    assert sopdash("mail", "fetch", "--imap").code == 0
    client = dovecot.client()  # as a restored mailbox would be: the flags lost with the UID list
    client.select("INBOX")
    client.store("1:*", "-FLAGS", "($sopdash)")
    client.logout()
    dovecot.new_uidvalidity()
    dovecot.append(message(3))
    again = sopdash("mail", "fetch", "--imap")
    assert "was rebuilt on the server (UIDVALIDITY" in again.out
    assert again.out.count("duplicate") == 3 and "4 message(s) handled" in again.out
    assert subjects(imap_env) == ["Request 0", "Request 1", "Request 2", "Request 3"]
    assert sopdash("mail", "fetch", "--imap").out.startswith("0 message(s) handled")  # all flagged again


class Crash(BaseException):
    """A process dying at this point (as kill -9 would), without any of intake's handlers running."""


def imap_intake(store: Path) -> ImapIntake:
    from sopdash.cli.context import open_desk

    import argparse

    return ImapIntake.on(open_desk(argparse.Namespace(db=None, config=None)), lambda line: None)


def test_a_crash_between_fetch_and_store_loses_nothing(imap_env, dovecot, sopdash, monkeypatch):
    dovecot.append(message(1))
    with monkeypatch.context() as patched:
        patched.setattr(Intake, "receive", lambda self, raw: (_ for _ in ()).throw(Crash()))
        with pytest.raises(Crash):
            imap_intake(imap_env).fetch_once()
    assert subjects(imap_env) == [] and dovecot.count("INBOX") == 1
    assert sopdash("mail", "fetch", "--imap").code == 0
    assert subjects(imap_env) == ["Request 1"] and dovecot.count("INBOX") == 0


def test_a_crash_between_store_and_move_makes_no_second_ticket(imap_env, dovecot, sopdash, monkeypatch):
    dovecot.append(message(1))
    with monkeypatch.context() as patched:
        patched.setattr(ImapFolder, "mark_handled", lambda self, uid: (_ for _ in ()).throw(Crash()))
        with pytest.raises(Crash):
            imap_intake(imap_env).fetch_once()
    assert subjects(imap_env) == ["Request 1"] and dovecot.count("INBOX") == 1
    again = sopdash("mail", "fetch", "--imap")
    assert "duplicate" in again.out and subjects(imap_env) == ["Request 1"]
    assert (dovecot.count("INBOX"), dovecot.count("sopdash-handled")) == (0, 1)


def test_a_wrong_password_is_one_clear_line_exit_1_and_recorded_as_failing(imap_env, dovecot, sopdash, tmp_path):
    (tmp_path / "imap-password").write_text("wrong\n")
    result = sopdash("mail", "fetch", "--imap")
    assert result.code == 1 and "Traceback" not in result.err
    assert "refused the sign-in of desk" in result.err and "check user and the password in" in result.err
    check = sopdash("check")
    assert "warning: mail intake (imap) failing since 09:00" in check.out and "refused the sign-in" in check.out
    (tmp_path / "imap-password").write_text("desk-secret\n")
    assert sopdash("mail", "fetch", "--imap").code == 0
    assert "mail intake (imap): working, last took mail 09:00" in sopdash("check").out


def test_a_new_message_reaches_the_store_within_seconds_under_watch_with_idle(imap_env, dovecot, tmp_path):
    log = tmp_path / "watch.log"
    running = watcher(log)
    try:
        wait_until(lambda: "(IDLE)" in log.read_text(), 10, "the watcher's IDLE line", log, running)
        delays = []
        for n in range(7):
            appended = time.monotonic()
            dovecot.append(message(n))
            wait_until(lambda: f"new ticket from client{n}@" in log.read_text(), 5, f"message {n} taken", log, running)
            delays.append(time.monotonic() - appended)
            time.sleep(0.2)  # the watcher back in IDLE
        delays.sort()
        print(f"APPEND to ticket under --watch (IDLE): median {delays[3] * 1000:.0f} ms of 7, max {delays[-1] * 1000:.0f} ms")
    finally:
        running.kill()
        running.wait()
    assert ticket_count(imap_env) == 7


def test_dropped_connections_mid_fetch_lose_and_double_nothing(imap_env, dovecot, tmp_path):
    for n in range(100):
        dovecot.deliver(f"{1700000000 + n}.M{n}.test", message(n))
    log = tmp_path / "watch.log"
    running = watcher(log)
    try:
        for at in (10, 40, 70):  # the connection cut while the watcher is taking the 100 in
            wait_until(lambda: log.read_text().count("new ticket") >= at, 30, f"{at} tickets", log, running)
            wait_until(dovecot.kick, 10, "a connection to cut", log, running)
        wait_until(lambda: log.read_text().count("new ticket") == 100, 60, "all 100 tickets", log, running)
    finally:
        running.kill()
        running.wait()
    assert log.read_text().count("trying again in") >= 3
    assert subjects(imap_env) == sorted(f"Request {n}" for n in range(100))
    assert dovecot.count("INBOX") == 0


def test_the_health_record_is_kept_with_the_store(imap_env, dovecot, sopdash):
    assert sopdash("mail", "fetch", "--imap").code == 0
    assert KeptFiles(imap_env).find("intake/imap.health.json") is not None


def test_an_unreachable_server_is_one_line_exit_1(imap_env, dovecot, sopdash):
    dovecot.stop()
    result = sopdash("mail", "fetch", "--imap")
    assert result.code == 1 and result.err.startswith("sopdash: cannot reach the IMAP server 127.0.0.1:")
    assert "Connection refused" in result.err and "Traceback" not in result.err


def test_on_either_store_the_state_and_the_duplicate_index_keep_it_exactly_once(imap_env, mail_store, dovecot,
                                                                                sopdash):
    config = Path(os.environ["SOPDASH_CONFIG"])
    config.write_text(config.read_text() + 'handled = "flag"\nflag = "$sopdash"\n')
    for n in range(2):
        dovecot.append(message(n))
    assert sopdash("mail", "fetch", "--imap").code == 0
    assert sopdash("mail", "fetch", "--imap").out.startswith("0 message(s) handled")  # the state: nothing new
    client = dovecot.client()
    client.select("INBOX")
    client.store("1:*", "-FLAGS", "($sopdash)")
    client.logout()
    dovecot.new_uidvalidity()
    assert sopdash("mail", "fetch", "--imap").out.count("duplicate") == 2
    assert subjects(mail_store) == ["Request 0", "Request 1"]
    assert "mail intake (imap): working" in sopdash("check").out
