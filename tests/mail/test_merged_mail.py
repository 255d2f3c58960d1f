"""A merged ticket's later mail lands on the ticket it was merged into (`mail receive` as the MTA runs it), and
resolving a parent with its children tells each child's client (a real SMTP server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

RECEIVE = [sys.executable, "-m", "sopdash", "mail", "receive"]


def receive(raw: str) -> str:
    """`sopdash mail receive` in a process of its own, as an MTA runs it; its one line of output."""
    done = subprocess.run(RECEIVE, input=raw.encode(), capture_output=True, env=os.environ.copy(), timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().strip()


def letter(sender: str, subject: str, message_id: str, in_reply_to: str = "") -> str:
    parent = f"In-Reply-To: {in_reply_to}\n" if in_reply_to else ""
    return (f"From: {sender}\nTo: help@desk.example.org\nSubject: {subject}\nMessage-ID: {message_id}\n{parent}"
            "Content-Type: text/plain; charset=utf-8\n\nStill jammed this morning.\n")


def timeline(sopdash, ticket_id: int) -> list[dict]:
    return json.loads(sopdash("ticket", "show", str(ticket_id), "--json").out)["timeline"]


def test_mail_to_a_merged_ticket_lands_on_its_target_by_tag_and_by_message_id(mail_store, sopdash, smtp_server):
    mailbox, _ = smtp_server
    sopdash("ticket", "new", "--subject", "Printer jams", "--requester", "ann@example.com")
    sopdash("ticket", "new", "--subject", "Floor 3 printer jams", "--requester", "bob@example.com")
    assert sopdash("ticket", "ack", "1").code == 0
    receipt = mailbox.messages[-1]["Message-ID"]
    merged = sopdash("ticket", "merge", "1", "2")
    assert merged.out.strip() == "#1 merged into #2 and closed; the notice to its client: mail sent to ann@example.com"
    notice = mailbox.messages[-1]
    assert notice["To"] == "ann@example.com" and "handling both together as #2" in notice.get_content()

    by_tag = receive(letter("ann@example.com", "Re: [#1] Printer jams", "<tag@example.com>"))
    by_id = receive(letter("ann@example.com", "Re: Printer jams", "<thread@example.com>", in_reply_to=receipt))
    stranger = receive(letter("mallory@evil.example", "Re: [#1] Printer jams", "<evil@evil.example>"))

    assert by_tag == "reply #2: from ann@example.com appended (new before), addressed to #1, merged into #2"
    assert by_id.startswith("reply #2: from ann@example.com appended")
    assert stranger == "ticket #3: new ticket from mallory@evil.example, names #1 but is not on it"
    client = [e for e in timeline(sopdash, 2) if e["kind"] == "client"]
    assert [e["inbound"]["message_id"] for e in client] == ["<tag@example.com>", "<thread@example.com>"]
    assert not [e for e in timeline(sopdash, 1) if e["kind"] == "client"]


def test_resolving_a_parent_with_three_children_tells_each_client_once(mail_store, sopdash, smtp_server):
    mailbox, _ = smtp_server
    sopdash("ticket", "new", "--subject", "Network outage", "--requester", "ops@example.com")
    for n, client in enumerate(("ann", "bob", "cy"), start=2):
        sopdash("ticket", "new", "--subject", f"No network on floor {n}", "--requester", f"{client}@example.com")
        sopdash("ticket", "link", "1", "child", str(n))
    sopdash("ticket", "resolve", "4", "--summary", "it came back by itself")  # resolved already: left as it is

    result = sopdash("ticket", "resolve-all", "1", "--summary", "the core switch was replaced")

    assert result.code == 0, result.err
    assert "#4 is resolved already: left as it is" in result.out
    told = sorted(message["To"] for message in mailbox.messages if "core switch" in message.get_content())
    assert told == ["ann@example.com", "bob@example.com", "ops@example.com"]
    for ticket_id in (1, 2, 3, 4):
        shown = json.loads(sopdash("ticket", "show", str(ticket_id), "--json").out)
        assert shown["status"] == "resolved" and shown["client_notified_at"]
