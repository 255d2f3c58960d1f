"""Connecting to the team's PostgreSQL database, and its errors as one line each."""

from __future__ import annotations

import psycopg
from psycopg.abc import Buffer
from psycopg.adapt import Loader
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from sopdash.core.errors import StoreError

APPLICATION = "sopdash"
CONNECT_TIMEOUT_S = 10


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
    return make_conninfo(**params)


class JsonBytes(Loader):
    """json values as the bytes the server sent: msgspec decodes them into tickets with no str in between."""

    def load(self, data: Buffer) -> bytes:
        return bytes(data)


def connect(url: str, autocommit: bool = True) -> psycopg.Connection:
    """A connection to url that reads json as bytes, or a StoreError naming the database and what PostgreSQL said."""
    conninfo = checked_conninfo(url)
    try:
        conn = psycopg.connect(conninfo, autocommit=autocommit)
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
