"""`store copy` carries the whole desk: file → PostgreSQL → file gives back every kept original, attachment, held
and rejected message byte for byte and the mail log record for record, checked by count and checksum."""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path

import pytest

from sopdash.store.copying import contents
from sopdash.store.kept_files import MAIL_LOG, SENDING_LOCK
from sopdash.store.opening import open_store

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40


def client_mail(n: int, sender: str = "ann@example.com") -> bytes:
    return (
        f"From: Client <{sender}>\nTo: help@desk.example.org\nSubject: Problem {n}\nMessage-ID: <m{n}@example.com>\n"
        f"Date: Wed, 25 Nov 2026 08:5{n}:00 +0000\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain; charset=utf-8\n\n'
        f"Problem number {n}, caf\u00e9.\n--b\nContent-Type: application/pdf; name=\"scan {n}.pdf\"\n"
        f"Content-Disposition: attachment; filename=\"scan {n}.pdf\"\nContent-Transfer-Encoding: base64\n\n"
        f"{base64.encodebytes(PDF).decode()}--b--\n"
    ).encode()


def kept_on_disk(store: Path) -> dict[str, bytes]:
    """Every kept file beside a store file, by its name in `<store>.files/`, but the log and the outbox lock."""
    root = store.with_name(store.name + ".files")
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and path.name not in (MAIL_LOG, SENDING_LOCK)
    }


def records(store: Path) -> list[dict]:
    """The mail log's records, in order."""
    log = store.with_name(store.name + ".files") / MAIL_LOG
    return [json.loads(line) for line in log.read_bytes().splitlines()]


@pytest.fixture
def desk_with_mail(mail_env: Path, sopdash, monkeypatch) -> Path:
    """The mail store after three clients' mail with attachments, one held (the sender's hourly limit is 2) and
    one message that is not mail at all."""
    config = mail_env.parent / "config.toml"
    config.write_text(config.read_text() + "max_new_tickets_per_sender_hour = 2\n", encoding="utf-8")
    for raw in (client_mail(1), client_mail(2), client_mail(3), client_mail(4, "bo@example.com"), b"\x00\x01 no mail"):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        sopdash("mail", "receive")
    return mail_env


def test_file_to_postgresql_to_file_keeps_every_kept_file_byte_for_byte(desk_with_mail, sopdash, postgres_db, tmp_path):
    original = kept_on_disk(desk_with_mail)
    folders = {name.split("/")[0] for name in original}
    assert {"mail", "held", "rejected"} <= folders and sum(name.endswith(".pdf") for name in original) == 4
    back = tmp_path / "back" / "tickets.json"

    there = sopdash("store", "copy", str(desk_with_mail), postgres_db.admin_url)
    again = sopdash("store", "copy", postgres_db.admin_url, str(back))

    assert there.code == 0, there.err
    assert f"{len(original)} kept files, 5 mail log records" in there.out and "reads back identical" in there.out
    assert again.code == 0, again.err
    assert there.out.split("sha256 ")[1][:16] == again.out.split("sha256 ")[1][:16]
    assert kept_on_disk(back) == original
    assert records(back) == records(desk_with_mail)
    assert contents(open_store(back)) == contents(open_store(desk_with_mail))
    shown = sopdash("--db", str(back), "mail", "log").out
    assert shown == sopdash("mail", "log").out and "held" in shown and "rejected" in shown


def test_a_destination_that_keeps_mail_is_refused(desk_with_mail, sopdash, postgres_db, tmp_path):
    other = tmp_path / "other" / "tickets.json"
    assert sopdash("--db", str(other), "init").code == 0
    files = other.with_name(other.name + ".files") / "mail"
    files.mkdir(parents=True)
    (files / "left.eml").write_bytes(b"From: x\n\nleft over")

    refused = sopdash("store", "copy", str(desk_with_mail), str(other))

    assert refused.code == 2 and "keeps mail already" in refused.err
    assert open_store(other).history() == []


def test_the_desks_settings_go_with_the_copy_both_ways(mail_env, sopdash, postgres_db, tmp_path):
    assert sopdash("config", "set", "sla.high.ack", "30m", "calendar.timezone", "Europe/London").code == 0
    back = tmp_path / "back" / "tickets.json"

    there = sopdash("store", "copy", str(mail_env), postgres_db.admin_url)
    again = sopdash("store", "copy", postgres_db.admin_url, str(back))

    assert there.code == 0 and "copied the desk's settings (2 keys)" in there.out, there.err
    assert again.code == 0 and "copied the desk's settings (2 keys)" in again.out, again.err
    shown = sopdash("--db", str(back), "config").out
    assert "sla.high.ack = 30m" in shown and "Europe/London" in shown
    assert "store copy from" in sopdash("--db", str(back), "config", "log").out
