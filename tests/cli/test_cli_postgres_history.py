"""`ticket list --all` on PostgreSQL as a technician: every ticket, newest first, a page at a time."""

from __future__ import annotations


def test_a_technician_lists_the_whole_history(env, sopdash, postgres_db, monkeypatch):
    monkeypatch.setenv("SOPDASH_DB", postgres_db.url("amara"))
    for subject in ("VPN down", "Mail slow", "Printer jams"):
        assert sopdash("ticket", "new", "--subject", subject, "--requester", "bob@example.com").code == 0

    listed = sopdash("ticket", "list", "--all")

    assert listed.code == 0, listed.err
    assert [line.split()[0] for line in listed.out.splitlines()] == ["ID", "#3", "#2", "#1"]
