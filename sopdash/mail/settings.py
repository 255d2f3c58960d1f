"""The `[mail]` table of the config: the desk's address, how mail leaves the box, and the inbound limits."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

import msgspec

from sopdash.core.config_table import decode_table, positive_number, whole_number
from sopdash.core.errors import ConfigError
from sopdash.mail.imap_settings import ImapSettings
from sopdash.mail.oauth_settings import OAuthSettings
from sopdash.mail.desk_addresses import DeskAddress, desk_addresses

MAX_MESSAGE_MB = 1024  # one message with its attachments: a gigabyte is past any mail server's limit
MAX_NEW_TICKETS_HOUR = 100_000
SMTP_PORTS = {"smtp": 25, "smtps": 465}
_DOMAIN = re.compile(r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+")


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
    max_replies_per_ticket_hour: int = 30
    trusted_domains: tuple[str, ...] = ()  # senders here may write into any ticket they name, not only their own
    mta_user: str = ""  # the Unix user the MTA runs `mail receive` as; `sopdash check` checks it can
    imap: ImapSettings | None = None  # `[mail.imap]`: the mailbox `mail fetch --imap` reads
    smtp_auth: str = "password"  # "oauth2": SASL XOAUTH2 with the [mail.oauth] sign-in, as username (or address)
    oauth: OAuthSettings | None = None
    addresses: tuple[DeskAddress, ...] = ()  # `[mail.addresses]`: the other addresses the desk receives on
    receipt: bool = False  # send an automatic receipt for each new mailed ticket (README: "The receipt")
    receipt_acknowledges: bool = False  # whether that receipt stops the acknowledgement clock (SOP 4B: no)

    @property
    def own_addresses(self) -> tuple[str, ...]:
        """Every address that is the desk's: the main one, each it receives on, each it sends from."""
        others = [a for entry in self.addresses for a in (entry.address, entry.from_address)]
        return tuple(dict.fromkeys(a.lower() for a in (self.address, *others)))

    def receiving(self, address: str) -> DeskAddress | None:
        """The `[mail.addresses]` entry for an address the desk receives on; None for the main or an unknown one."""
        return next((entry for entry in self.addresses if entry.address == address.lower()), None)

    def sender_for(self, address: str) -> tuple[str, str]:
        """(From name, From address) of mail on a ticket that came in on `address` ("" or unknown: the desk's own)."""
        entry = self.receiving(address)
        if entry is None:
            return self.name, self.address
        return entry.name or self.name, entry.from_address

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
        given = decode_table(table, _MailTable, "mail")
        address = _line(given.address, "address")
        if "@" not in address or any(c.isspace() for c in address):
            raise ConfigError("mail.address", f"{address!r} is not an e-mail address like help@desk.example.org")
        smtp_url, sendmail = _line(given.smtp_url, "smtp_url"), _line(given.sendmail, "sendmail")
        if bool(smtp_url) == bool(sendmail):
            raise ConfigError("mail.smtp_url", "set either smtp_url (smtp://host:587, smtps://host:465) or sendmail")
        if smtp_url:
            _check_smtp_url(smtp_url)
        tag = _line(given.subject_tag, "subject_tag") or "[#{id}]"
        if tag.count("{id}") != 1 or tag.replace("{id}", "").count("{") or tag.replace("{id}", "").count("}"):
            raise ConfigError("mail.subject_tag", f"{tag!r} must hold {{id}} once and no other braces, e.g. [#{{id}}]")
        return cls(
            address=address,
            name=_line(given.name, "name"),
            smtp_url=smtp_url,
            starttls=given.starttls,
            username=_line(given.username, "username"),
            password_file=_line(given.password_file, "password_file"),
            sendmail=_command(sendmail) if sendmail else (),
            subject_tag=tag,
            max_message_mb=positive_number(given.max_message_mb, "mail.max_message_mb", MAX_MESSAGE_MB, " MB"),
            max_new_tickets_per_sender_hour=whole_number(
                given.max_new_tickets_per_sender_hour, "mail.max_new_tickets_per_sender_hour", 1, MAX_NEW_TICKETS_HOUR
            ),
            max_replies_per_ticket_hour=whole_number(
                given.max_replies_per_ticket_hour, "mail.max_replies_per_ticket_hour", 1, MAX_NEW_TICKETS_HOUR
            ),
            trusted_domains=_domains(given.trusted_domains),
            mta_user=_line(given.mta_user, "mta_user"),
            imap=ImapSettings.from_config(given.imap),
            **_oauth(given, smtp_url),
            addresses=desk_addresses(given.addresses),
            receipt=given.receipt,
            receipt_acknowledges=given.receipt_acknowledges,
        )


class _MailTable(msgspec.Struct, forbid_unknown_fields=True):
    """`[mail]` as written: the keys it may hold and their types (checked further by `MailSettings.from_config`)."""

    address: str = ""
    name: str = ""
    smtp_url: str = ""
    starttls: bool = True
    username: str = ""
    password_file: str = ""
    sendmail: str = ""
    subject_tag: str = ""
    max_message_mb: float = 10
    max_new_tickets_per_sender_hour: int = 20
    max_replies_per_ticket_hour: int = 30
    trusted_domains: list[str] = msgspec.field(default_factory=list)
    mta_user: str = ""
    addresses: dict[str, Any] = msgspec.field(default_factory=dict)
    receipt: bool = False
    receipt_acknowledges: bool = False
    imap: dict[str, Any] = msgspec.field(default_factory=dict)
    smtp_auth: str = "password"
    oauth: dict[str, Any] = msgspec.field(default_factory=dict)


def _oauth(given: _MailTable, smtp_url: str) -> dict[str, Any]:
    """`smtp_auth` and `[mail.oauth]`, checked together: OAuth2 for SMTP needs an SMTP server and a sign-in."""
    oauth = OAuthSettings.from_config(given.oauth)
    if given.smtp_auth not in ("password", "oauth2"):
        raise ConfigError("mail.smtp_auth", f'{given.smtp_auth!r} is not "password" or "oauth2"')
    if given.smtp_auth == "oauth2" and (oauth is None or not smtp_url):
        raise ConfigError("mail.smtp_auth", '"oauth2" needs smtp_url and a [mail.oauth] table (see the README\'s '
                                            "Microsoft 365 and Gmail set-up)")
    return {"smtp_auth": given.smtp_auth, "oauth": oauth}


def _line(value: str, key: str) -> str:
    if any(c in value for c in "\r\n\0"):
        raise ConfigError(f"mail.{key}", "must be one line")
    return value.strip()


def _command(sendmail: str) -> tuple[str, ...]:
    """`sendmail` split as a shell would (no shell runs it); a ConfigError for an unterminated quote."""
    try:
        command = tuple(shlex.split(sendmail))
    except ValueError as error:
        raise ConfigError(
            "mail.sendmail", f"{sendmail!r} cannot be split into a command ({error}); close the quote, e.g. "
            '"/usr/sbin/sendmail -t -i"'
        ) from None
    if not (command and command[0]):
        raise ConfigError("mail.sendmail", f"{sendmail!r} names no command, e.g. \"/usr/sbin/sendmail -t -i\"")
    return command


def _domains(value: list[str]) -> tuple[str, ...]:
    domains = tuple(domain.strip().lower() for domain in value)
    for domain in domains:
        if not _DOMAIN.fullmatch(domain):
            raise ConfigError("mail.trusted_domains", f"{domain!r} is not a domain like example.org (no @, no wildcards)")
    return domains


def _check_smtp_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed [ in an IPv6 host
        raise ConfigError("mail.smtp_url", f"{url!r} is not smtp://host[:port] or smtps://host[:port]") from None
    if parts.scheme not in SMTP_PORTS or not parts.hostname:
        raise ConfigError("mail.smtp_url", f"{url!r} is not smtp://host[:port] or smtps://host[:port]")
    if parts.password:
        raise ConfigError("mail.smtp_url", "holds a password; put it in the file named by password_file")
    try:
        parts.port
    except ValueError:
        raise ConfigError("mail.smtp_url", f"{url!r} has a bad port") from None
