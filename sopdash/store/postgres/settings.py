"""The desk's settings in `sopdash.settings` (one row of TOML) and their log in `sopdash.settings_log`.

Every technician reads them; only members of `sopdash_manager` change them. The database stamps each change with
the role and the time and logs it by a trigger (migration 5 in `schema.py`), so the log cannot be skipped or forged.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors
from psycopg.types.json import Jsonb

from sopdash.core.errors import RuleRefused, StoreError
from sopdash.store.contract import Signature
from sopdash.store.postgres.connection import connect, first_line, shown_url
from sopdash.store.postgres.schema import MANAGER_ROLE


class _NoTable(StoreError):
    """The database has no sopdash schema, or one from before the desk's settings."""


class DatabaseSettings:
    """The desk's settings beside a database's tickets, over a connection of its own (opened when first needed)."""

    managers_by_role = True  # membership of sopdash_manager, not the roster, makes a manager

    def __init__(self, url: str) -> None:
        self.url = url
        self.where = f"{shown_url(url)} (table sopdash.settings)"
        self._lock = threading.Lock()
        self._conn: psycopg.Connection | None = None

    def read(self) -> str | None:
        """The settings' TOML; None if the desk has none yet (or its schema predates them: opening the store says so)."""
        return self._one("SELECT document FROM sopdash.settings")

    def signature(self) -> Signature | None:
        """The settings' version (each change adds one); None if there are none."""
        return self._one("SELECT version FROM sopdash.settings")

    def _one(self, query: str) -> Any:
        try:
            with self._session() as conn:
                row = conn.execute(query).fetchone()
        except _NoTable:
            return None
        return row[0] if row else None

    def refusal(self) -> str | None:
        """Why this role may not change the desk's settings (it is not a manager); None if it may."""
        with self._session() as conn:
            role, manager = conn.execute(
                "SELECT current_user, pg_has_role(current_user, %s, 'MEMBER')", (MANAGER_ROLE,)
            ).fetchone()
        if manager:
            return None
        return (f"only managers (members of {MANAGER_ROLE}) change the desk's settings, and {role} is not one; "
                f"an administrator runs `sopdash store init-postgres --db URL --manager {role}`")

    def replace(self, text: str, expected: Signature | None, record: dict[str, Any]) -> None:
        """Store text as the settings, if they are still at version `expected`; the database logs the change."""
        refusal = self.refusal()
        if refusal:
            raise RuleRefused(refusal)
        version = (expected or 0) + 1
        values = {"document": text, "version": version, "how": record["how"], "changes": Jsonb(record["changes"])}
        with self._session() as conn, conn.transaction():
            if expected is None:
                done = conn.execute(
                    "INSERT INTO sopdash.settings (document, version, how, changes) "
                    "VALUES (%(document)s, %(version)s, %(how)s, %(changes)s) ON CONFLICT DO NOTHING", values
                ).rowcount
            else:
                done = conn.execute(
                    "UPDATE sopdash.settings SET document = %(document)s, version = %(version)s, how = %(how)s, "
                    "changes = %(changes)s WHERE version = %(version)s - 1", values
                ).rowcount
        if not done:
            raise RuleRefused("the desk's settings changed while you edited them; nothing was saved — look again and retry")

    def log(self, limit: int) -> list[dict[str, Any]]:
        """The last `limit` changes, oldest first."""
        with self._session() as conn:
            rows = conn.execute(
                "SELECT at, changed_by, how, changes FROM sopdash.settings_log ORDER BY seq DESC LIMIT %s", (limit,)
            ).fetchall()
        return [{"at": at.isoformat(), "by": by, "how": how, "changes": changes} for at, by, how, changes in reversed(rows)]

    def check(self) -> list[str]:
        """Diagnosis lines for `sopdash check`: whether the desk has settings, and who may change them."""
        version = self.signature()
        state = f"version {version}" if version is not None else "none yet"
        return [f"settings: {self.where}, {state}; members of {MANAGER_ROLE} change them"]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    @contextmanager
    def _session(self) -> Iterator[psycopg.Connection]:
        with self._lock:
            try:
                if self._conn is None or self._conn.closed or self._conn.broken:
                    self._conn = connect(self.url)
                yield self._conn
            except (errors.UndefinedTable, errors.InvalidSchemaName):
                raise _NoTable(f"{shown_url(self.url)} has no table for the desk's settings; an administrator "
                               "brings the schema up to date with `sopdash store init-postgres --db URL`") from None
            except errors.InsufficientPrivilege as error:
                raise RuleRefused(f"{shown_url(self.url)}: {first_line(error)}") from None
            except psycopg.Error as error:
                raise StoreError(f"{shown_url(self.url)}: {first_line(error)}") from None
