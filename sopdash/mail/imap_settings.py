"""The `[mail.imap]` table of the desk's settings: which mailbox `sopdash mail fetch --imap` reads, and how."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import msgspec

from sopdash.core.config_table import decode_table, positive_number, whole_number
from sopdash.core.errors import ConfigError

PORTS = {"tls": 993, "starttls": 143, "none": 143}
LOCAL_HOSTS = ("127.0.0.1", "::1", "localhost")
MAX_POLL_S = 3600.0


@dataclass(frozen=True, slots=True)
class ImapSettings:
    """One IMAP folder the desk takes its clients' mail from, and what it does with a message once it is a ticket."""

    host: str
    user: str
    port: int = 993
    security: str = "tls"  # tls (993), starttls (143), or none: only for a server on this box
    auth: str = "password"  # password (from password_file) or oauth2 (a token from `sopdash mail login`)
    password_file: str = ""
    folder: str = "INBOX"
    handled: str = "move"  # move (to move_to) or flag (set `flag`)
    move_to: str = "sopdash-handled"
    flag: str = "\\Seen"
    poll_s: float = 60.0  # how often a server without IDLE is asked; with IDLE, how long each IDLE lasts at most

    def where(self) -> str:
        """`imaps://help@imap.example.org:993/INBOX`, for messages and `check`."""
        scheme = {"tls": "imaps", "starttls": "imap+starttls", "none": "imap"}[self.security]
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> ImapSettings | None:
        """`[mail.imap]` read and checked; None when it is absent or empty."""
        if not table:
            return None
        given = decode_table(table, _ImapTable, "mail.imap")
        host, user = _line(given.host, "host"), _line(given.user, "user")
        if not host or not user:
            raise ConfigError("mail.imap", 'needs host and user, e.g. host = "outlook.office365.com", '
                                           'user = "help@example.org"')
        security = _choice(given.security, "security", ("tls", "starttls", "none"))
        if security == "none" and host not in LOCAL_HOSTS:
            raise ConfigError("mail.imap.security", f'"none" sends the password in clear, so only for a server on '
                                                    f'this box (127.0.0.1), not {host!r}: use "tls" or "starttls"')
        auth = _choice(given.auth, "auth", ("password", "oauth2"))
        password_file = _line(given.password_file, "password_file")
        if auth == "password" and not password_file:
            raise ConfigError("mail.imap.password_file", 'is needed with auth = "password": a file holding the '
                                                         'password on its first line (or set auth = "oauth2")')
        handled = _choice(given.handled, "handled", ("move", "flag"))
        return cls(
            host=host,
            user=user,
            port=whole_number(given.port or PORTS[security], "mail.imap.port", 1, 65535),
            security=security,
            auth=auth,
            password_file=password_file,
            folder=_line(given.folder, "folder") or "INBOX",
            handled=handled,
            move_to=_line(given.move_to, "move_to") or "sopdash-handled",
            flag=_flag(_line(given.flag, "flag") or "\\Seen"),
            poll_s=positive_number(given.poll_s, "mail.imap.poll_s", MAX_POLL_S, " s"),
        )


class _ImapTable(msgspec.Struct, forbid_unknown_fields=True):
    """`[mail.imap]` as written."""

    host: str = ""
    port: int = 0
    security: str = "tls"
    user: str = ""
    auth: str = "password"
    password_file: str = ""
    folder: str = "INBOX"
    handled: str = "move"
    move_to: str = ""
    flag: str = ""
    poll_s: float = 60.0


def _line(value: str, key: str) -> str:
    if any(c in value for c in "\r\n\0"):
        raise ConfigError(f"mail.imap.{key}", "must be one line")
    return value.strip()


def _choice(value: str, key: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ConfigError(f"mail.imap.{key}", f"{value!r} is not one of " + ", ".join(f'"{c}"' for c in choices))
    return value


def _flag(flag: str) -> str:
    """A system flag (\\Seen, \\Flagged) or a keyword ($sopdash): one atom, no spaces or brackets."""
    name = flag.removeprefix("\\")
    if not name or any(c in name for c in ' (){%*"\\]') or not name.isascii():
        raise ConfigError("mail.imap.flag", f'{flag!r} is not an IMAP flag like "\\\\Seen" or a keyword like "$sopdash"')
    return flag
