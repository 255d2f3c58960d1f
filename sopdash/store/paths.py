"""Where the ticket store lives (README: "Where the store and the config live")."""

from __future__ import annotations

import os
import pwd
import stat
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from sopdash.core.errors import StoreError
from sopdash.store.access_errors import access_error

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


def sidecar(store_path: Path, suffix: str) -> Path:
    """A file or folder beside the store, named after the store's whole file name (`tickets.json.lock`), so that
    `helpdesk.json` and `helpdesk.db`, or a store and its copy, never share one."""
    return store_path.with_name(store_path.name + suffix)


def lock_path_for(store_path: Path) -> Path:
    """The sidecar lock file that serialises writers of store_path."""
    return sidecar(store_path, ".lock")


def following_links(store_path: Path) -> Path:
    """The file a store path names: a symlink is followed to its target, so a write replaces the target (never the
    link) and the lock, archive and temp files are the target's, shared with anyone who opens the target directly.

    Only a link of this user's or root's is followed (as the kernel's protected_symlinks does in shared folders): one
    a colleague planted in the desk's folder could point anywhere this user may write.
    """
    try:
        status = os.lstat(store_path)
    except OSError:  # missing, a name too long, a loop: the first read of the store names the problem
        return store_path
    if not stat.S_ISLNK(status.st_mode):
        return store_path
    if status.st_uid not in (os.geteuid(), 0):
        raise StoreError(
            f"{store_path} is a symbolic link to {os.readlink(store_path)} made by {user_name(status.st_uid)}, not by "
            "you; sopdash follows only your own links (or root's) to a store, so nobody can point yours elsewhere. "
            "Remove the link, or make your own"
        )
    return Path(os.path.realpath(store_path))


def user_name(uid: int) -> str:
    """A user's login, or their number if they have none."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


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
    return sidecar(store_path, ".files")


def presence_dir_for(store_path: Path) -> Path:
    """`<store>.presence/`: one small file per running dashboard, beside the store."""
    return sidecar(store_path, ".presence")


def archive_dir_for(store_path: Path) -> Path:
    """`<store>.archive/`: the month files of closed tickets, beside the store (`tickets.json.archive/`)."""
    return sidecar(store_path, ".archive")


def old_archive_dir_for(store_path: Path) -> Path:
    """Where a store of schema 2 keeps its archive: `tickets.archive/`, named after the stem, which `helpdesk.json`
    and `helpdesk.db` share; its next write moves it (see `archive_migration`)."""
    return store_path.with_suffix(".archive")
