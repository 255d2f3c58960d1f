"""`mail receive` and `mail fetch`: exactly once, loops and floods held off, closed tickets followed up, sysexits."""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path

from sopdash.store.ticket_store import TicketStore
from sopdash.store.kept_files import KeptFiles
from sopdash.store.lock import exclusive_lock


def message(sender: str = "ann@example.com", subject: str = "Laptop will not boot", message_id: str = "<m1@example.com>",
            extra: str = "", body: str = "It shows a black screen.") -> bytes:
    return (
        f"From: Ann Example <{sender}>\nTo: help@desk.example.org\nSubject: {subject}\n"
        f"Message-ID: {message_id}\nDate: Wed, 25 Nov 2026 08:59:00 +0000\n{extra}"
        f"Content-Type: text/plain; charset=utf-8\n\n{body}\n"
    ).encode()


def pipe(sopdash, monkeypatch, raw: bytes):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    return sopdash("mail", "receive")


def test_the_same_message_twice_makes_one_ticket(mail_env, sopdash, monkeypatch):
    first = pipe(sopdash, monkeypatch, message())
    again = pipe(sopdash, monkeypatch, message())
    assert first.out.strip() == "ticket #1: new ticket from ann@example.com"
    assert (again.code, again.out.strip()) == (0, "duplicate #1: <m1@example.com> was handled before")
    assert len(TicketStore(mail_env).live()) == 1
    reply = message(subject="Re: Laptop will not boot [#1]", message_id="<m2@example.com>")
    pipe(sopdash, monkeypatch, reply)
    assert pipe(sopdash, monkeypatch, reply).out.startswith("duplicate #1")
    assert [e.kind for e in TicketStore(mail_env).get(1).timeline].count("client") == 1


def test_a_reply_to_a_closed_ticket_opens_a_new_one_that_links_it(mail_env, sopdash, monkeypatch):
    pipe(sopdash, monkeypatch, message())
    sopdash("ticket", "resolve", "1", "--summary", "Reseated the RAM.")
    assert sopdash("ticket", "close", "1").code == 0
    result = pipe(sopdash, monkeypatch, message(subject="Re: Laptop will not boot [#1]", message_id="<m3@example.com>"))
    assert result.out.strip() == "ticket #2: new ticket from ann@example.com, follows #1"
    store = TicketStore(mail_env)
    assert store.get(1).status == "closed"
    assert store.get(2).timeline[0].text == "ticket created from mail by ann@example.com; follows #1 (closed)"


def test_robots_and_loops_never_open_or_reopen(mail_env, sopdash, monkeypatch):
    pipe(sopdash, monkeypatch, message())
    sopdash("ticket", "resolve", "1", "--summary", "Reseated the RAM.")
    cases = {
        "Auto-Submitted: auto-generated\n": "Auto-Submitted: auto-generated",
        "Precedence: junk\n": "Precedence: junk",
        "X-Autoreply: yes\n": "X-Autoreply header",
        "X-Autorespond: yes\n": "X-Autorespond header",
        "Return-Path: <>\n": "empty Return-Path (a bounce or notification)",
    }
    for number, (header, reason) in enumerate(cases.items()):
        raw = message(subject="Re: Laptop will not boot [#1]", message_id=f"<robot{number}@example.com>", extra=header)
        result = pipe(sopdash, monkeypatch, raw)
        assert (result.code, result.out.strip()) == (0, f"dropped #1: {reason}")
    own = pipe(sopdash, monkeypatch, message(sender="help@desk.example.org", message_id="<own@example.org>"))
    assert own.out.strip() == "dropped: from the desk's own address (a loop)"
    assert sopdash("mail", "log", "--limit", "4").out.count("dropped") == 3  # and the resolution sent out
    store = TicketStore(mail_env)
    assert store.get(1).status == "resolved" and len(store.live()) == 1
    person = pipe(sopdash, monkeypatch, message(subject="Re: x [#1]", message_id="<p@example.com>", extra="Auto-Submitted: no\n"))
    assert person.out.startswith("reply #1") and TicketStore(mail_env).get(1).status == "open"


def test_a_flood_from_one_sender_is_held(mail_env, sopdash, monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(config.read_text() + "max_new_tickets_per_sender_hour = 2\n")
    results = [pipe(sopdash, monkeypatch, message(subject=f"Alert {n}", message_id=f"<f{n}@example.com>")) for n in range(4)]
    assert [r.out.split(":")[0] for r in results] == ["ticket #1", "ticket #2", "held", "held"]
    assert results[2].out.strip() == "held: flood: ann@example.com opened 2 tickets in the last hour"
    assert len(TicketStore(mail_env).live()) == 2
    assert len(list((KeptFiles(mail_env).root / "held").iterdir())) == 2
    other = pipe(sopdash, monkeypatch, message(sender="bob@example.com", message_id="<b@example.com>"))
    assert other.out.startswith("ticket #3")


def test_a_locked_store_asks_the_mta_to_try_later(mail_env, sopdash, monkeypatch):
    pipe(sopdash, monkeypatch, message())
    monkeypatch.setattr(exclusive_lock.__wrapped__, "__defaults__", (0.2, None))  # wait 0.2 s for the lock, not 15
    with exclusive_lock(mail_env.with_name(mail_env.name + ".lock")):
        result = pipe(sopdash, monkeypatch, message(message_id="<late@example.com>"))
    assert result.code == 75 and "try again later" in result.err
    assert pipe(sopdash, monkeypatch, message(message_id="<late@example.com>")).out.startswith("ticket #2")


def test_kept_mail_has_the_store_permissions(mail_env, sopdash, monkeypatch):
    pipe(sopdash, monkeypatch, message())
    os.chmod(mail_env, 0o640)
    pipe(sopdash, monkeypatch, message(message_id="<m9@example.com>"))
    store = TicketStore(mail_env).get(2)
    eml = KeptFiles(mail_env).path(store.timeline[0].inbound.eml)
    assert stat.S_IMODE(eml.stat().st_mode) == 0o640
    assert eml.read_bytes() == message(message_id="<m9@example.com>")


def test_fetch_handles_a_maildir_and_moves_each_message_to_cur(mail_env, sopdash, tmp_path):
    maildir = tmp_path / "Maildir"
    for folder in ("new", "cur", "tmp"):
        (maildir / folder).mkdir(parents=True)
    (maildir / "new" / "1764061200.1.host").write_bytes(message())
    (maildir / "new" / "1764061201.2.host").write_bytes(message(sender="bob@example.com", message_id="<b1@example.com>"))
    (maildir / "new" / "1764061202.3.host").write_bytes(message())  # the first again
    result = sopdash("mail", "fetch", "--maildir", str(maildir))
    assert result.code == 0
    assert result.out.splitlines() == [
        "1764061200.1.host: ticket #1: new ticket from ann@example.com",
        "1764061201.2.host: ticket #2: new ticket from bob@example.com",
        "1764061202.3.host: duplicate #1: <m1@example.com> was handled before",
        f"3 message(s) handled from {maildir}",
    ]
    assert list((maildir / "new").iterdir()) == []
    assert sorted(p.name for p in (maildir / "cur").iterdir())[0] == "1764061200.1.host:2,S"


def test_fetch_refuses_a_folder_that_is_not_a_maildir(mail_env, sopdash, tmp_path):
    result = sopdash("mail", "fetch", "--maildir", str(tmp_path))
    assert result.code == 2 and "is not a Maildir" in result.err


def test_receive_without_mail_configured_asks_to_try_later(tmp_path, sopdash, monkeypatch):
    (tmp_path / "config.toml").write_text('[calendar]\ntimezone = "UTC"\n')
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("SOPDASH_DB", str(tmp_path / "t.json"))
    result = pipe(sopdash, monkeypatch, message())
    assert result.code == 75 and "mail is off" in result.err
