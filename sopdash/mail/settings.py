"""The `[mail]` table of the config: the desk's address, how mail leaves the box, and the inbound limits."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

from sopdash.core.errors import ConfigError

KEYS = (
    "address",
    "name",
    "smtp_url",
    "starttls",
    "username",
    "password_file",
    "sendmail",
    "subject_tag",
    "max_message_mb",
    "max_new_tickets_per_sender_hour",
    "mta_user",
)
SMTP_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Mail as configured; sopdash sends and takes no mail without it."""

    address: str
    name: str = ""
    smtp_url: str = ""
    starttls: bool = True
    username: str = ""
    password_file: str = ""
    sendmail: tuple[str, ...] = ()
    subject_tag: str = "[#{id}]"
    max_message_mb: float = 10
    max_new_tickets_per_sender_hour: int = 20
    mta_user: str = ""  # the Unix user the MTA runs `mail receive` as; `sopdash check` checks it can

    @property
    def max_message_bytes(self) -> int:
        """The size limit of one inbound message with its attachments."""
        return int(self.max_message_mb * 1024 * 1024)

    @property
    def domain(self) -> str:
        """The desk address's domain: the right-hand side of every Message-ID we make."""
        return self.address.rpartition("@")[2].lower()

    @property
    def smtp_host(self) -> tuple[str, str, int]:
        """(scheme, host, port) of `smtp_url`."""
        parts = urlsplit(self.smtp_url)
        return parts.scheme, unquote(parts.hostname or ""), parts.port or SMTP_PORTS[parts.scheme]

    def where(self) -> str:
        """How mail leaves, in a few words: `smtp://host:587` or `sendmail (/usr/sbin/sendmail)`."""
        if self.sendmail:
            return f"sendmail ({self.sendmail[0]})"
        scheme, host, port = self.smtp_host
        return f"{scheme}://{host}:{port}"

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> MailSettings | None:
        """The settings in `[mail]`; None (mail off) when the table is absent or empty."""
        if not table:
            return None
        unknown = sorted(set(table) - set(KEYS))
        if unknown:
            raise ConfigError(f"mail.{unknown[0]}", f"unknown key (known: {', '.join(KEYS)})")
        address = _text(table, "address")
        if "@" not in address or any(c.isspace() for c in address):
            raise ConfigError("mail.address", f"{address!r} is not an e-mail address like help@desk.example.org")
        smtp_url, sendmail = _text(table, "smtp_url"), _text(table, "sendmail")
        if bool(smtp_url) == bool(sendmail):
            raise ConfigError("mail.smtp_url", "set either smtp_url (smtp://host:587, smtps://host:465) or sendmail")
        if smtp_url:
            _check_smtp_url(smtp_url)
        tag = _text(table, "subject_tag") or "[#{id}]"
        if tag.count("{id}") != 1 or tag.replace("{id}", "").count("{") or tag.replace("{id}", "").count("}"):
            raise ConfigError("mail.subject_tag", f"{tag!r} must hold {{id}} once and no other braces, e.g. [#{{id}}]")
        return cls(
            address=address,
            name=_text(table, "name"),
            smtp_url=smtp_url,
            starttls=_flag(table, "starttls", True),
            username=_text(table, "username"),
            password_file=_text(table, "password_file"),
            sendmail=tuple(shlex.split(sendmail)),
            subject_tag=tag,
            max_message_mb=_number(table, "max_message_mb", 10),
            max_new_tickets_per_sender_hour=int(_number(table, "max_new_tickets_per_sender_hour", 20)),
            mta_user=_text(table, "mta_user"),
        )


def _text(table: Mapping[str, Any], key: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(f"mail.{key}", f"{value!r} is not a string")
    if any(c in value for c in "\r\n\0"):
        raise ConfigError(f"mail.{key}", "must be one line")
    return value.strip()


def _flag(table: Mapping[str, Any], key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"mail.{key}", f"{value!r} is not true or false")
    return value


def _number(table: Mapping[str, Any], key: str, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(f"mail.{key}", f"{value!r} is not a positive number")
    return value


def _check_smtp_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in SMTP_PORTS or not parts.hostname:
        raise ConfigError("mail.smtp_url", f"{url!r} is not smtp://host[:port] or smtps://host[:port]")
    if parts.password:
        raise ConfigError("mail.smtp_url", "holds a password; put it in the file named by password_file")
    try:
        parts.port
    except ValueError:
        raise ConfigError("mail.smtp_url", f"{url!r} has a bad port") from None
