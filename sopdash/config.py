"""The one TOML config file: where it is, what it says, and the settings in effect (README: "Where the store and the config live")."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Mapping

import platformdirs

from sopdash.core.alerts import ALERT_SCOPES
from sopdash.core.canned import CannedReply, canned_replies_from_config
from sopdash.core.durations import parse_duration
from sopdash.core.errors import ConfigError, InputError
from sopdash.core.policy import SlaPolicy
from sopdash.core.roster import Roster
from sopdash.keys import check_keys
from sopdash.mail.settings import MailSettings
from sopdash.store.archive import ARCHIVE_AFTER
from sopdash.store.paths import is_postgres_url

KNOWN_TABLES = ("store", "calendar", "sla", "roster", "ui", "keys", "replies", "mail")
UI_KEYS = ("privacy", "bell", "alerts")
STORE_KEYS = ("path", "url", "archive_after")


@dataclass(frozen=True)
class Settings:
    """Everything the config file decides, parsed and validated."""

    path: Path
    exists: bool
    policy: SlaPolicy
    roster: Roster
    store_path: str | None = None
    store_url: str | None = None
    archive_after: timedelta = ARCHIVE_AFTER
    privacy: bool = False
    bell: bool = False
    alerts: str = "mine"
    replies: tuple[CannedReply, ...] = ()
    keys: Mapping[str, str] = field(default_factory=dict)
    mail: MailSettings | None = None
    document: Mapping[str, Any] = field(default_factory=dict)

    @property
    def store_location(self) -> str | None:
        """The config's store: `store.url` (a PostgreSQL database) or `store.path` (a file)."""
        return self.store_url or self.store_path


def default_config_path() -> Path:
    """The per-user config file location (platformdirs)."""
    return platformdirs.user_config_path("sopdash") / "config.toml"


def config_path(cli_path: str | None, env: Mapping[str, str]) -> Path:
    """`--config`, else $SOPDASH_CONFIG, else the per-user default."""
    chosen = cli_path or env.get("SOPDASH_CONFIG")
    return Path(chosen).expanduser() if chosen else default_config_path()


def load_settings(cli_path: str | None = None, env: Mapping[str, str] = os.environ) -> Settings:
    """Read and validate the config; a missing default file means all defaults, a missing named file is an error."""
    path = config_path(cli_path, env)
    named = bool(cli_path or env.get("SOPDASH_CONFIG"))
    if not _exists(path):
        if named:
            raise InputError(f"no config file at {path}; create it or drop --config/SOPDASH_CONFIG")
        return settings_from_document({}, path, exists=False)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except PermissionError:
        raise InputError(f"cannot read config {path}: permission denied; fix its permissions") from None
    except OSError as error:  # a directory, a name too long
        raise InputError(f"cannot read config {path}: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not valid TOML ({error}); fix the file or point --config elsewhere") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise InputError(f"{path}: nested too deeply to read; fix the file or point --config elsewhere") from None
    return settings_from_document(document, path, exists=True)


def _exists(path: Path) -> bool:
    """Whether there is a config at path; an unreadable or impossible path counts, so reading it says what is wrong."""
    try:
        return path.exists()
    except OSError:
        return True


def settings_from_document(document: Mapping[str, Any], path: Path, exists: bool = True) -> Settings:
    """Settings from a parsed TOML document; ConfigError messages name the file and the key."""
    try:
        unknown = set(document) - set(KNOWN_TABLES)
        if unknown:
            raise ConfigError(sorted(unknown)[0], f"unknown table (known: {', '.join(KNOWN_TABLES)})")
        ui = _known_keys(_table(document, "ui"), "ui", UI_KEYS)
        store = _known_keys(_table(document, "store"), "store", STORE_KEYS)
        keys = check_keys(_table(document, "keys"))
        return Settings(
            path=path,
            exists=exists,
            policy=SlaPolicy.from_config(document),
            roster=Roster.from_config(_table(document, "roster")),
            store_path=str(store["path"]) if "path" in store else None,
            store_url=_store_url(store),
            archive_after=_archive_after(store),
            privacy=_flag(ui, "ui.privacy"),
            bell=_flag(ui, "ui.bell"),
            alerts=_choice(ui, "ui.alerts", ALERT_SCOPES),
            replies=canned_replies_from_config(_table(document, "replies")),
            keys=keys,
            mail=MailSettings.from_config(_table(document, "mail")),
            document=document,
        )
    except ConfigError as error:
        raise ConfigError(error.key, error.reason, source=str(path)) from None


def _store_url(store: Mapping[str, Any]) -> str | None:
    """`store.url`: a postgresql:// URL (the store refuses one with a password), and not beside `store.path`."""
    if "url" not in store:
        return None
    url = store["url"]
    if not (isinstance(url, str) and is_postgres_url(url)):
        raise ConfigError("store.url", f"{url!r} is not a postgresql:// URL")
    if "path" in store:
        raise ConfigError("store.url", "set either store.url or store.path, not both")
    return url


def _table(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = document.get(key) or {}
    if not isinstance(value, Mapping):
        raise ConfigError(key, "must be a table")
    return value


def _known_keys(table: Mapping[str, Any], name: str, known: tuple[str, ...]) -> Mapping[str, Any]:
    """table, if every key in it is one of `known`; else a ConfigError naming the first stranger."""
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(f"{name}.{unknown[0]}", f"unknown key (known: {', '.join(known)})")
    return table


def _archive_after(store: Mapping[str, Any]) -> timedelta:
    """`store.archive_after`: how long closed tickets stay in the live file (calendar days, e.g. "14d")."""
    if "archive_after" not in store:
        return ARCHIVE_AFTER
    try:
        return timedelta(seconds=parse_duration(str(store["archive_after"]), what="store.archive_after"))
    except InputError as error:
        raise ConfigError("store.archive_after", str(error).removeprefix("store.archive_after: ")) from None


def _flag(table: Mapping[str, Any], key: str) -> bool:
    value = table.get(key.split(".")[-1], False)
    if not isinstance(value, bool):
        raise ConfigError(key, f"{value!r} is not true or false")
    return value


def _choice(table: Mapping[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = table.get(key.split(".")[-1], choices[0])
    if value not in choices:
        raise ConfigError(key, f"{value!r} is not one of {', '.join(repr(c) for c in choices)}")
    return value
