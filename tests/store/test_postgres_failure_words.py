"""Each failure PostgreSQL names by its SQLSTATE is said as what it is, with what to do; never "lost the connection"
for a full disk or a restart."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from sopdash.store.postgres.failures import described


@pytest.mark.parametrize(
    "error, said",
    [
        (errors.DiskFull('could not extend file "base/16384/16390": No space left on device'),
         "the database server's disk is full (db); nothing was saved — an administrator frees space on the server"),
        (errors.TooManyConnections("sorry, too many clients already"),
         "db: the database server has no connections left (sorry, too many clients already); an administrator raises "
         "max_connections"),
        (errors.AdminShutdown("terminating connection due to administrator command"),
         "db: the database server is restarting (terminating connection due to administrator command); try again"),
        (errors.QueryCanceled("canceling statement due to statement timeout"),
         "db: the database took too long to answer (canceling statement due to statement timeout); try again"),
        (psycopg.OperationalError("server closed the connection unexpectedly"),
         "lost the connection to db (server closed the connection unexpectedly); try again"),
    ],
)
def test_a_failure_is_said_as_what_it_is(error: psycopg.Error, said: str) -> None:
    assert str(described(error, "db", None)).startswith(said)


def test_a_lock_held_with_no_connection_to_ask_says_the_ticket_is_locked() -> None:
    said = str(described(errors.LockNotAvailable("canceling statement due to lock timeout"), "db", None))
    assert said == "db: the ticket is locked by another session, and waited too long for it; try again when they are done"


def test_an_error_of_another_kind_is_left_to_the_caller() -> None:
    assert described(errors.UniqueViolation("duplicate key"), "db", None) is None
