"""A store path given relative, through a linked folder or with `..` takes client mail like any other: the message
becomes a ticket, its original is kept beside the real store file, and the mail log says so."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from sopdash.store.opening import open_store

MAIL = (
    b"From: Ann <ann@example.com>\nTo: help@desk.example.org\nSubject: Printer jams\nMessage-ID: <m1@example.com>\n"
    b"Date: Wed, 25 Nov 2026 08:59:00 +0000\n\nIt jams on every page.\n"
)


@pytest.fixture
def desk_folder(mail_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store in <tmp>/data, a linked folder <tmp>/link to it, and <tmp>/data/sub; SOPDASH_DB unset."""
    data = mail_env.parent / "data"
    (data / "sub").mkdir(parents=True)
    open_store(data / "tickets.json", create=True)
    (mail_env.parent / "link").symlink_to(data, target_is_directory=True)
    monkeypatch.delenv("SOPDASH_DB")
    return data


@pytest.mark.parametrize(
    ("cwd", "db"),
    [
        (".", "data/tickets.json"),
        (".", "link/tickets.json"),
        ("data/sub", "../tickets.json"),
        ("link/sub", "../tickets.json"),
        (".", "{tmp}/data/sub/../tickets.json"),
        (".", "{tmp}/link/tickets.json"),
    ],
)
def test_mail_receive_ticketizes_through_any_spelling_of_the_store_path(desk_folder, sopdash, monkeypatch, cwd, db):
    tmp = desk_folder.parent
    monkeypatch.chdir(tmp / cwd)
    db = db.format(tmp=tmp)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MAIL)))
    result = sopdash("--db", db, "mail", "receive")
    assert (result.code, result.out, result.err) == (0, "ticket #1: new ticket from ann@example.com\n", "")
    (kept,) = (desk_folder / "tickets.json.files" / "mail").rglob("*.eml")
    assert b"It jams on every page." in kept.read_bytes()
    assert open_store(desk_folder / "tickets.json").get(1).subject == "Printer jams"
    assert sopdash("--db", db, "mail", "log").out.split()[2:6] == ["in", "ticket", "#1", "ann@example.com"]
