"""The sign-in's token file: the desk's mail user's alone (mode 0600), never read through a link, replaced whole.

Its folder is the one `[mail.oauth] token_file` names (links above it were chosen, so followed, as for the store).
The file itself is opened with O_NOFOLLOW, checked to be a regular file this user owns, and written as a new
O_EXCL temp file (0600 through its descriptor) renamed over the old one, so a reader sees the old tokens or the new.
"""

from __future__ import annotations

import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from sopdash.core.errors import SopdashError
from sopdash.store.safe_files import Folder, UnsafeEntry, store_directory

TOKEN_MODE = 0o600


class SignInError(SopdashError):
    """The desk is not (or no longer) signed in to its mailbox; the message says why and the fix. `temporary`: the
    provider could not be reached, a later try may work; otherwise someone must run `sopdash mail login`."""

    exit_code = 1

    def __init__(self, message: str, temporary: bool = False) -> None:
        super().__init__(message)
        self.temporary = temporary


class TokenFileError(SignInError):
    """The token file cannot be used as it is; `kind` says why: "unsafe" (a link or other non-file, someone else's),
    "unreadable" (this user may not: it is the mail user's) or "corrupt" (not what sopdash writes)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@contextmanager
def renewal_lock(path: Path) -> Iterator[None]:
    """Held while a token is renewed and saved, so two processes (a sender and a fetcher) do not both spend a
    refresh token that the server accepts only once: an advisory lock on the token file's folder."""
    with _folder(path) as folder:
        fcntl.flock(folder.fd, fcntl.LOCK_EX)
        yield


def read_tokens(path: Path) -> dict[str, Any] | None:
    """What the token file holds; None when there is none."""
    try:
        with _folder(path) as folder:
            fd = folder.open_file(path.name)
            with open(fd, "rb") as file:
                status = os.fstat(fd)
                if status.st_uid != os.geteuid():
                    raise TokenFileError(
                        f"{path} belongs to another user (uid {status.st_uid}); only the desk's mail user signs in: "
                        "run `sopdash mail login` as that user", "unsafe"
                    )
                if stat.S_IMODE(status.st_mode) & 0o077:
                    os.fchmod(fd, TOKEN_MODE)
                data = file.read()
    except FileNotFoundError:
        return None
    except UnsafeEntry:
        raise TokenFileError(_planted(path), "unsafe") from None
    except PermissionError:
        raise TokenFileError(
            f"cannot read {path}: it is the desk's mail user's; run this as that user "
            "(e.g. `sudo -u helpdesk-mail sopdash mail login --check`)", "unreadable"
        ) from None
    try:
        tokens = orjson.loads(data)
    except orjson.JSONDecodeError:
        tokens = None
    if not isinstance(tokens, dict):
        raise TokenFileError(f"{path} is not a token file sopdash wrote; run `sopdash mail login` to sign in again",
                             "corrupt")
    return tokens


def write_tokens(path: Path, tokens: dict[str, Any]) -> None:
    """Replace the token file with tokens (mode 0600); a link or non-file at its name is refused, not followed."""
    try:
        with _folder(path) as folder:
            present = folder.entry(path.name)
            if present is not None and not stat.S_ISREG(present.st_mode):
                raise TokenFileError(_planted(path, folder), "unsafe")
            folder.replace(folder.temp_file(path.name), path.name, orjson.dumps(tokens), TOKEN_MODE)
    except FileNotFoundError:
        raise TokenFileError(f"no folder {path.parent} for the token file; make it (for the desk's mail user "
                             "alone, e.g. `install -d -m 700 -o helpdesk-mail " f"{path.parent}`)", "unreadable") from None
    except PermissionError:
        raise TokenFileError(f"cannot write {path}: run `sopdash mail login` as the desk's mail user",
                             "unreadable") from None


def _folder(path: Path) -> Folder:
    return store_directory(path)


def _planted(path: Path, folder: Folder | None = None) -> str:
    what = "not a plain file"
    if folder is not None:
        what = folder.describe(path.name)
    else:
        with _folder(path) as opened:
            what = opened.describe(path.name)
    return (f"{path} is {what}, where sopdash keeps the mail sign-in tokens; sopdash follows no link there. Remove "
            "it, then run `sopdash mail login`")
