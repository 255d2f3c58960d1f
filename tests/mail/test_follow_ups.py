"""Follow-ups that thread (issue 22): a reply to a closed ticket opens one follow-up that keeps its triage and
assignee, our mail carries the follow-up's tag alone, and the client's next mail lands there, through `mail receive`
run as the MTA runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mail_server import mail_config

from sopdash.desk.identity import current_login
from sopdash.store.opening import open_store


@pytest.fixture(params=["file", "postgresql"])
def desk(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_server) -> str:
    """An empty store (a file, or a database reached as the role named like this login) with mail on, its mail going
    to the test server; the real clock (the MTA's process has no other). Returns where the store is."""
    config = tmp_path / "config.toml"
    config.write_text(mail_config(smtp_server[1]), encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))
    monkeypatch.delenv("SOPDASH_NOW", raising=False)
    if request.param == "file":
        location = str(tmp_path / "tickets.json")
        open_store(location, create=True)
    else:
        location = request.getfixturevalue("postgres_db").url(current_login())
    monkeypatch.setenv("SOPDASH_DB", location)
    return location


def receive(raw: bytes) -> subprocess.CompletedProcess[str]:
    """`sopdash mail receive` in its own process, the message on its standard input."""
    done = subprocess.run([sys.executable, "-m", "sopdash", "mail", "receive"], input=raw, capture_output=True,
                          env=dict(os.environ), timeout=60, check=False)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def client_mail(message_id: str, subject: str, body: str, parent: str = "", sender: str = "ann@example.com") -> bytes:
    threading = f"In-Reply-To: {parent}\nReferences: {parent}\n" if parent else ""
    return (
        f"From: Ann Example <{sender}>\nTo: help@desk.example.org\nSubject: {subject}\n"
        f"Message-ID: {message_id}\nDate: Mon, 07 Dec 2026 08:55:00 +0000\n{threading}"
        f"Content-Type: text/plain; charset=utf-8\n\n{body}\n"
    ).encode()


def closed_high_priority_ticket(sopdash, mailbox) -> str:
    """#1 from Ann's mail, triaged high, categorised, assigned to amara, answered, resolved and closed; the Message-ID
    of our last mail on it."""
    assert receive(client_mail("<ann-1@example.com>", "Printer jams", "Paper jams on tray 2.")).stdout.startswith("ticket #1")
    sopdash("ticket", "priority", "1", "high")
    sopdash("ticket", "edit", "1", "--category", "Printing")
    sopdash("ticket", "assign", "1", "amara")
    sopdash("ticket", "ack", "1")
    sopdash("ticket", "resolve", "1", "--summary", "Replaced the pick-up roller.")
    assert sopdash("ticket", "close", "1").code == 0
    return mailbox.messages[-1]["Message-ID"]


def test_the_issue_scenario_ends_with_one_follow_up_carrying_one_tag(desk, smtp_server, sopdash):
    mailbox, _ = smtp_server
    resolution = closed_high_priority_ticket(sopdash, mailbox)
    assert mailbox.messages[-1]["Subject"] == "Re: Printer jams [#1]"

    again = receive(client_mail("<ann-2@example.com>", "Re: Printer jams [#1]", "It jams again.", parent=resolution))
    assert (again.returncode, again.stdout.strip()) == (0, "ticket #2: new ticket from ann@example.com, follows #1")

    reply = sopdash("ticket", "note", "2", "Hello Ann,\n\nwe will replace the tray.\n\nKind regards,\nAmara", "--public")
    assert "mail sent to ann@example.com" in reply.out
    assert mailbox.messages[-1]["Subject"] == "Re: Printer jams [#2]"  # one tag: the follow-up's own

    old_subject = receive(client_mail("<ann-3@example.com>", "Re: Printer jams [#1]", "Any news?"))
    assert old_subject.stdout.strip() == "reply #2: from ann@example.com appended (open before), on the follow-up of closed #1"

    store = open_store(desk)
    assert [t.id for t in store.history()] == [1, 2]
    closed, follow_up = store.get(1), store.get(2)
    assert (follow_up.subject, follow_up.priority, follow_up.triaged, follow_up.assignee, follow_up.category) == (
        "Printer jams", "high", True, "amara", "Printing")
    assert [e.text for e in follow_up.timeline if e.kind == "client"] == ["Any news?"]
    assert follow_up.timeline[0].text == "ticket created from mail by ann@example.com; follows #1 (closed)"
    assert closed.status == "closed" and closed.timeline[-1].text == "followed up in #2"


def test_a_closed_follow_up_is_followed_in_turn(desk, smtp_server, sopdash):
    resolution = closed_high_priority_ticket(sopdash, smtp_server[0])
    receive(client_mail("<ann-2@example.com>", "Re: Printer jams [#1]", "It jams again.", parent=resolution))
    sopdash("ticket", "resolve", "2", "--summary", "Replaced the tray.")
    sopdash("ticket", "close", "2")

    third = receive(client_mail("<ann-3@example.com>", "Re: Printer jams [#1]", "And again."))

    assert third.stdout.strip() == "ticket #3: new ticket from ann@example.com, follows #2"
    store = open_store(desk)
    assert store.get(2).timeline[-1].text == "followed up in #3"
    assert (store.get(3).priority, store.get(3).assignee) == ("high", "amara")
    fourth = receive(client_mail("<ann-4@example.com>", "Printer jams [#1] [#2]", "Still."))
    assert fourth.stdout.startswith("reply #3")


def test_a_stranger_naming_a_closed_ticket_never_reaches_its_follow_up(desk, smtp_server, sopdash):
    resolution = closed_high_priority_ticket(sopdash, smtp_server[0])
    receive(client_mail("<ann-2@example.com>", "Re: Printer jams [#1]", "It jams again.", parent=resolution))

    stranger = receive(client_mail("<m-1@evil.example>", "Re: Printer jams [#1]", "Click here.",
                                   sender="mallory@evil.example"))

    assert stranger.stdout.strip() == "ticket #3: new ticket from mallory@evil.example, names #1 but is not on it"
    store = open_store(desk)
    assert (store.get(3).priority, store.get(3).assignee, store.get(3).triaged) == ("medium", "", False)
    assert [e.kind for e in store.get(2).timeline].count("client") == 0


def test_an_archived_closed_ticket_is_followed_and_linked_once(mail_env, sopdash, monkeypatch, time_machine):
    from test_inbound_corpus import pipe

    pipe(sopdash, monkeypatch, client_mail("<ann-1@example.com>", "Printer jams", "Paper jams on tray 2."))
    sopdash("ticket", "resolve", "1", "--summary", "Replaced the pick-up roller.")
    sopdash("ticket", "close", "1")
    time_machine.move_to("2027-01-25T09:00:00+00:00", tick=False)
    assert sopdash("store", "archive").code == 0
    store = open_store(str(mail_env))
    assert [t.id for t in store.live()] == [] and [t.id for t in store.history()] == [1]

    assert pipe(sopdash, monkeypatch, client_mail("<ann-2@example.com>", "Re: Printer jams [#1]", "Again.")).out.startswith(
        "ticket #2")
    assert pipe(sopdash, monkeypatch, client_mail("<ann-3@example.com>", "Re: Printer jams [#1]", "Hello?")).out.startswith(
        "reply #2")
    store = open_store(str(mail_env))
    assert [t.id for t in store.history()] == [1, 2]
    assert store.get(1).timeline[-1].text == "followed up in #2" and store.get(1).status == "closed"


def test_stopped_before_the_link_the_next_mail_still_finds_the_follow_up(mail_env, sopdash, monkeypatch):
    from test_inbound_corpus import pipe

    from sopdash.desk.intake import Intake

    pipe(sopdash, monkeypatch, client_mail("<ann-1@example.com>", "Printer jams", "Paper jams on tray 2."))
    sopdash("ticket", "resolve", "1", "--summary", "Replaced the pick-up roller.")
    sopdash("ticket", "close", "1")
    with monkeypatch.context() as stopped:  # sopdash stopped between opening the follow-up and linking it
        stopped.setattr(Intake, "_link", lambda self, closed_id, follow_up_id, now: None)
        assert pipe(sopdash, monkeypatch, client_mail("<ann-2@example.com>", "Re: Printer jams [#1]", "Again.")).out.startswith(
            "ticket #2")
    assert open_store(str(mail_env)).get(1).timeline[-1].text != "followed up in #2"

    later = pipe(sopdash, monkeypatch, client_mail("<ann-3@example.com>", "Re: Printer jams [#1]", "Hello?"))

    assert later.out.startswith("reply #2") and [t.id for t in open_store(str(mail_env)).history()] == [1, 2]
