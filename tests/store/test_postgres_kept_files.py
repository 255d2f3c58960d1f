"""Kept mail on PostgreSQL: kept and read back, a log technicians can only add to, one sender at a time."""

from __future__ import annotations

import psycopg
import pytest

from sopdash.core.errors import RuleRefused, StoreError
from sopdash.store.postgres.pg_store import PostgresStore


def test_kept_mail_reads_back_and_is_never_overwritten(postgres_db) -> None:
    kept = PostgresStore(postgres_db.url("amara")).kept_files()

    kept.keep("2026/11/a.eml", b"first")
    kept.keep("2026/11/a.eml", b"first")  # kept again, the same bytes: as it was
    with pytest.raises(RuleRefused, match="kept mail is never overwritten"):
        kept.keep("2026/11/a.eml", b"\x00second")

    assert kept.read("2026/11/a.eml") == b"first"
    with pytest.raises(StoreError, match="keeps nothing under 'nope.eml'"):
        kept.read("nope.eml")


def test_the_mail_log_reads_back_its_last_lines_and_cannot_be_rewritten(postgres_db) -> None:
    kept = PostgresStore(postgres_db.url("amara")).kept_files()
    for n in range(5):
        kept.append_log({"n": n})

    assert kept.read_log(2) == [{"n": 3}, {"n": 4}]
    with psycopg.connect(postgres_db.url("amara"), autocommit=True) as conn:
        for statement in ("UPDATE sopdash.mail_log SET record = '{}'", "DELETE FROM sopdash.mail_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_one_sender_at_a_time(postgres_db) -> None:
    mine = PostgresStore(postgres_db.url("amara")).kept_files()
    theirs = PostgresStore(postgres_db.url("bo")).kept_files()

    with mine.sending(0) as first:
        with theirs.sending(0.1) as second:
            assert (first, second) == (True, False)
    with theirs.sending(0) as after:
        assert after
