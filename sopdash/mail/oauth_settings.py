"""`[mail.oauth]`: who signs the desk in to its mailbox (Microsoft 365, Google, or any RFC 8628 server), and where the
tokens are kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

import msgspec

from sopdash.core.config_table import decode_table
from sopdash.core.errors import ConfigError

PROVIDERS = ("microsoft", "google", "custom")
NAMES = {"microsoft": "Microsoft 365", "google": "Google", "custom": "the mail provider"}
MICROSOFT_LOGIN = "https://login.microsoftonline.com"
MICROSOFT_SCOPES = (
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
    "offline_access",
)
GOOGLE_SCOPES = ("https://mail.google.com/", "openid", "email")  # OpenID: to say which account signed in
GOOGLE_AUTHORIZATION_URL = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
# how long a refresh token lives unused: Microsoft's sliding 90 days; Google and others set none we can know
LOOPBACK = ("127.0.0.1", "::1", "localhost")
REFRESH_DAYS = {"microsoft": 90, "google": 0, "custom": 0}


@dataclass(frozen=True, slots=True)
class OAuthSettings:
    """The sign-in as configured; `token_file` holds the tokens (mode 0600, the desk's mail user's alone)."""

    provider: str
    client_id: str
    token_file: Path
    tenant: str = "organizations"
    scopes: tuple[str, ...] = ()
    authority: str = ""  # Microsoft: the login host and tenant, https://login.microsoftonline.com/<tenant>
    device_authorization_url: str = ""  # "custom": its RFC 8628 endpoint
    authorization_url: str = ""  # Google: where the browser signs in (browser_flow.py)
    token_url: str = ""
    client_secret_file: str = ""  # Google's "Desktop app" clients must send their secret, which Google says is not one
    refresh_days: int = 0  # a refresh token unused this long has expired (0: the provider sets no known limit)

    @property
    def name(self) -> str:
        """The provider in words, for messages: `Microsoft 365`."""
        return NAMES[self.provider]

    def client_secret(self) -> str:
        """The client secret from `client_secret_file` (first line); empty when none is configured."""
        if not self.client_secret_file:
            return ""
        try:
            return Path(self.client_secret_file).read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, IndexError, UnicodeDecodeError) as error:
            raise ConfigError(
                "mail.oauth.client_secret_file", f"cannot read {self.client_secret_file}: {error.__class__.__name__}"
            ) from None

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> OAuthSettings | None:
        """The settings in `[mail.oauth]`; None when the table is absent or empty."""
        if not table:
            return None
        given = decode_table(table, _OAuthTable, "mail.oauth")
        provider = given.provider.strip().lower()
        if provider not in PROVIDERS:
            raise ConfigError("mail.oauth.provider", f"{given.provider!r} is not one of {', '.join(PROVIDERS)}")
        for key in ("client_id", "token_file"):
            if not getattr(given, key).strip():
                raise ConfigError(f"mail.oauth.{key}", "must be set (see the README's Microsoft 365 and Gmail set-up)")
        token_file = Path(given.token_file.strip())
        if not token_file.is_absolute():
            raise ConfigError("mail.oauth.token_file", f"{given.token_file!r} must be an absolute path, e.g. "
                                                       "/etc/sopdash/mail/oauth-token.json")
        tenant = given.tenant.strip() or "organizations"
        authority = _url(given.authority, "authority") or f"{MICROSOFT_LOGIN}/{tenant}"
        device_url = _url(given.device_authorization_url, "device_authorization_url")
        authorization_url = _url(given.authorization_url, "authorization_url")
        token_url = _url(given.token_url, "token_url")
        if provider == "google":
            authorization_url, token_url = authorization_url or GOOGLE_AUTHORIZATION_URL, token_url or GOOGLE_TOKEN_URL
        if provider == "custom" and not (device_url and token_url):
            raise ConfigError("mail.oauth.token_url", 'the "custom" provider needs device_authorization_url and '
                                                      "token_url")
        defaults = {"microsoft": MICROSOFT_SCOPES, "google": GOOGLE_SCOPES, "custom": ()}[provider]
        scopes = tuple(scope.strip() for scope in given.scopes if scope.strip()) or defaults
        if not scopes:
            raise ConfigError("mail.oauth.scopes", 'the "custom" provider needs its scopes, e.g. ["mail"]')
        if given.refresh_days < 0:
            raise ConfigError("mail.oauth.refresh_days", f"{given.refresh_days} is not a number of days (0: no limit)")
        return cls(
            provider=provider,
            client_id=given.client_id.strip(),
            token_file=token_file,
            tenant=tenant,
            scopes=scopes,
            authority=authority,
            device_authorization_url=device_url,
            authorization_url=authorization_url,
            token_url=token_url,
            client_secret_file=given.client_secret_file.strip(),
            refresh_days=given.refresh_days or REFRESH_DAYS[provider],
        )


class _OAuthTable(msgspec.Struct, forbid_unknown_fields=True):
    """`[mail.oauth]` as written."""

    provider: str = ""
    client_id: str = ""
    token_file: str = ""
    tenant: str = ""
    scopes: list[str] = msgspec.field(default_factory=list)
    authority: str = ""
    device_authorization_url: str = ""
    authorization_url: str = ""
    token_url: str = ""
    client_secret_file: str = ""
    refresh_days: int = 0


def _url(value: str, key: str) -> str:
    """An https:// URL (plain http only to this machine itself: tokens never cross a network in clear)."""
    value = value.strip()
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        host = None
    if value and not (host and (parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK))):
        raise ConfigError(f"mail.oauth.{key}", f"{value!r} is not an https:// URL")
    return value
