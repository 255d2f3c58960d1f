"""Issue 21: no message crashes intake or blocks the ones behind it, one message's cost is bounded, and no kept
original is ever replaced by another message."""

from __future__ import annotations

import io
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

from sopdash.mail.bounds import MAX_HEADER_FIELD, MAX_PARTS
from sopdash.mail.parse import read_message
from sopdash.store.ticket_store import TicketStore
from sopdash.store.kept_files import KeptFiles

CORPUS = Path(__file__).parent / "corpus"


def pipe(sopdash, monkeypatch, raw: bytes):
    """`sopdash mail receive` with raw on standard input."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    return sopdash("mail", "receive")


def plain(message_id: str, body: str, sender: str = "Ann <ann@example.com>", subject: str = "Printer jams") -> bytes:
    return (
        f"From: {sender}\nTo: help@desk.example.org\nSubject: {subject}\nMessage-ID: {message_id}\n"
        f"Date: Wed, 25 Nov 2026 09:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    ).encode()


def test_an_outlook_message_carrying_an_exchange_message_with_a_malformed_message_id_is_a_ticket(mail_env, sopdash, monkeypatch):
    raw = (CORPUS / "outlook_attached_bad_message_id.eml").read_bytes()
    result = pipe(sopdash, monkeypatch, raw)
    assert (result.code, result.out.split(":")[0]) == (0, "ticket #1")
    inbound = TicketStore(mail_env).get(1).timeline[0].inbound
    assert len(inbound.attachments) == 1 and "spreadsheet that will not open" in TicketStore(mail_env).get(1).body
    kept = KeptFiles(mail_env)
    assert kept.path(inbound.eml).read_bytes() == raw
    assert b"Message-ID: <@" in kept.path(inbound.attachments[0].path).read_bytes()  # kept as it came, not refolded


def test_a_message_the_parser_fails_on_is_quarantined_logged_and_answered_0(mail_env, sopdash, monkeypatch):
    raw = (CORPUS / "bounce_malformed_original_id.eml").read_bytes()
    result = pipe(sopdash, monkeypatch, raw)
    assert result.code == 0 and result.out.startswith("quarantined: sopdash failed while handling it (IndexError")
    kept = KeptFiles(mail_env)
    (eml,) = [name for name in kept.names() if name.startswith("quarantine/") and name.endswith(".eml")]
    assert kept.path(eml).read_bytes() == raw
    assert b"IndexError" in kept.path(eml.removesuffix(".eml") + ".reason").read_bytes()
    (record,) = kept.read_log()
    assert record["action"] == "quarantined" and record["eml"] == eml
    assert "quarantined" in sopdash("mail", "log").out
    check = sopdash("check")
    assert "warning: 1 message(s) sopdash failed on are kept in quarantine" in check.out and eml in check.out
    assert pipe(sopdash, monkeypatch, raw).code == 0  # fed again: kept once, nothing new
    assert [n for n in kept.names() if n.startswith("quarantine/")] == [eml, eml.removesuffix(".eml") + ".reason"]
    assert TicketStore(mail_env).history() == []


def test_a_maildir_moves_on_past_a_message_the_parser_fails_on(mail_env, sopdash, tmp_path):
    maildir = tmp_path / "Maildir"
    for folder in ("new", "cur", "tmp"):
        (maildir / folder).mkdir(parents=True)
    (maildir / "new" / "1.bad").write_bytes((CORPUS / "bounce_malformed_original_id.eml").read_bytes())
    (maildir / "new" / "2.good").write_bytes(plain("<good@example.com>", "The scanner is offline."))
    result = sopdash("mail", "fetch", "--maildir", str(maildir))
    assert result.code == 0 and "2 message(s) handled" in result.out
    assert "1.bad: quarantined" in result.out and "2.good: ticket #1" in result.out
    assert list((maildir / "new").iterdir()) == []


def test_a_reused_message_id_with_other_content_is_its_own_message_and_both_originals_are_kept(mail_env, sopdash, monkeypatch):
    first = plain("<reused@example.com>", "The printer jams on every page.")
    second = plain("<reused@example.com>", "Also the scanner is offline.", "Bob <bob@example.com>", "Scanner")
    assert pipe(sopdash, monkeypatch, first).out.startswith("ticket #1")
    assert pipe(sopdash, monkeypatch, second).out.startswith("ticket #2")
    store, kept = TicketStore(mail_env), KeptFiles(mail_env)
    assert kept.path(store.get(1).timeline[0].inbound.eml).read_bytes() == first
    assert kept.path(store.get(2).timeline[0].inbound.eml).read_bytes() == second
    for raw in (first, second, first, second):  # the same bytes again: nothing new
        assert pipe(sopdash, monkeypatch, raw).out.startswith("duplicate #")
    shutil.rmtree(kept.root / "index")  # a store copied without its index: built again from the history
    assert [pipe(sopdash, monkeypatch, raw).out[:12] for raw in (second, first)] == ["duplicate #2", "duplicate #1"]
    assert len(store.history()) == 2
    assert sum(name.endswith(".eml") for name in kept.names()) == 2


def test_a_reply_reusing_a_message_id_is_appended_on_its_merits(mail_env, sopdash, monkeypatch):
    assert pipe(sopdash, monkeypatch, plain("<same@example.com>", "The printer jams.")).out.startswith("ticket #1")
    reply = plain("<same@example.com>", "It jams again today.", subject="Re: Printer jams [#1]")
    assert pipe(sopdash, monkeypatch, reply).out.startswith("reply #1")
    assert pipe(sopdash, monkeypatch, reply).out.startswith("duplicate #1")
    assert [e.kind for e in TicketStore(mail_env).get(1).timeline].count("client") == 1


def test_a_huge_encoded_header_costs_what_an_ordinary_message_costs():
    words = " ".join("=?utf-8?q?caf=C3=A9?=" for _ in range(10_000))  # 220 KB: over a gigabyte before the cut
    raw = f"From: {words} <ann@example.com>\nSubject: {words}\nMessage-ID: <h@example.com>\n\nbody\n".encode()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        mail = read_message(raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000 and time.perf_counter() - started < 5
    assert mail.sender == "ann@example.com" and mail.subject.startswith("cafécafé")
    assert mail.unread == f"header From, Subject over {MAX_HEADER_FIELD:,} bytes: cut"


def test_a_long_references_header_keeps_its_nearest_parents():
    refs = " ".join(f"<m{n}@example.com>" for n in range(5_000))
    mail = read_message(f"From: ann@example.com\nReferences: {refs}\nIn-Reply-To: <x@y>\n\nhi\n".encode())
    assert mail.parents[:3] == ["<x@y>", "<m4999@example.com>", "<m4998@example.com>"]


def test_a_message_with_too_many_parts_is_read_as_headers_only():
    parts = "".join(f"--top\nContent-Type: application/octet-stream\n\nx{n}\n" for n in range(MAX_PARTS + 10))
    raw = f'From: ann@example.com\nSubject: many\nContent-Type: multipart/mixed; boundary="top"\n\n{parts}--top--\n'
    mail = read_message(raw.encode())
    assert (mail.subject, mail.attachments) == ("many", [])
    assert mail.unread == f"it has {MAX_PARTS + 11} parts, more than the {MAX_PARTS} sopdash reads: none was read"
