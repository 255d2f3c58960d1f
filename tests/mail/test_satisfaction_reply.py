"""SOP 6B by reply (issue 27): the client's answer to a resolution notice, read through `mail receive` run as the MTA
runs it, in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sopdash.core.templates import SATISFACTION_INVITATION
from sopdash.store.opening import open_store

NOTICE_QUOTED = "\n".join(f"> {line}" for line in SATISFACTION_INVITATION.split(". "))


@pytest.fixture
def resolved(mail_store, sopdash) -> tuple[str, str]:
    """Ticket #1 from Ann, acknowledged and resolved by mail, on a store file and on PostgreSQL: (store, the
    resolution notice's Message-ID)."""
    sopdash("ticket", "new", "--subject", "Printer jams", "--requester", "ann@example.com", "--name", "Ann Example")
    sopdash("ticket", "ack", "1")
    assert sopdash("ticket", "resolve", "1", "--summary", "Replaced the roller.").code == 0
    notice = open_store(mail_store).get(1).timeline[-1]
    assert SATISFACTION_INVITATION in notice.text
    return mail_store, notice.delivery.message_id


def receive(parent: str, body: str, number: int = 1) -> subprocess.CompletedProcess:
    raw = (
        f"From: Ann Example <ann@example.com>\nTo: help@desk.example.org\nSubject: Re: Printer jams [#1]\n"
        f"Message-ID: <answer{number}@example.com>\nIn-Reply-To: {parent}\n"
        f"Date: Wed, 25 Nov 2026 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    ).encode()
    return subprocess.run([sys.executable, "-m", "sopdash", "mail", "receive"], input=raw, capture_output=True,
                          env=os.environ.copy(), timeout=120)


def test_still_not_working_raises_the_manager_flag_and_reopens(resolved):
    store, notice = resolved
    done = receive(notice, f"Sorry, it is STILL not working: the printer jams again.\n\nOn Wed, 25 Nov 2026 at 09:00, "
                           f"Example IT Help Desk wrote:\n{NOTICE_QUOTED}")
    assert done.returncode == 0, done.stderr
    ticket = open_store(store).get(1)
    assert ticket.status == "open"
    assert ticket.needs_manager and ticket.manager_flag.reason == "unsatisfied"
    assert ticket.escalations[-1].reason == "unsatisfied" and ticket.tier == 1
    assert "says it is not fixed" in ticket.escalations[-1].note
    assert ticket.timeline[-3].kind == "client" and ticket.timeline[-3].text.startswith("Sorry, it is STILL")


def test_a_score_of_five_is_recorded_and_changes_nothing_else(resolved):
    store, notice = resolved
    before = open_store(store).get(1)
    assert receive(notice, "5, thanks!").returncode == 0
    after = open_store(store).get(1)
    assert after.satisfaction is not None and after.satisfaction.score == 5
    assert [e.kind for e in after.timeline[len(before.timeline):]] == ["client", "event"]
    assert after.timeline[-1].change == {"satisfaction": [None, 5]}
    unchanged = ("status", "manager_flag", "escalations", "tier", "resolved_at", "resolution", "client_notified_at",
                 "assignee", "priority")
    assert {name: getattr(after, name) for name in unchanged} == {name: getattr(before, name) for name in unchanged}


def test_a_low_score_raises_the_flag_but_leaves_the_ticket_resolved(resolved):
    store, notice = resolved
    assert receive(notice, "2/5, it took far too long.").returncode == 0
    ticket = open_store(store).get(1)
    assert ticket.status == "resolved" and ticket.satisfaction.score == 2
    assert ticket.needs_manager and ticket.manager_flag.reason == "unsatisfied"


@pytest.mark.parametrize("quoting", [
    "On Wed, 25 Nov 2026 at 09:00, Example IT Help Desk wrote:\n" + NOTICE_QUOTED,
    "-----Original Message-----\nFrom: Example IT Help Desk\nSent: Wednesday\n\n" + SATISFACTION_INVITATION,
    NOTICE_QUOTED,
], ids=["attribution", "outlook", "bare quote"])
def test_our_own_notice_quoted_in_the_reply_does_not_count(resolved, quoting):
    store, notice = resolved
    assert receive(notice, f"4 - works fine now.\n\n{quoting}").returncode == 0
    ticket = open_store(store).get(1)
    assert ticket.satisfaction.score == 4
    assert ticket.status == "resolved" and ticket.manager_flag is None
