"""The technician's own TOML config and the desk's settings: where each is, what they say, and the settings in effect.

README: "Where the store and the config live" and "The desk's settings".
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Mapping

import msgspec
import platformdirs

from sopdash.core.alerts import ALERT_SCOPES
from sopdash.core.canned import CannedReply, canned_replies_from_config
from sopdash.core.durations import parse_duration
from sopdash.core.config_table import decode_table
from sopdash.core.courtesy import CourtesyRules
from sopdash.core.errors import ConfigError, InputError
from sopdash.core.limits import MAX_DURATION_S
from sopdash.core.policy import SlaPolicy
from sopdash.core.saved_views import SavedView, combined, saved_views_from_config
from sopdash.core.roster import Roster
from sopdash.core.satisfaction import DEFAULT_PHRASES, SatisfactionPhrases
from sopdash.core.templates import Templates
from sopdash.mail.settings import MailSettings
from sopdash.store.contract import ARCHIVE_AFTER
from sopdash.store.paths import is_postgres_url

DESK_TABLES = ("calendar", "sla", "roster", "replies", "mail", "templates", "views", "organisations", "satisfaction", "courtesy")
"""The desk's policy: read from the desk's own settings beside its store (README: "The desk's settings")."""
PERSONAL_TABLES = ("ui", "keys", "store")
"""A technician's own: the dashboard's look and keys, and where the store is (`store.archive_after` is the desk's)."""
KNOWN_TABLES = ("store", "calendar", "sla", "roster", "ui", "keys", "replies", "mail", "templates", "views", "organisations", "satisfaction", "courtesy")
DESK_STORE_KEYS = ("archive_after",)


class _UiTable(msgspec.Struct, forbid_unknown_fields=True):
    privacy: bool = False
    bell: bool = False
    alerts: str = "mine"
    views: dict[str, Any] = {}  # the technician's own saved views, `[ui.views.NAME]` (core/saved_views.py)


class _StoreTable(msgspec.Struct, forbid_unknown_fields=True):
    path: str = ""
    url: str = ""
    archive_after: Any = None  # read by `_archive_after`


@dataclass(frozen=True)
class DeskDocument:
    """The desk's settings as stored beside its store, and where they are (for messages and `sopdash config`)."""

    document: Mapping[str, Any]
    where: str


@dataclass(frozen=True)
class DeskPolicy:
    """What the desk decides, parsed and validated: SLA policy and calendar, roster, canned replies, mail, archive."""

    policy: SlaPolicy
    roster: Roster
    replies: tuple[CannedReply, ...] = ()
    mail: MailSettings | None = None
    archive_after: timedelta = ARCHIVE_AFTER
    templates: Templates = Templates()
    views: tuple[SavedView, ...] = ()
    satisfaction: SatisfactionPhrases = DEFAULT_PHRASES
    courtesy: CourtesyRules = CourtesyRules()


@dataclass(frozen=True)
class Settings:
    """Everything in effect: the technician's own config, with the desk's policy from the desk's settings."""

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
    templates: Templates = Templates()
    satisfaction: SatisfactionPhrases = DEFAULT_PHRASES
    courtesy: CourtesyRules = CourtesyRules()
    document: Mapping[str, Any] = field(default_factory=dict)
    """The technician's own config file, as parsed."""
    desk: DeskDocument | None = None
    """The desk's settings, when the desk has them."""
    notes: tuple[str, ...] = ()
    """One-line notes for the technician (desk tables in the personal file, and what to do about them)."""
    views: tuple[SavedView, ...] = ()
    """Saved views: the desk's `[views.NAME]`, then the technician's own `[ui.views.NAME]`."""

    @property
    def store_location(self) -> str | None:
        """The config's store: `store.url` (a PostgreSQL database) or `store.path` (a file)."""
        return self.store_url or self.store_path

    @property
    def desk_document(self) -> Mapping[str, Any]:
        """The desk tables in effect, as written (from the desk's settings, or else from the personal file)."""
        return self.desk.document if self.desk is not None else desk_tables(self.document)

    def with_desk(self, desk: DeskDocument | None) -> Settings:
        """These settings with the desk's settings read anew (as a running dashboard does when they change)."""
        return settings_from_document(self.document, self.path, self.exists, desk)


def default_config_path() -> Path:
    """The per-user config file location (platformdirs)."""
    return platformdirs.user_config_path("sopdash") / "config.toml"


def config_path(cli_path: str | None, env: Mapping[str, str]) -> Path:
    """`--config`, else $SOPDASH_CONFIG, else the per-user default."""
    chosen = cli_path or env.get("SOPDASH_CONFIG")
    return Path(chosen).expanduser() if chosen else default_config_path()


def load_settings(
    cli_path: str | None = None,
    env: Mapping[str, str] = os.environ,
    desk_at: Callable[[str | None], DeskDocument | None] | None = None,
) -> Settings:
    """Read and validate the config; a missing default file means all defaults, a missing named file is an error.

    desk_at, given the config's own store location, reads the desk's settings beside the store in effect.
    """
    path = config_path(cli_path, env)
    named = bool(cli_path or env.get("SOPDASH_CONFIG"))
    exists = _exists(path)
    if not exists and named:
        raise InputError(f"no config file at {path}; create it or drop --config/SOPDASH_CONFIG")
    document = read_config(path) if exists else {}
    if desk_at is None:
        return settings_from_document(document, path, exists)
    return settings_from_document(document, path, exists, desk_at(_own_store(document, path)))


def _own_store(document: Mapping[str, Any], path: Path) -> str | None:
    """The config's `store.url` or `store.path`, checked."""
    try:
        store = decode_table(_table(document, "store"), _StoreTable, "store")
        return _store_url(store) or store.path or None
    except ConfigError as error:
        raise ConfigError(error.key, error.reason, source=str(path)) from None


def read_config(path: Path) -> dict[str, Any]:
    """The TOML document at path; an InputError naming the file and the fix."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except PermissionError:
        raise InputError(f"cannot read config {path}: permission denied; fix its permissions") from None
    except OSError as error:  # a directory, a name too long
        raise InputError(f"cannot read config {path}: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not valid TOML ({error}); fix the file or point --config elsewhere") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise InputError(f"{path}: nested too deeply to read; fix the file or point --config elsewhere") from None


def _exists(path: Path) -> bool:
    """Whether there is a config at path; an unreadable or impossible path counts, so reading it says what is wrong."""
    try:
        return path.exists()
    except OSError:
        return True


def settings_from_document(
    document: Mapping[str, Any], path: Path, exists: bool = True, desk: DeskDocument | None = None
) -> Settings:
    """Settings from a parsed personal config and the desk's settings; ConfigError messages name the file and key.

    Where the desk has settings, they decide its policy and desk tables in the personal file are ignored (with a
    note); where it has none, desk tables in the personal file still count (with a note on moving them).
    """
    try:
        unknown = set(document) - set(KNOWN_TABLES)
        if unknown:
            raise ConfigError(sorted(unknown)[0], f"unknown table (known: {', '.join(KNOWN_TABLES)})")
        ui = decode_table(_table(document, "ui"), _UiTable, "ui")
        store = decode_table(_table(document, "store"), _StoreTable, "store")
        keys = _keys(_table(document, "keys"))
        store_url = _store_url(store)
        alerts = _choice(ui.alerts, "ui.alerts", ALERT_SCOPES)
        own_views = saved_views_from_config(ui.views, "ui.views", personal=True)
    except ConfigError as error:
        raise ConfigError(error.key, error.reason, source=str(path)) from None
    own = desk_tables(document)
    policy = desk_policy_from_document(desk.document, desk.where) if desk else desk_policy_from_document(own, str(path))
    return Settings(
        path=path,
        exists=exists,
        policy=policy.policy,
        roster=policy.roster,
        store_path=store.path or None,
        store_url=store_url,
        archive_after=policy.archive_after,
        privacy=ui.privacy,
        bell=ui.bell,
        alerts=alerts,
        replies=policy.replies,
        keys=keys,
        mail=policy.mail,
        templates=policy.templates,
        satisfaction=policy.satisfaction,
        courtesy=policy.courtesy,
        document=document,
        desk=desk,
        notes=_notes(own, path, desk),
        views=combined(policy.views, own_views),
    )


def desk_tables(document: Mapping[str, Any]) -> dict[str, Any]:
    """The desk's tables in a config document (and `store.archive_after`), leaving the personal ones out."""
    tables = {name: document[name] for name in DESK_TABLES if name in document}
    store = document.get("store")
    if isinstance(store, Mapping) and "archive_after" in store:
        tables["store"] = {"archive_after": store["archive_after"]}
    return tables


def desk_policy_from_document(document: Mapping[str, Any], where: str) -> DeskPolicy:
    """The desk's settings validated: only desk tables, each as in the personal config; errors name `where`."""
    try:
        personal = sorted(set(document) - set(DESK_TABLES) - {"store"})
        if personal:
            known = f"known: {', '.join((*DESK_TABLES, 'store.archive_after'))}"
            reason = "is a technician's own, not the desk's: put it in your config" if personal[0] in PERSONAL_TABLES else f"unknown table ({known})"
            raise ConfigError(personal[0], reason)
        store = _table(document, "store")
        stray = sorted(set(store) - set(DESK_STORE_KEYS))
        if stray:
            raise ConfigError(f"store.{stray[0]}", "is a technician's own, not the desk's: put it in your config"
                              if stray[0] in ("path", "url") else "unknown key (known: archive_after)")
        return desk_policy(document)
    except ConfigError as error:
        raise ConfigError(error.key, error.reason, source=where) from None


def desk_policy(document: Mapping[str, Any]) -> DeskPolicy:
    """The desk tables of a document, parsed; ConfigError names the key."""
    return DeskPolicy(
        policy=SlaPolicy.from_config(document),
        roster=Roster.from_config(_table(document, "roster")),
        replies=canned_replies_from_config(_table(document, "replies")),
        mail=MailSettings.from_config(_table(document, "mail")),
        archive_after=_archive_after(_table(document, "store")),
        templates=Templates.from_config(_table(document, "templates")),
        views=saved_views_from_config(_table(document, "views"), "views"),
        satisfaction=SatisfactionPhrases.from_config(_table(document, "satisfaction")),
        courtesy=CourtesyRules.from_config(_table(document, "courtesy")),
    )


def _notes(own: Mapping[str, Any], path: Path, desk: DeskDocument | None) -> tuple[str, ...]:
    """The one-line note for desk tables found in a personal config."""
    if not own:
        return ()
    tables = ", ".join(f"[{name}]" if name != "store" else "store.archive_after" for name in own)
    if desk is None:
        return (f"note: {path} holds the desk's policy ({tables}); move it to the desk's settings, shared by every "
                "login and the mail pipe, with `sopdash config migrate`",)
    return (f"note: {path} holds desk policy ({tables}) that is ignored: the desk's settings ({desk.where}) decide; "
            "remove it from your file (`sopdash config migrate` moves what the desk lacks)",)


def _store_url(store: _StoreTable) -> str | None:
    """`store.url`: a postgresql:// URL (the store refuses one with a password), and not beside `store.path`."""
    if not store.url:
        return None
    if not is_postgres_url(store.url):
        raise ConfigError("store.url", f"{store.url!r} is not a postgresql:// URL")
    if store.path:
        raise ConfigError("store.url", "set either store.url or store.path, not both")
    return store.url


def _table(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = document.get(key) or {}
    if not isinstance(value, Mapping):
        raise ConfigError(key, "must be a table")
    return value


def _archive_after(store: Mapping[str, Any]) -> timedelta:
    """`store.archive_after`: how long closed tickets stay in the live file (calendar days, e.g. "14d")."""
    if "archive_after" not in store:
        return ARCHIVE_AFTER
    try:
        seconds = parse_duration(str(store["archive_after"]), what="store.archive_after")
    except InputError as error:
        raise ConfigError("store.archive_after", str(error).removeprefix("store.archive_after: ")) from None
    if seconds > MAX_DURATION_S:
        raise ConfigError("store.archive_after", f"{store['archive_after']!r} is longer than the "
                          f"{MAX_DURATION_S // 86400} days allowed")
    return timedelta(seconds=seconds)


def _choice(value: str, key: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ConfigError(key, f"{value!r} is not one of {', '.join(repr(c) for c in choices)}")
    return value


def _keys(table: Mapping[str, Any]) -> Mapping[str, str]:
    """`[keys]` checked against the dashboard's bindings (loaded only when there is a table to check)."""
    if not table:
        return {}
    from sopdash.keys import check_keys

    return check_keys(table)
