"""Where the ticket store lives (README: "Where the store and the config live")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from sopdash.store.storage import access_error

STORE_ENV = "SOPDASH_DB"
DIRECTORY_MODE = 0o770  # less the umask: shared with the group at most, never with everyone
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


def following_links(store_path: Path) -> Path:
    """The file a store path names: a symlink is followed to its target, so a write replaces the target (never the
    link) and the lock, archive and temp files are the target's, shared with anyone who opens the target directly."""
    try:
        linked = store_path.is_symlink()
    except OSError:  # a name too long, a loop: the first read of the store names the problem
        return store_path
    return Path(os.path.realpath(store_path)) if linked else store_path


def within_directory(path: Path, directory: Path) -> bool:
    """Whether path lies in directory (after following links): fix advice names no file anywhere else."""
    return os.path.realpath(path.parent) == os.path.realpath(directory)


def make_directory(directory: Path) -> None:
    """Create directory and its missing parents with DIRECTORY_MODE, so not even umask 000 makes them 0777."""
    missing = [d for d in (directory, *directory.parents) if not os.path.lexists(d)]
    for each in reversed(missing):
        try:
            each.mkdir(mode=DIRECTORY_MODE)
        except FileExistsError:
            pass  # another technician made it first
        except OSError as error:
            raise access_error(each, "create", error) from None


def files_dir_for(store_path: Path) -> Path:
    """`<store>.files/`: kept mail, attachments and the mail log, beside the store."""
    return store_path.with_name(store_path.name + ".files")
