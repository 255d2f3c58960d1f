"""Fixtures every test folder may use: `sopdash` run in-process, a real SMTP server on 127.0.0.1 for the mail
tests, and a real PostgreSQL server for the tests of the PostgreSQL store.

One throw-away cluster per test session (see pg_cluster.py); each test that asks for a database gets a
fresh one, copied from a template that `init-postgres` set up once. Where no server can be started,
the PostgreSQL tests are skipped with the reason, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from aiosmtpd.controller import Controller
from mail_server import Mailbox, free_port
from pg_cluster import Cluster, ClusterUnavailable, start_cluster

from sopdash.cli.main import main
from sopdash.desk.identity import current_login
from sopdash.store.postgres.schema import init_postgres

TEMPLATE = "sopdash_template"
TECHNICIANS = ("amara", "bo", current_login())
MANAGERS = ("dana",)
_numbers = itertools.count(1)


@dataclass(frozen=True)
class PostgresDatabase:
    """A fresh sopdash database: URLs to reach it as its owner or as a technician's role."""

    cluster: Cluster
    name: str

    @property
    def admin_url(self) -> str:
        return self.cluster.url(database=self.name)

    def url(self, role: str = "amara") -> str:
        return self.cluster.url(role, self.name)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A PostgreSQL server for the session, with the sopdash roles and a template database set up."""
    try:
        cluster = start_cluster()
    except ClusterUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PostgreSQL tests, but {error}")
        pytest.skip(f"PostgreSQL tests skipped: {error}")
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        with psycopg.connect(cluster.url(database=TEMPLATE), autocommit=True) as conn:
            init_postgres(conn, TECHNICIANS, MANAGERS)
            # the tests' clocks are fixed in the past; test_postgres_audit checks writes against the server's clock
            conn.execute("UPDATE sopdash.clock_policy SET max_skew = NULL")
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_db(postgres_cluster: Cluster) -> PostgresDatabase:
    """A new database, schema and roles in place, no tickets."""
    return new_database(postgres_cluster, "desk", f"TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")


@pytest.fixture
def empty_postgres_db(postgres_cluster: Cluster) -> PostgresDatabase:
    """A new database without the sopdash schema."""
    return new_database(postgres_cluster, "bare")


def new_database(cluster: Cluster, prefix: str, options: str = "") -> PostgresDatabase:
    name = f"{prefix}_{next(_numbers)}"
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} {options}")
    return PostgresDatabase(cluster, name)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def sopdash(capsys: pytest.CaptureFixture[str]):
    """Run `sopdash ARGS…` in-process; returns its exit code and what it printed."""

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 for this test; yields (mailbox, port)."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
