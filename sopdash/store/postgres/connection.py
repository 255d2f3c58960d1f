"""Connecting to the team's PostgreSQL database, and its errors as one line each.

Every connection has TCP keepalives (a peer that vanished is noticed in seconds, not hours) and time limits:
`LIMITS` says how long each kind of statement may run and wait for a lock before the server gives up with a
message; the watchdog (`watchdog.py`) cuts a connection that stays silent past that.
"""

from __future__ import annotations

from typing import NamedTuple

import psycopg
from psycopg.abc import Buffer
from psycopg.adapt import Loader
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from sopdash.core.errors import StoreError

APPLICATION = "sopdash"
CONNECT_TIMEOUT_S = 10
RECONNECT_TIMEOUT_S = 3  # a lost connection reopened: soon given up, so the next try meets a line that is back
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3,
              "tcp_user_timeout": 15_000}
GRACE_S = 2.0  # how much longer than the server's limit the watchdog waits before cutting the line


class Limits(NamedTuple):
    """How long a statement may run, and wait for a lock, before the server refuses it (seconds)."""

    statement_s: float
    lock_s: float

    def set_local(self) -> str:
        """The statements that give the transaction they run in these limits."""
        return (f"SET LOCAL statement_timeout = '{int(self.statement_s * 1000)}ms'; "
                f"SET LOCAL lock_timeout = '{int(self.lock_s * 1000)}ms'")

    @property
    def watched_s(self) -> float:
        """When the watchdog gives up on the line: the server had its chance to answer."""
        return self.statement_s + GRACE_S


# reads (the session's default) may be long (a report); a write waits briefly for a row another holds; presence and
# the listener's heartbeat are small and frequent, so a slow one means a bad line
LIMITS = {
    "read": Limits(statement_s=120, lock_s=5),
    "write": Limits(statement_s=30, lock_s=3),
    "bulk": Limits(statement_s=3600, lock_s=30),  # an import, a copy, mail intake taking its turn: long by nature
    "presence": Limits(statement_s=4, lock_s=1),
    "heartbeat": Limits(statement_s=2, lock_s=1),
}


def checked_conninfo(url: str) -> str:
    """The connection string for url; refuses one that carries a password, or that libpq cannot parse."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as error:
        raise StoreError(f"{shown_url(url)} is not a PostgreSQL URL ({first_line(error)})") from None
    if params.get("password"):
        raise StoreError(
            f"{shown_url(url)} holds a password; remove it and let PostgreSQL authenticate you "
            "(peer, a ~/.pgpass password file or a client certificate), see the README"
        )
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    params.setdefault("application_name", APPLICATION)
    for name, value in KEEPALIVES.items():
        params.setdefault(name, value)
    read = LIMITS["read"]
    params["options"] = (f"-c statement_timeout={int(read.statement_s * 1000)} -c lock_timeout={int(read.lock_s * 1000)} "
                         f"-c idle_in_transaction_session_timeout=300000 {params.get('options') or ''}").strip()
    return make_conninfo(**params)


class JsonBytes(Loader):
    """json values as the bytes the server sent: msgspec decodes them into tickets with no str in between."""

    def load(self, data: Buffer) -> bytes:
        return bytes(data)


def connect(url: str, autocommit: bool = True, timeout_s: int | None = None) -> psycopg.Connection:
    """A connection to url that reads json as bytes, or a StoreError naming the database and what PostgreSQL said.
    timeout_s: how long to try (default CONNECT_TIMEOUT_S, or the URL's connect_timeout)."""
    conninfo = checked_conninfo(url)
    if timeout_s is not None:
        conninfo = make_conninfo(conninfo, connect_timeout=timeout_s)
    try:
        try:
            conn = psycopg.connect(conninfo, autocommit=autocommit)
        except psycopg.OperationalError as error:
            if "unsupported startup parameter: options" not in str(error):
                raise
            # a pooler (pgbouncer) refuses the session's limits: each write still sets its own (SET LOCAL), and the
            # watchdog still cuts a silent line
            conn = psycopg.connect(make_conninfo(conninfo, options=""), autocommit=autocommit)
    except psycopg.Error as error:
        raise StoreError(f"cannot connect to {shown_url(url)}: {first_line(error)}") from None
    conn.adapters.register_loader("json", JsonBytes)
    conn.prepare_threshold = None  # no server-side prepared statements: they do not survive a transaction pooler
    return conn


def shown_url(url: str) -> str:
    """url with any password masked, fit for a message."""
    head, at, tail = url.rpartition("@")
    if not at or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, user_password = head.partition("//")
    return f"{scheme}//{user_password.split(':', 1)[0]}:***@{tail}"


def first_line(error: BaseException) -> str:
    """The first line of what PostgreSQL or libpq said."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
