"""Issue 22: a mailed ticket's SLA clock starts when the desk's mail server received it, not when it was fetched."""

from __future__ import annotations

import io
import sys
from datetime import datetime, timedelta

from mail_server import DESK, NOW

from sopdash.store.opening import open_store


def test_the_clock_starts_at_the_topmost_received_time_and_the_timeline_keeps_the_fetch(mail_store, sopdash,
                                                                                       monkeypatch):
    raw = (f"Received: from mx by imap.desk.example.org; Wed, 25 Nov 2026 08:40:00 +0000\r\n"
           f"From: Ann <ann@example.com>\r\nTo: {DESK}\r\nSubject: Printer\r\nMessage-ID: <r1@example.com>\r\n"
           f"Date: Wed, 25 Nov 2026 08:39:00 +0000\r\n\r\nIt jams.\r\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert sopdash("mail", "receive").code == 0
    ticket = open_store(mail_store).get(1)
    assert ticket.created_at == datetime.fromisoformat(NOW) - timedelta(minutes=20)
    assert ticket.timeline[0].at == datetime.fromisoformat(NOW)  # the write is stamped when it happened


def test_a_client_date_in_the_future_starts_the_clock_at_the_fetch(mail_env, sopdash, monkeypatch):
    raw = (f"From: Ann <ann@example.com>\r\nTo: {DESK}\r\nSubject: Printer\r\nMessage-ID: <r2@example.com>\r\n"
           f"Date: Wed, 25 Nov 2026 18:00:00 +0000\r\n\r\nIt jams.\r\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert sopdash("mail", "receive").code == 0
    assert open_store(mail_env).get(1).created_at == datetime.fromisoformat(NOW)
