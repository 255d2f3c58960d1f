"""Issue 22: every way in (pipe, Maildir, IMAP) keeps a health record with the store that `check` reports."""

from __future__ import annotations

import io
import sys

from mail_server import DESK


def test_the_pipe_and_the_maildir_say_when_they_last_worked_and_since_when_they_fail(mail_store, sopdash,
                                                                                    monkeypatch, tmp_path):
    raw = f"From: Ann <ann@example.com>\r\nTo: {DESK}\r\nSubject: Printer\r\n\r\nIt jams.\r\n".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert sopdash("mail", "receive").code == 0
    missing = sopdash("mail", "fetch", "--maildir", str(tmp_path / "nowhere"))
    assert missing.code == 2 and "is not a Maildir" in missing.err
    check = sopdash("check").out
    assert "mail intake (pipe): working, last took mail 09:00" in check
    assert "warning: mail intake (maildir) failing since 09:00 (never took mail): " in check
    for folder in ("new", "cur", "tmp"):
        (tmp_path / "nowhere" / folder).mkdir(parents=True)
    assert sopdash("mail", "fetch", "--maildir", str(tmp_path / "nowhere")).code == 0
    assert "mail intake (maildir): working, last took mail 09:00" in sopdash("check").out
