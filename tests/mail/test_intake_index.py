"""Intake costs what one message costs: duplicates found through the Message-ID index, never a read of the history,
and still exactly once when deliveries race or one died half way (issue 18)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sopdash.clock import fixed_clock
from sopdash.desk.intake import Intake
from sopdash.mail.settings import MailSettings
from sopdash.store.ticket_store import TicketStore
from sopdash.store.kept_files import KeptFiles
from sopdash.store.locked_write import LockedWrite
from sopdash.store.mail_index import MailIndex
from sopdash.store.opening import open_store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
SETTINGS = MailSettings(address="help@desk.example.org", sendmail=("/bin/true",))


def message(message_id: str, sender: str = "ann@example.com", subject: str = "Laptop will not boot") -> bytes:
    return (
        f"From: Ann <{sender}>\nTo: help@desk.example.org\nSubject: {subject}\nMessage-ID: {message_id}\n"
        "Content-Type: text/plain; charset=utf-8\n\nIt shows a black screen.\n"
    ).encode()


@pytest.fixture
def intake(tmp_path: Path) -> Intake:
    return Intake(TicketStore(tmp_path / "tickets.json", create=True), SETTINGS, fixed_clock(NOW))


def no_history(*args, **kwargs):
    raise AssertionError("intake read every ticket")


def test_duplicates_replies_and_new_tickets_never_read_the_history(intake, monkeypatch):
    assert intake.receive(message("<m1@example.com>")).line() == "ticket #1: new ticket from ann@example.com"
    monkeypatch.setattr(TicketStore, "history", no_history)
    monkeypatch.setattr(TicketStore, "live", no_history)
    monkeypatch.setattr(TicketStore, "transact", no_history)
    monkeypatch.setattr(LockedWrite, "every_ticket", no_history)
    assert intake.receive(message("<m1@example.com>")).line() == "duplicate #1: <m1@example.com> was handled before"
    assert intake.receive(message("<m2@example.com>", subject="Re: [#1]")).line().startswith("reply #1")
    assert intake.receive(message("<m2@example.com>", subject="Re: [#1]")).line().startswith("duplicate #1")
    assert intake.receive(message("<m3@example.com>", sender="bob@example.com")).line().startswith("ticket #2")


def test_a_store_from_before_the_index_has_it_built_once(intake, tmp_path):
    intake.receive(message("<m1@example.com>"))
    intake.receive(message("<m2@example.com>", subject="Re: [#1]"))
    shutil.rmtree(KeptFiles(tmp_path / "tickets.json").root / "index")
    assert intake.receive(message("<m2@example.com>", subject="Re: [#1]")).action == "duplicate"
    assert intake.receive(message("<m1@example.com>")).action == "duplicate"
    assert MailIndex(intake.kept).built and len(intake.store.live()) == 1


def test_the_flood_count_survives_the_index_being_built_again(intake, tmp_path):
    limited = Intake(intake.store, MailSettings(address=SETTINGS.address, sendmail=("/bin/true",),
                                                max_new_tickets_per_sender_hour=2), intake.clock)
    limited.receive(message("<f1@example.com>"))
    limited.receive(message("<f2@example.com>"))
    shutil.rmtree(KeptFiles(tmp_path / "tickets.json").root / "index")
    assert limited.receive(message("<f3@example.com>")).action == "held"
    later = Intake(intake.store, limited.settings, fixed_clock(NOW + timedelta(hours=1, seconds=1)))
    assert later.receive(message("<f4@example.com>")).action == "ticket"


def test_an_entry_left_by_a_write_that_died_before_its_commit_is_not_believed(intake):
    intake.receive(message("<m1@example.com>"))
    intake.store.transact_by_id(lambda fetch: (intake.index.record("<lost@example.com>", 1), ([], []))[1])
    assert intake.receive(message("<lost@example.com>", sender="bob@example.com")).line().startswith("ticket #2")
    assert intake.index.holder("<lost@example.com>") == 2
    assert intake.receive(message("<lost@example.com>", sender="bob@example.com")).line().startswith("duplicate #2")


RECEIVE = """
import io, sys
from sopdash.cli.main import main
import sopdash.desk.intake, sopdash.store.postgres.pg_store, sopdash.mail.parse
print("ready", flush=True)
raw = sys.stdin.buffer.read()  # all at once, when every process is ready
sys.stdin = io.TextIOWrapper(io.BytesIO(raw))
sys.exit(main(["mail", "receive"]))
"""


def test_the_same_mail_delivered_six_times_at_once_makes_one_ticket(mail_store, sopdash):
    processes = [
        subprocess.Popen([sys.executable, "-c", RECEIVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=os.environ.copy())
        for _ in range(6)
    ]
    assert [process.stdout.readline() for process in processes] == [b"ready\n"] * 6
    for process in processes:
        process.stdin.write(message("<race@example.com>"))
    for process in processes:
        process.stdin.close()
    outs = [process.stdout.read().decode().strip() for process in processes]
    assert [process.wait(timeout=120) for process in processes] == [0] * 6
    assert sorted(outs)[-1] == "ticket #1: new ticket from ann@example.com"
    assert sorted(outs)[:5] == ["duplicate #1: <race@example.com> was handled before"] * 5
    assert len(open_store(mail_store).history()) == 1
