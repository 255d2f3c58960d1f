"""`sopdash check` for the deployment around the store: can every technician and the MTA's user do their part?

On a file store shared by a group: the store's folder belongs to the group and hands it on (setgid), and the
store, its lock and everything beside it (kept mail, the archive, presence) are readable and writable by the
group; every member can run this sopdash. With `[mail] mta_user`: that user, with its own group alone (what
Postfix's local(8) gives a pipe), can run this sopdash, read the config and write the store; on PostgreSQL it,
and every login in the roster, has a role among the technicians. With mail on: the SMTP server answers
(EHLO, nothing sent), or the sendmail program is there. Each problem names the command that fixes it.

Access is judged from owners, groups and mode bits (ACLs are not read).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import smtplib
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import sopdash
from sopdash.clock import system_clock
from sopdash.config import Settings
from sopdash.core.errors import SopdashError
from sopdash.desk.mail_login import sign_in_health
from sopdash.mail.settings import MailSettings
from sopdash.mail.transport import UNREACHABLE, DeliveryError, SmtpTransport
from sopdash.store.contract import Store
from sopdash.store.archive import archive_directory
from sopdash.store.paths import files_dir_for, lock_path_for
from sopdash.store.presence import presence_dir_for
from sopdash.store.access_errors import FIRST_USER_GID, group_name

PROBE_TIMEOUT_S = 5.0
LISTED = 3
README = "README: Sharing one store on a support box"


class Person(NamedTuple):
    """Whose access is judged: a user with its groups, or any member of one group (uid -1)."""

    name: str
    uid: int
    gids: frozenset[int]


def deployment_lines(store: Store, settings: Settings) -> list[str]:
    """Lines for `sopdash check` about the deployment; the problems start with "error:" or "warning:"."""
    mail = settings.mail
    lines = []
    shared = store.shared_file()
    if shared is not None:
        lines += shared_folder_lines(shared)
    if mail is not None and mail.mta_user:
        lines += mta_lines(mail.mta_user, shared, settings)
    if shared is None:
        logins = [*settings.roster.members, *([mail.mta_user] if mail is not None and mail.mta_user else [])]
        lines += role_lines(store, logins)
    if mail is not None:
        lines += transport_lines(mail)
    health = sign_in_health(mail, system_clock())
    if health is not None:
        lines.append(f"{'mail' if health.state == 'ok' else health.state.replace('alarm', 'error')}: {health.line}")
    return lines


# -- the group that shares a store file ------------------------------------------------------------


def shared_folder_lines(store_path: Path) -> list[str]:
    """The folder, the store and what lies beside it, as the store's group needs them; nothing for a store that
    no one else shares (its group has no other member)."""
    status = store_path.stat()
    gid, name = status.st_gid, group_name(status.st_gid)
    if not shared_group(gid, status.st_uid):
        return []
    folder = store_path.parent
    lines = [f"group: {name} shares {folder}"]
    lines += folder_lines(folder, gid, name)
    for top in (store_path, lock_path_for(store_path), archive_directory(store_path), files_dir_for(store_path),
                presence_dir_for(store_path)):
        lines += group_access_lines(top, gid, name)
    members = Person(f"members of {name}", -1, frozenset({gid}))
    lines += [f"warning: {line}" for line in program_problems(members)]
    return lines


def shared_group(gid: int, owner_uid: int) -> bool:
    """Whether a login other than owner_uid belongs to gid (by membership or as its own group)."""
    if gid < FIRST_USER_GID:
        return False  # a system group is nobody's desk; the store diagnosis says so where it matters
    try:
        owner = pwd.getpwuid(owner_uid).pw_name
    except KeyError:
        owner = ""
    try:
        members = set(grp.getgrgid(gid).gr_mem) - {owner}
    except KeyError:
        members = set()
    return bool(members) or any(user.pw_gid == gid and user.pw_uid != owner_uid for user in pwd.getpwall())


def folder_lines(folder: Path, gid: int, name: str) -> list[str]:
    """The store's folder: of the store's group, searchable and writable by it (a save renames a new file into
    it), and setgid, so that what anyone creates there is the group's."""
    mode = folder.stat().st_mode
    if folder.stat().st_gid == gid and mode & 0o070 == 0o070 and mode & stat.S_ISGID:
        return []
    return [f"warning: {folder} must be the group {name}'s, writable by it and setgid so new files stay the group's; "
            f"run `sudo chgrp {name} {folder} && sudo chmod g+rwxs {folder}`"]


def group_access_lines(top: Path, gid: int, name: str) -> list[str]:
    """A warning naming what under top the group cannot read and write (folders: also search), with the fix."""
    wrong = [path for path in walk(top) if not group_may_use(path, gid)]
    if not wrong:
        return []
    listed = ", ".join(str(path) for path in wrong[:LISTED]) + (f" and {len(wrong) - LISTED} more" if len(wrong) > LISTED else "")
    recursive = "-R " if top.is_dir() else ""
    return [f"warning: the group {name} cannot read and write {listed}; "
            f"run `sudo chgrp {recursive}{name} {top} && sudo chmod {recursive}g+rwX {top}`"]


def walk(top: Path) -> Iterator[Path]:
    """top and, for a folder, everything below it (links are not followed, nor listed)."""
    if not top.exists() or top.is_symlink():
        return
    yield top
    if top.is_dir():
        for folder, subfolders, files in os.walk(top):
            for name in [*subfolders, *files]:
                path = Path(folder, name)
                if not path.is_symlink():
                    yield path


def group_may_use(path: Path, gid: int) -> bool:
    status = path.lstat()
    needed = 0o070 if stat.S_ISDIR(status.st_mode) else 0o060
    return status.st_gid == gid and status.st_mode & needed == needed


# -- the MTA's user ---------------------------------------------------------------------------------


def mta_lines(login: str, shared: Path | None, settings: Settings) -> list[str]:
    """Whether the MTA's user, with its own group alone, can run this sopdash, read the config and write the store."""
    try:
        user = pwd.getpwnam(login)
    except KeyError:
        group = group_name(shared.stat().st_gid) if shared is not None else "GROUP"
        return [f"error: [mail] mta_user {login}: no such user; create it with `sudo useradd --system --gid {group} "
                f"--no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin {login}`"]
    mta = Person(login, user.pw_uid, frozenset({user.pw_gid}))  # local(8) enables no secondary group
    problems = program_problems(mta)
    if settings.exists:
        problems += reach_problems(mta, settings.path, os.R_OK, "read the config")
    if shared is not None:
        problems += store_problems(mta, shared, user.pw_gid)
    if problems:
        return [f"error: the MTA's user {problem}" for problem in problems]
    return [f"mta: {login} (group {group_name(user.pw_gid)}) can run sopdash and take mail into the store"]


def store_problems(mta: Person, store_path: Path, mta_gid: int) -> list[str]:
    """What keeps the MTA's user from writing the store file, its lock and the kept mail."""
    status = store_path.stat()
    if mta.uid != status.st_uid and mta_gid != status.st_gid:
        name = group_name(status.st_gid)
        fix = (f"give the store a help-desk group of its own ({README})" if status.st_gid < FIRST_USER_GID
               else f"run `sudo usermod -g {name} {mta.name}`")
        return [f"{mta.name}'s own group is {group_name(mta_gid)}, not the store's {name}, and a pipe runs with that "
                f"group alone; {fix}"]
    wanted = [(store_path.parent, os.W_OK | os.X_OK), (store_path, os.R_OK | os.W_OK)]
    wanted += [(path, os.R_OK | os.W_OK | os.X_OK) for path in (files_dir_for(store_path),) if path.exists()]
    wanted += [(path, os.R_OK | os.W_OK) for path in (lock_path_for(store_path),) if path.exists()]
    return [problem for path, want in wanted for problem in reach_problems(mta, path, want, "write the store")]


def program_problems(person: Person) -> list[str]:
    """What keeps person from running this sopdash: its interpreter, and the package it imports."""
    package = Path(sopdash.__file__).parent
    wanted = [(Path(sys.executable), os.X_OK), (Path(os.path.realpath(sys.executable)), os.X_OK), (package, os.R_OK | os.X_OK)]
    for path, want in wanted:
        closed = refused_at(person, path, want)
        if closed is not None:
            return [f"{person.name} cannot run this sopdash: {closed} is closed to it; install sopdash for the whole "
                    f"box ({README})"]
    return []


def reach_problems(person: Person, path: Path, want: int, doing: str) -> list[str]:
    closed = refused_at(person, path, want)
    if closed is None:
        return []
    if closed == path:
        group = group_name(path.stat().st_gid)
        bits = "".join(letter for letter, bit in (("r", os.R_OK), ("w", os.W_OK), ("X", os.X_OK)) if want & bit)
        fix = f"run `sudo chgrp {group} {path} && sudo chmod g+{bits} {path}`"
    else:
        fix = f"it must be able to search every folder on the way ({README})"
    return [f"{person.name} cannot {doing}: {closed} is closed to it; {fix}"]


def refused_at(person: Person, path: Path, want: int) -> Path | None:
    """The first place on the way to path that person may not pass (a folder they may not search, or path itself
    without the `want` bits of os.access); None if they may."""
    real = Path(os.path.realpath(path))
    for folder in reversed(real.parents):
        if not may(person, folder, os.X_OK):
            return folder
    return None if may(person, real, want) else real


def may(person: Person, path: Path, want: int) -> bool:
    if person.uid == 0:
        return True
    try:
        status = path.stat()
    except OSError:
        return False
    if status.st_uid == person.uid:
        bits = status.st_mode >> 6
    elif status.st_gid in person.gids:
        bits = status.st_mode >> 3
    else:
        bits = status.st_mode
    return bits & want == want


# -- PostgreSQL roles -------------------------------------------------------------------------------


def role_lines(store: Store, logins: Iterable[str]) -> list[str]:
    """Each login (the roster's, the MTA's user) needs a role among the technicians: PostgreSQL authenticates the
    OS login as the role of the same name."""
    missing = store.logins_without_role(logins)
    if not missing:
        return [f"roles: {', '.join(logins)} may act as technicians"]
    technicians = " ".join(f"--technician {login}" for login in missing)
    return [f"warning: {', '.join(missing)} may not act as technicians in the database; as its owner run "
            f"`sopdash store init-postgres --db {store.location} {technicians}`"]


# -- the way mail leaves ------------------------------------------------------------------------------


def transport_lines(mail: MailSettings) -> list[str]:
    """Whether mail can leave: the sendmail program is there, or the SMTP server answers EHLO (nothing is sent)."""
    if mail.sendmail:
        program = shutil.which(mail.sendmail[0])
        if program is None:
            return [f"warning: mail: {mail.sendmail[0]} is not there to send mail; install an MTA "
                    "(`sudo apt-get install postfix`) or correct [mail] sendmail"]
        return [f"mail: sends through {program}"]
    try:
        with SmtpTransport(mail, timeout=PROBE_TIMEOUT_S) as transport:
            transport.client.ehlo()  # type: ignore[union-attr]
    except DeliveryError as error:  # its reason names the side that failed and, for our set-up, the fix
        fix = "; correct [mail] smtp_url or start the server" if error.side == UNREACHABLE else ""
        return [f"warning: mail: {error.reason}{fix} (then `sopdash mail test ADDRESS` sends a test message)"]
    except (OSError, smtplib.SMTPException, SopdashError) as error:
        return [f"warning: mail: {mail.where()} did not answer EHLO: {error}; `sopdash mail test ADDRESS` tries a message"]
    return [f"mail: {mail.where()} answers (EHLO; nothing sent)"]
