"""kill -9 during `mail send`: a real sender process, killed again and again in the middle of a run, re-sends at
most the one message it was handing over each time, and loses none (issue 18). Counted at a real SMTP server."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from mail_server import DESK

from sopdash.clock import fixed_clock
from sopdash.config import settings_from_document
from sopdash.core.model import Requester
from sopdash.desk import Desk
from sopdash.desk.identity import current_login
from sopdash.mail.settings import MailSettings
from sopdash.store.opening import open_store

MESSAGES = 40
KILL_AT = (3, 11, 19, 27)  # how many messages the server has taken when each sender is killed
NOW = datetime.fromisoformat("2026-11-25T09:00:00+00:00")


def queue_acknowledgements(location: str, port: int) -> None:
    """MESSAGES tickets, each acknowledged with its mail queued (the desk never sends by itself)."""
    settings = settings_from_document({"calendar": {"timezone": "UTC"}}, Path("config.toml"))
    mail = MailSettings(address=DESK, smtp_url=f"smtp://127.0.0.1:{port}", starttls=False)
    store = open_store(location, create=True)
    desk = Desk(store, settings.policy, settings.roster, current_login(), fixed_clock(NOW), mail=mail)
    for n in range(MESSAGES):
        ticket = desk.create(f"Request {n}", Requester(f"Client {n}", f"client{n}@example.com"))
        desk.acknowledge(ticket.id)


def sender() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sopdash", "mail", "send"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def wait_for(mailbox, count: int, process: subprocess.Popen, within_s: float = 60) -> None:
    deadline = time.monotonic() + within_s
    while len(mailbox.messages) < count:
        if process.poll() is not None:
            pytest.fail(f"the sender ended before the kill: {process.stderr.read().decode()}")
        if time.monotonic() > deadline:
            pytest.fail(f"the server took {len(mailbox.messages)} messages, not {count}")
        time.sleep(0.002)


def test_kill_9_in_mail_send_resends_at_most_the_message_in_flight(mail_store, smtp_server):
    mailbox, port = smtp_server
    queue_acknowledgements(mail_store, port)
    mailbox.delay = 0.02  # a run takes long enough to be killed in the middle
    for count in KILL_AT:
        running = sender()
        wait_for(mailbox, count, running)
        running.kill()
        running.wait()
    mailbox.delay = 0.0
    final = subprocess.run([sys.executable, "-m", "sopdash", "mail", "send"], capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    copies = Counter(message["Message-ID"] for message in mailbox.messages)
    duplicates = sum(n - 1 for n in copies.values())
    print(f"{len(KILL_AT)} kills, {len(mailbox.messages)} messages taken, {duplicates} duplicates")
    assert len(copies) == MESSAGES  # nothing lost
    assert duplicates <= len(KILL_AT)
    states = Counter(e.delivery.state for t in open_store(mail_store).live() for e in t.timeline if e.delivery)
    assert states == {"sent": MESSAGES}
