"""One readable line for an OS error in the store's folder, with the fix when it is a permission problem."""

from __future__ import annotations

import grp
import os
import pwd
import stat
from pathlib import Path

from sopdash.core.errors import StoreError

FIRST_USER_GID = 1000  # below are the system's own groups (Debian's SYS_GID_MAX is 999)


def access_error(path: Path, doing: str, error: OSError) -> StoreError:
    """One readable line for an OS error on path, with the fix when it is a permission problem."""
    if not isinstance(error, PermissionError):
        return StoreError(f"cannot {doing} {path}: {error.strerror or error}")
    owner = nearest_existing(path).stat()
    if owner.st_gid in os.getgroups() or owner.st_gid == os.getegid():
        fix = f"give the group access with `chmod g+rw{'x' if stat.S_ISDIR(owner.st_mode) else ''} {path}`"
    else:
        fix = membership_fix(owner.st_gid)
    return StoreError(f"cannot {doing} {path}: permission denied; {fix}")


def membership_fix(gid: int) -> str:
    """How to join the group that owns the store; never a system group (root, adm…), which gives far more than tickets."""
    if gid < FIRST_USER_GID:
        return (f"its group '{group_name(gid)}' is a system group: ask an administrator to give the store a help-desk "
                "group of its own (README: Sharing one store on a support box)")
    login = pwd.getpwuid(os.getuid()).pw_name
    return f"add yourself to the file's group with `sudo usermod -aG {group_name(gid)} {login}`, then log in again"


def group_name(gid: int) -> str:
    """The name of a group, or its number if it has none."""
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def nearest_existing(path: Path) -> Path:
    """path, or its closest ancestor that exists (os.path.exists, because an unreadable parent must not raise here)."""
    return next(candidate for candidate in (path, *path.parents) if os.path.exists(candidate))
