"""The issue's whole story with a real SMTP server and a Maildir: mail in, acknowledgement out, answer in; on a
store file and on PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

from sopdash.store.opening import open_store


def client_mail(message_id: str, subject: str, body: str, parent: str = "") -> bytes:
    threading = f"In-Reply-To: {parent}\nReferences: {parent}\n" if parent else ""
    return (
        f"From: Ann Example <ann@example.com>\nTo: help@desk.example.org\nSubject: {subject}\n"
        f"Message-ID: {message_id}\nDate: Wed, 25 Nov 2026 08:55:00 +0000\n{threading}"
        f"Content-Type: text/plain; charset=utf-8\n\n{body}\n"
    ).encode()


def deliver_to(maildir: Path, name: str, raw: bytes) -> None:
    (maildir / "new" / name).write_bytes(raw)


def test_mail_in_acknowledgement_out_answer_in(mail_store, smtp_server, sopdash, tmp_path, monkeypatch, time_machine):
    mailbox, _ = smtp_server
    maildir = tmp_path / "Maildir"
    for folder in ("new", "cur", "tmp"):
        (maildir / folder).mkdir(parents=True)

    deliver_to(maildir, "1.a", client_mail("<ann-1@example.com>", "Scanner not found", "The scanner vanished."))
    assert "ticket #1" in sopdash("mail", "fetch", "--maildir", str(maildir)).out

    mailbox.mode = "disconnect"  # the SMTP server goes away: the acknowledgement waits, nothing is lost
    assert "will retry" in sopdash("ticket", "ack", "1").out
    mailbox.mode = "accept"
    time_machine.move_to("2026-11-25T09:05:00+00:00", tick=False)
    assert sopdash("mail", "send").out.splitlines()[-1] == "1 sent, 0 failed, 0 waiting"
    (acknowledgement,) = mailbox.messages
    assert acknowledgement["In-Reply-To"] == "<ann-1@example.com>"  # threaded to the client's message
    assert acknowledgement["Subject"] == "Re: Scanner not found [#1]"

    sopdash("ticket", "wait", "1")
    answer = client_mail("<ann-2@example.com>", "Re: Scanner not found [#1]", "It is the one on floor 2.",
                         parent=acknowledgement["Message-ID"])
    deliver_to(maildir, "2.a", answer)
    deliver_to(maildir, "3.a", answer)  # the MTA delivered it twice
    out = sopdash("mail", "fetch", "--maildir", str(maildir)).out
    assert "reply #1" in out and "duplicate #1" in out
    ticket = open_store(mail_store).get(1)
    assert ticket.status == "open"  # no longer waiting on the client
    assert [e.text for e in ticket.timeline if e.kind == "client"] == ["It is the one on floor 2."]
    assert len(open_store(mail_store).live()) == 1

    reply = sopdash("ticket", "note", "1", "Hello Ann,\n\ndriver reinstalled, please try again.\n\nThanks", "--public")
    assert "mail sent to ann@example.com" in reply.out
    assert mailbox.messages[-1]["In-Reply-To"] == "<ann-2@example.com>"  # to the client's latest message
    log = sopdash("mail", "log").out.splitlines()
    assert [tuple(line.split()[2:4]) for line in log] == [  # both ways, oldest first
        ("in", "ticket"), ("out", "sent"), ("in", "reply"), ("in", "duplicate"), ("out", "sent")]
