"""`sopdash check` for the file store: the live file, every archive month, where each ticket is, permissions, and
what sits beside the store (`sidecar_check`)."""

from __future__ import annotations

import os
import stat
from collections import Counter
from pathlib import Path

from sopdash.core.errors import StoreError
from sopdash.core.limits import in_range
from sopdash.store.archive import archive_directory, archive_folder, month_path
from sopdash.store.archive_index import index_name, index_problem
from sopdash.store.debris import debris_lines
from sopdash.store.paths import following_links, within_directory
from sopdash.store.safe_files import Folder
from sopdash.store.sidecar_check import sidecar_lines
from sopdash.store.access_errors import access_error, group_name
from sopdash.store.storage import (
    SCHEMA_VERSION,
    SINGLE_FILE_SCHEMA,
    STEM_ARCHIVE_SCHEMA,
    TICKETS,
    parse_store,
    read_bytes,
    ticket_from_doc,
)


def diagnose(given: Path, lock_path: Path) -> list[str]:
    """Diagnosis lines for the store at `given` (a link is followed); the problems start with "error:" or "warning:"."""
    try:
        path = following_links(given)
    except StoreError as error:
        return [f"store: {given}", f"error: {error}"]
    lines = [f"store: {given}", *link_lines(given, path)]
    advise = within_directory(path, given.parent)
    try:
        live = parse_store(read_bytes(path), path)
    except StoreError as error:
        return [*lines, f"error: {error}", *permission_lines(path, lock_path, advise), *sidecar_lines(path, None, None)]
    record = live["meta"]["1"]
    archived: dict[str, list[int]] = record.get("archived", {}) if isinstance(record.get("archived"), dict) else {}
    schema = record.get("schema")
    if schema == SINGLE_FILE_SCHEMA:
        lines.append("schema: version 1, one file (the next write or `sopdash store migrate` splits it into live and archive)")
    elif schema == STEM_ARCHIVE_SCHEMA:
        lines.append(f"schema: version 2, archive in {archive_directory(path, schema)} (the next write or `sopdash store "
                     f"migrate` moves it to {archive_directory(path)})")
    else:
        lines.append(f"schema: version {schema}")
    problems = list(invalid_lines(path, live[TICKETS]))
    month_lines, month_problems = archive_lines(path, archived, schema)
    problems += month_problems + placement_lines(live[TICKETS], archived)
    invalid = sum(1 for line in problems if " is invalid " in line)
    archived_count = sum(len(ids) for ids in archived.values())
    lines.append(f"tickets: {len(live[TICKETS])} live, {archived_count} archived in {len(archived)} months ({invalid} invalid)")
    return [*lines, *month_lines, *problems, *permission_lines(path, lock_path, advise),
            *sidecar_lines(path, archived, schema), *debris_lines(path)]


def link_lines(given: Path, path: Path) -> list[str]:
    """Where a linked store really is, and a warning when that is outside the link's directory."""
    if given == path:
        return []
    lines = [f"link: {given} → {path}; writes, the lock and the archive are the target's"]
    if not within_directory(path, given.parent):
        lines.append(f"warning: the store is outside {given.parent}, so no fix below names a command; make sure "
                     f"{path} is meant to be the ticket store")
    return lines


def invalid_lines(path: Path, docs: dict[str, dict]) -> list[str]:
    """An error for each ticket document that is not a valid ticket; a warning for one the clocks cannot count."""
    lines = []
    for key, doc in docs.items():
        try:
            ticket = ticket_from_doc(path, int(key), doc)
        except StoreError as error:
            lines.append(f"error: {error}")
            continue
        times = [ticket.created_at, ticket.acknowledged_at, ticket.resolved_at, ticket.closed_at]
        if not all(in_range(moment) for moment in (*times, *(entry.at for entry in ticket.timeline)) if moment):
            lines.append(f"warning: {path}: ticket {key} holds a time outside the years sopdash handles (1970 to "
                         "2199), so its clocks show `? dates`; correct the time in the file")
    return lines


def archive_lines(path: Path, archived: dict[str, list[int]], schema: object) -> tuple[list[str], list[str]]:
    """(notes, problems) for every month file: readable, valid, holding what the live file lists there."""
    notes: list[str] = []
    problems: list[str] = []
    for month in sorted(archived):
        month_file = month_path(path, month, schema)
        try:
            with archive_folder(path, schema) as folder:
                docs = parse_store(read_bytes(month_file, folder), month_file)[TICKETS]
        except StoreError as error:
            problems.append(f"error: {error}")
            continue
        listed = set(map(str, archived[month]))
        missing = sorted(listed - set(docs), key=int)
        problems += [f"error: ticket {key} is in no file: {path} lists it in {month_file}, which lacks it; restore "
                     "the archive from a backup" for key in missing]
        problems += invalid_lines(month_file, {key: doc for key, doc in docs.items() if key in listed})
        leftovers = len(set(docs) - listed)
        if leftovers:
            notes.append(f"note: {month_file} holds {leftovers} unlisted copies left by an interrupted or undone move; "
                         "never read, and dropped when the month is next written")
        problems += world_readable_lines(month_file)
    directory = archive_directory(path, schema)
    try:
        with archive_folder(path, schema) as folder:
            names = folder.names()
            notes += index_lines(folder, archived) if schema == SCHEMA_VERSION else []
    except StoreError:  # none yet, or a link (the sidecar lines name it)
        names = []
    unknown = sorted(name for name in names if name.endswith(".json") and name.removesuffix(".json") not in archived)
    if unknown:
        notes.append(f"note: {directory} holds month files the live file does not list ({', '.join(unknown)}); never read")
    return notes, problems


def index_lines(folder: Folder, archived: dict[str, list[int]]) -> list[str]:
    """A note for each month whose index (`archive_index`) is missing or does not match the month file."""
    lines = []
    for month in sorted(archived):
        problem = index_problem(folder, month)
        if problem is not None:
            lines.append(f"note: {folder.path / index_name(month)} is {problem} (derived from the month file, never "
                         "the truth); until it is made again, showing a ticket of that month reads the whole month; "
                         "`sopdash check --fix` makes it again")
    return lines


def placement_lines(live_docs: dict[str, dict], archived: dict[str, list[int]]) -> list[str]:
    """An error for each ticket in two places: live and archived, or listed under two months."""
    places = Counter(int(key) for key in live_docs)
    places.update(ticket_id for ids in archived.values() for ticket_id in set(ids))
    return [
        f"error: ticket {ticket_id} is in {count} places (live file and archive months); restore the store from a backup"
        for ticket_id, count in sorted(places.items())
        if count > 1
    ]


def permission_lines(path: Path, lock_path: Path, advise: bool = True) -> list[str]:
    """Mode and group of the live file and the lock, and warnings where they would lock someone out or let anyone in.

    With advise=False (a store outside its link's directory) the warnings name no command to run.
    """
    store = [*file_lines("file", path, advise), *world_readable_lines(path, advise)]
    lock = file_lines("lock", lock_path, advise) or [f"lock: {lock_path} not created yet (the first write makes it)"]
    risky = [line for each in (path, lock_path, path.parent) for line in world_writable_lines(each, advise)]
    return [*store, *lock, *directory_lines(path.parent, advise), *risky]


def file_lines(label: str, path: Path, advise: bool = True) -> list[str]:
    """Mode and group of path itself (nothing if it is missing, or not a regular file: the sidecar lines say what it
    is), with a warning if this user cannot read it."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        return []
    except OSError as error:
        return [f"error: {_advice(access_error(path, 'read', error), advise)}"]
    if not stat.S_ISREG(status.st_mode):
        return [f"{label}: {path} is not a regular file"]
    mode = stat.S_IMODE(status.st_mode)
    lines = [f"{label}: {path} mode {mode:04o}, group {group_name(status.st_gid)}"]
    if not os.access(path, os.R_OK):
        lines.append(f"warning: {_advice(access_error(path, 'read', PermissionError()), advise)}")
    return lines


def world_readable_lines(path: Path, advise: bool = True) -> list[str]:
    """A warning if users outside the support group can read the store's client details."""
    try:
        status = path.lstat()
        readable = stat.S_ISREG(status.st_mode) and bool(status.st_mode & stat.S_IROTH)
    except OSError:
        return []  # file_lines has already said why
    fix = f"; run `chmod o-rwx {path}`" if advise else ""
    return [f"warning: {path} is world-readable and holds client details{fix}"] if readable else []


def world_writable_lines(path: Path, advise: bool = True) -> list[str]:
    """A warning if anyone on the machine can change path: the store, its lock, or the directory holding them."""
    try:
        status = path.stat() if path.is_dir() else path.lstat()  # the store's directory may be a chosen link
    except OSError:
        return []
    if stat.S_ISLNK(status.st_mode) or not status.st_mode & stat.S_IWOTH:
        return []
    fix = f"; run `chmod o-w {path}`" if advise else ""
    return [f"warning: {path} is world-writable: anyone on this machine can change or replace the tickets{fix}"]


def directory_lines(directory: Path, advise: bool = True) -> list[str]:
    """A warning if this user cannot save: atomic replace needs write access to the directory."""
    if os.access(directory, os.W_OK | os.X_OK):
        return []
    error = _advice(access_error(directory, "write in", PermissionError()), advise)
    return [f"warning: {error}; until then you can only read"]


def _advice(error: StoreError, advise: bool) -> str:
    """The error's message, without its fix when no command may be suggested."""
    return str(error) if advise else str(error).split("; ", 1)[0]
