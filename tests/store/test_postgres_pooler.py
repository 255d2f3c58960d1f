"""Behind pgbouncer in transaction pooling mode, LISTEN is accepted but nothing is delivered: a dashboard finds
that out and reads the change log every second instead, so it still shows every change; `check` says why."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

import pytest
from pg_pooler import start_pooler

from sopdash.core.model import Ticket
from sopdash.store.postgres.change_listener import POOLED
from sopdash.store.postgres.pg_store import PostgresStore

CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def pooled(postgres_db):
    try:
        pooler = start_pooler(postgres_db.cluster, ["amara", "bo"])
    except OSError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the pooler tests, but {error}")
        pytest.skip(f"pooler tests skipped: {error}")
    yield pooler.url("amara", postgres_db.name)
    pooler.stop()


def wait_for(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_a_dashboard_behind_a_transaction_pooler_polls_the_change_log(postgres_db, pooled) -> None:
    mine, theirs = PostgresStore(pooled), PostgresStore(postgres_db.url("bo"))
    heard: list[int] = []
    mine.subscribe(lambda: heard.append(1))
    before = mine.signature()
    assert mine.live() == []

    theirs.add(lambda i: Ticket(id=i, subject="through the pooler", created_at=CREATED))

    assert wait_for(lambda: mine.signature() != before)
    assert [t.subject for t in mine.live()] == ["through the pooler"]
    theirs.update(1, lambda t: t.evolve(subject="changed"))
    assert wait_for(lambda: [t.subject for t in mine.live()] == ["changed"])
    assert mine.connection_lost is None  # nothing is lost: the dashboard must not say "reconnecting…"


def test_check_says_announcements_do_not_come_through_the_pooler(pooled) -> None:
    lines = PostgresStore(pooled).check()
    assert f"warning: {POOLED}; connect dashboards to the server itself, or to a pooler in session mode" in lines
