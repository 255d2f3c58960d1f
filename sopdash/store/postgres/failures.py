"""What failed, in words: a full disk, a lock someone holds (and who), a statement that took too long, a lost line.

PostgreSQL says each with its own SQLSTATE; the store turns it into one sentence that names the problem and what
to do, instead of "lost the connection" for everything.
"""

from __future__ import annotations

import psycopg
from psycopg import errors

from sopdash.core.errors import StoreError
from sopdash.store.postgres.connection import first_line

# who holds a lock on the tickets (or presence) table right now, other than this session: every transaction that
# locked a row holds a lock on its table until it ends, and pg_locks shows every session's locks to everyone
_HOLDERS = """
SELECT DISTINCT a.usename, coalesce(nullif(a.application_name, ''), 'unnamed'),
       extract(epoch FROM now() - a.xact_start)::integer
FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.granted AND l.pid <> pg_catalog.pg_backend_pid() AND l.locktype = 'relation'
  AND l.relation IN ('sopdash.tickets'::regclass, 'sopdash.presence'::regclass)
  AND l.mode IN ('RowShareLock', 'RowExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
ORDER BY 1
"""


def described(error: psycopg.Error, location: str, conn: psycopg.Connection | None) -> StoreError | None:
    """The failure as one message, or None if it is none of these (the caller words it)."""
    message = first_line(error).removeprefix("ERROR:").strip()
    if isinstance(error, errors.DiskFull):
        return StoreError(f"the database server's disk is full ({location}); nothing was saved — an administrator "
                          "frees space on the server, then try again")
    if isinstance(error, errors.LockNotAvailable):
        return StoreError(f"{location}: {_held_by(conn)}; try again when they are done")
    if isinstance(error, errors.QueryCanceled):
        return StoreError(f"{location}: the database took too long to answer ({message}); try again, and tell an "
                          "administrator if it keeps happening")
    if isinstance(error, errors.TooManyConnections):
        return StoreError(f"{location}: the database server has no connections left ({message}); an administrator "
                          "raises max_connections or closes idle sessions")
    if isinstance(error, errors.AdminShutdown | errors.CannotConnectNow):
        return StoreError(f"{location}: the database server is restarting ({message}); try again in a moment")
    if isinstance(error, psycopg.OperationalError):
        return StoreError(f"lost the connection to {location} ({message}); try again")
    return None


def _held_by(conn: psycopg.Connection | None) -> str:
    """Who holds the lock a statement waited for, as far as the database shows it."""
    holders = []
    if conn is not None and not conn.broken:
        try:
            holders = conn.execute(_HOLDERS).fetchall()
        except psycopg.Error:
            pass
    if not holders:
        return "the ticket is locked by another session, and waited too long for it"
    named = ", ".join(f"{login} ({application}{f', for {seconds} s' if seconds is not None else ''})"
                      for login, application, seconds in holders)
    return f"the ticket is locked, held by {named}; waited too long for it"
