"""Nothing is created by accident: only `init`, `demo` and `store copy` make a store; every other command on a
path with no store says how to create one and leaves the disk exactly as it was, the default location included.
`mail receive` asks its MTA to try again later (75), with the reason on stderr for the MTA's log."""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import pytest
from mail_server import mail_config

FIXTURE = Path(__file__).parent.parent / "fixtures" / "spiceworks_small.json"
EX_TEMPFAIL = 75
MAIL = (
    b"From: Ann <ann@example.com>\nTo: help@desk.example.org\nSubject: Printer\nMessage-ID: <m1@example.com>\n"
    b"Date: Wed, 25 Nov 2026 08:59:00 +0000\n\nIt jams.\n"
)
COMMANDS = [
    ("ticket", "new", "--subject", "x", "--requester", "a@b.c"),
    ("ticket", "list"),
    ("ticket", "show", "1"),
    ("ticket", "ack", "1"),
    ("ticket", "assign", "1", "bob"),
    ("ticket", "priority", "1", "high"),
    ("ticket", "note", "1", "hello"),
    ("ticket", "wait", "1"),
    ("ticket", "step", "1", "2"),
    ("ticket", "escalate", "1", "--reason", "timing"),
    ("ticket", "resolve", "1", "--summary", "done"),
    ("ticket", "close", "1"),
    ("ticket", "reopen", "1"),
    ("ticket", "edit", "1", "--subject", "y"),
    ("import", "spiceworks", str(FIXTURE)),
    ("report",),
    ("check",),
    ("check", "--fix"),
    ("store", "archive"),
    ("store", "migrate"),
    ("mail", "send"),
    ("mail", "log"),
    ("mail", "fetch", "--maildir", "MAILDIR"),
    (),  # the dashboard, with no terminal to ask at
]


def tree(root: Path) -> dict[str, str]:
    """Every file and folder below root, with each file's checksum."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        for path in root.rglob("*")
    }


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, time_machine) -> Path:
    """A home of its own (the default store is under it), a config with mail on, no store, a Maildir; the clock
    stopped in-process (SOPDASH_NOW would refuse the writing commands before they look for the store)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "SOPDASH_DB"):
        monkeypatch.delenv(variable, raising=False)
    (tmp_path / "config.toml").write_text(mail_config(25), encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "config.toml"))
    time_machine.move_to("2026-11-25T09:00:00+00:00", tick=False)
    for folder in ("new", "cur", "tmp"):
        (tmp_path / "Maildir" / folder).mkdir(parents=True)
    (tmp_path / "Maildir" / "new" / "1.a").write_bytes(MAIL)
    return tmp_path


@pytest.mark.parametrize("where", ["--db in a missing folder", "the default location"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]) or "dashboard")
def test_a_command_on_a_missing_store_creates_nothing(box, sopdash, where, command):
    store = box / "missing" / "desk" / "tickets.json"
    db = ("--db", str(store)) if where.startswith("--db") else ()
    args = [str(box / "Maildir") if arg == "MAILDIR" else arg for arg in command]
    before = tree(box)
    result = sopdash(*db, *args)
    assert tree(box) == before
    assert result.code == 2
    assert "no ticket store at" in result.err + result.out and "sopdash init --db" in result.err + result.out


@pytest.mark.parametrize("mail", ["on", "off"])
@pytest.mark.parametrize("where", ["--db in a missing folder", "the default location"])
def test_mail_receive_on_a_missing_store_asks_the_mta_to_retry_and_creates_nothing(box, sopdash, monkeypatch, mail, where):
    if mail == "off":
        (box / "config.toml").write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    db = ("--db", str(box / "missing" / "tickets.json")) if where.startswith("--db") else ()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MAIL)))
    before = tree(box)
    result = sopdash(*db, "mail", "receive")
    assert tree(box) == before
    assert result.code == EX_TEMPFAIL and result.err.count("\n") == 1
    reason = "mail is off" if mail == "off" else "no ticket store at"
    assert result.err.startswith("sopdash: ") and reason in result.err and "try again later" in result.err


def test_init_creates_the_store_the_other_commands_then_use(box, sopdash, monkeypatch):
    store = box / "desk" / "tickets.json"
    assert sopdash("--db", str(store), "init").code == 0
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MAIL)))
    received = sopdash("--db", str(store), "mail", "receive")
    assert (received.code, received.out) == (0, "ticket #1: new ticket from ann@example.com\n")
