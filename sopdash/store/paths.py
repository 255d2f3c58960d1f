"""Where the ticket store lives (PRODUCT §4)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import platformdirs

STORE_ENV = "SOPDASH_DB"
URL_PREFIXES = ("postgresql://", "postgres://")


def resolve_store_path(cli_db: str | None, env: Mapping[str, str], config_path_value: str | None) -> Path | str:
    """The store: `--db`, else `$SOPDASH_DB`, else the config's `store.url` or `store.path`, else the user data dir.

    A `postgresql://` URL comes back as it is (see `is_postgres_url`), anything else as a file path.
    """
    for value in (cli_db, env.get(STORE_ENV), config_path_value):
        if value:
            return value if is_postgres_url(value) else Path(value).expanduser()
    return platformdirs.user_data_path("sopdash") / "tickets.json"


def is_postgres_url(location: object) -> bool:
    """True if a store location names a PostgreSQL database rather than a file."""
    return isinstance(location, str) and location.startswith(URL_PREFIXES)


def lock_path_for(store_path: Path) -> Path:
    """The sidecar lock file that serialises writers of store_path."""
    return store_path.with_name(store_path.name + ".lock")


def files_dir_for(store_path: Path) -> Path:
    """`<store>.files/`: kept mail, attachments and the mail log, beside the store."""
    return store_path.with_name(store_path.name + ".files")
