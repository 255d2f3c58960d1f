"""With the desk's mail off, a ticket whose client wrote in by mail says so where it is read: what a technician
writes is recorded, and the client is not told (issue 20's honest words)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from sopdash.core.detail import MAIL_OFF

MAIL = (b"From: Ann Lee <ann@example.com>\nTo: help@desk.example.org\nSubject: Printer jams\n"
        b"Message-ID: <p1@example.com>\nDate: Wed, 25 Nov 2026 08:59:00 +0000\n\nIt jams again.\n")


def test_ticket_show_says_mail_is_off_only_for_a_ticket_that_came_by_mail(mail_env, sopdash, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MAIL)))
    assert sopdash("mail", "receive").code == 0
    assert sopdash("ticket", "new", "--subject", "Desk phone", "--requester", "bo@example.com").code == 0
    assert MAIL_OFF not in sopdash("ticket", "show", "1").out  # mail on: nothing to say

    no_mail = Path(mail_env).with_name("no-mail.toml")
    no_mail.write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(no_mail))
    shown = sopdash("ticket", "show", "1").out.splitlines()
    assert shown[2] == f"Mail      {MAIL_OFF}"
    assert MAIL_OFF not in sopdash("ticket", "show", "2").out  # typed in by a technician, not mail
