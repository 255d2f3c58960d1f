"""The desk's own settings: its policy, read beside its store by every login, the mail pipe and the mail sender.

They are changed only through here (`sopdash config set/unset/edit/migrate`): validated as a whole before they are
saved, refused to whoever may not change the desk's policy (on a file store: who may not write the settings file;
on PostgreSQL: who is not a manager), and every change is logged with who made it, when, and each key's old and
new value. A running dashboard watches `signature()` and says what changed (`news`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sopdash.clock import system_clock
from sopdash.config import DESK_TABLES, DeskDocument, Settings, desk_policy_from_document, desk_tables
from sopdash.core.errors import InputError, RuleRefused, SopdashError
from sopdash.desk.actions import Desk
from sopdash.store.contract import Signature
from sopdash.store.opening import settings_backend_for

SETTABLE = (*DESK_TABLES, "store.archive_after")
NEWS_CHANGES = 3  # a dashboard's notice names this many changed keys, then counts the rest


@dataclass(frozen=True)
class Change:
    """One key of the desk's settings as it was and as it is (None: not set)."""

    key: str
    before: Any
    after: Any

    def line(self) -> str:
        return f"{self.key} {shown(self.before)} → {shown(self.after)}"

    def record(self) -> dict[str, str | None]:
        return {"key": self.key, "from": _stored(self.before), "to": _stored(self.after)}


class DeskSettings:
    """The settings of the desk whose store is at `location` (a store file or a postgresql:// URL)."""

    def __init__(self, location: Path | str) -> None:
        self.backend = settings_backend_for(location)

    @property
    def where(self) -> str:
        """Where the settings live, for messages."""
        return self.backend.where

    @property
    def managers_by_role(self) -> bool:
        """Whether the store's own roles say who is a manager (PostgreSQL), not the settings' roster (a file)."""
        return self.backend.managers_by_role

    def read(self) -> DeskDocument | None:
        """The desk's settings as parsed TOML (not yet validated); None if the desk has none."""
        text = self.backend.read()
        return None if text is None else DeskDocument(parse(text, self.where), self.where)

    def signature(self) -> Signature | None:
        """A token that changes with every change of the settings (what a dashboard watches)."""
        return self.backend.signature()

    def refusal(self) -> str | None:
        """Why the technician at hand may not change the desk's policy; None if they may."""
        return self.backend.refusal()

    def change(self, edit: Callable[[Any], None], actor: str, how: str) -> list[Change]:
        """Apply edit to the settings (a tomlkit document: comments and layout kept), check the result as a whole,
        save it and log it; returns what changed (nothing is saved when nothing did)."""
        import tomlkit  # only a change needs the layout-keeping writer

        refusal = self.refusal()
        if refusal:
            raise RuleRefused(refusal)
        expected = self.signature()
        text = self.backend.read() or ""
        document = tomlkit.parse(text)
        edit(document)
        return self.save(tomlkit.dumps(document), actor, how, expected, text)

    def save(self, new_text: str, actor: str, how: str, expected: Signature | None, old_text: str) -> list[Change]:
        """Save new_text as the settings if it is valid and they are still at `expected`; returns what changed."""
        new = parse(new_text, self.where)
        desk_policy_from_document(new, self.where)
        changes = differences(parse(old_text, self.where), new)
        if not changes:
            return []
        record = {"at": system_clock().isoformat(timespec="seconds"), "by": actor, "how": how,
                  "changes": [c.record() for c in changes]}
        self.backend.replace(new_text, expected, record)
        return changes

    def text(self) -> tuple[str, Signature | None]:
        """The settings as written (for `config edit`) and their signature as read."""
        expected = self.signature()
        return self.backend.read() or "", expected

    def check(self) -> list[str]:
        """Diagnosis lines for `sopdash check` ("error:"/"warning:" for problems)."""
        return self.backend.check()

    def close(self) -> None:
        """Let go of what the settings hold open (a database connection)."""
        self.backend.close()

    def log(self, limit: int = 20) -> list[dict[str, Any]]:
        """The last changes, oldest first: at, by, how, changes ({key, from, to})."""
        return self.backend.log(limit)

    def news(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
        """What a dashboard says when the settings changed: who (from the log) and the first few keys."""
        changes = differences(before, after)
        latest = self.log(1)
        by = f" by {latest[-1].get('by')}" if latest and latest[-1].get("by") else ""
        named = "; ".join(change.line() for change in changes[:NEWS_CHANGES])
        more = f"; and {len(changes) - NEWS_CHANGES} more" if len(changes) > NEWS_CHANGES else ""
        return f"Desk settings changed{by}: {named or 'nothing the dashboard uses'}{more}"


def copy_settings(source: Path | str, destination: Path | str, actor: str) -> list[Change]:
    """Give the destination's desk the source's settings as written (checked and logged like any change, as `store
    copy`); what changed (nothing when the source has none)."""
    origin, target = DeskSettings(source), DeskSettings(destination)
    try:
        text, _ = origin.text()
        if not text.strip():
            return []
        old_text, expected = target.text()
        return target.save(text, actor, f"store copy from {origin.where}", expected, old_text)
    finally:
        origin.close()
        target.close()


def read_desk_settings(location: Path | str) -> DeskDocument | None:
    """The desk's settings beside the store at location, read once; None if the desk has none."""
    settings = DeskSettings(location)
    try:
        return settings.read()
    finally:
        settings.close()


def parse(text: str, where: str) -> dict[str, Any]:
    """TOML text as a document; an InputError naming where and the fix."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{where}: not valid TOML ({error}); fix it with `sopdash config edit`") from None
    except RecursionError:
        raise InputError(f"{where}: nested too deeply to read; fix it with `sopdash config edit`") from None


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every key whose value differs between two desk documents, in dotted form (`sla.high.ack`)."""
    old, new = flatten(before), flatten(after)
    return [Change(key, old.get(key), new.get(key)) for key in sorted(old.keys() | new.keys()) if old.get(key) != new.get(key)]


def flatten(document: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested document as {dotted key: value}; lists are values."""
    flat: dict[str, Any] = {}
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def shown(value: Any) -> str:
    """A setting's value as written in TOML, strings without quotes; `(not set)` for none."""
    if value is None:
        return "(not set)"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_stored(item) or "" for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_stored(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return repr(value)


def _stored(value: Any) -> str | None:
    """A value for the log: strings quoted as in TOML, so `"true"` and `true` stay apart."""
    if value is None:
        return None
    return f'"{value}"' if isinstance(value, str) else shown(value)


def setting_value(text: str) -> Any:
    """A value typed on the command line: a TOML value (`true`, `0.5`, `["08:00-17:00"]`, `"x"`), else the text."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except (tomllib.TOMLDecodeError, RecursionError):
        return text


def settable_key(key: str) -> list[str]:
    """key's parts, if it names a desk setting (`sla.high.ack`, `roster.dana.manager`); else an InputError."""
    parts = key.split(".")
    if not all(parts) or not (parts[0] in DESK_TABLES and len(parts) > 1 or key == "store.archive_after"):
        raise InputError(f"{key!r} is not a desk setting: give a key under {', '.join(SETTABLE)} "
                         "(e.g. sla.high.ack); your own [ui], [keys] and [store] path live in your config file")
    return parts


def set_key(document: Any, parts: list[str], value: Any) -> None:
    """Set a dotted key in a tomlkit document, making the tables on the way."""
    import tomlkit

    table = document
    for part in parts[:-1]:
        if part not in table:
            table[part] = tomlkit.table()
        table = table[part]
        if not isinstance(table, Mapping):
            raise InputError(f"{'.'.join(parts)}: {part} is not a table in the desk's settings")
    table[parts[-1]] = value


def unset_key(document: Any, parts: list[str]) -> None:
    """Remove a dotted key from a tomlkit document, and the tables it leaves empty; an InputError if not set."""
    tables = [document]
    for part in parts[:-1]:
        table = tables[-1].get(part)
        if not isinstance(table, Mapping):
            raise InputError(f"{'.'.join(parts)} is not set in the desk's settings")
        tables.append(table)
    if parts[-1] not in tables[-1]:
        raise InputError(f"{'.'.join(parts)} is not set in the desk's settings")
    del tables[-1][parts[-1]]
    for table, part in zip(reversed(tables[:-1]), reversed(parts[:-1])):
        if not table[part]:
            del table[part]


def migrate(personal_path: Path, personal_text: str, settings: DeskSettings, actor: str) -> tuple[list[str], list[Change]]:
    """Move the desk tables of a personal config into the desk's settings: those the desk lacks are added, those it
    has are kept as the desk has them; the personal file is rewritten without any (the old one kept as `.bak`).

    Returns what it did, a line each, and what changed in the desk's settings.
    """
    import tomlkit

    own = tomlkit.parse(personal_text)
    moving = desk_tables(own)
    if not moving:
        return [f"{personal_path} holds no desk policy; nothing to move"], []
    done: list[str] = []

    def add_missing(document: Any) -> None:
        for name, table in moving.items():
            if name == "store":
                if "archive_after" in (document.get("store") or {}):
                    done.append("kept the desk's store.archive_after; yours was left out")
                else:
                    set_key(document, ["store", "archive_after"], table["archive_after"])
                    done.append("moved store.archive_after")
            elif name in document:
                done.append(f"kept the desk's [{name}]; yours was left out")
            else:
                document[name] = own[name]
                done.append(f"moved [{name}]")

    changes = settings.change(add_missing, actor, f"config migrate from {personal_path}")
    _without_desk_tables(personal_path, personal_text)
    done.append(f"rewrote {personal_path} without them (the old file is {personal_path}.bak)")
    return done, changes


def _without_desk_tables(path: Path, text: str) -> None:
    """Rewrite a personal config without desk tables, comments and layout kept; the old text kept beside it."""
    import tomlkit

    from sopdash.store.storage import write_atomically  # a file's own config: for this rewrite alone

    own = tomlkit.parse(text)
    for name in DESK_TABLES:
        own.pop(name, None)
    store = own.get("store")
    if isinstance(store, Mapping):
        store.pop("archive_after", None)
        if not store:
            own.pop("store")
    backup = path.with_name(path.name + ".bak")
    write_atomically(backup, text.encode("utf-8"), like=path)
    write_atomically(path, tomlkit.dumps(own).encode("utf-8"), like=path)


class SettingsWatch:
    """A running dashboard's eye on the desk's settings: when they change, the desk takes the new policy, roster and
    mail, and `poll` says what changed (or why the new settings cannot be used, keeping the old)."""

    def __init__(self, desk: Desk, settings: Settings) -> None:
        self.desk, self.settings = desk, settings
        self.signature: Signature | None = None
        self.signature = self._signature()

    def poll(self) -> tuple[Settings | None, str] | None:
        """None while nothing changed; else (the settings now in effect, what to tell the technician), with None
        for settings that cannot be used (the message says why)."""
        signature = self._signature()
        if signature == self.signature or self.desk.settings is None:
            return None
        self.signature = signature
        try:
            settings = self.settings.with_desk(self.desk.settings.read())
            news = self.desk.settings.news(self.settings.desk_document, settings.desk_document)
        except SopdashError as error:
            return None, f"The desk's settings changed but cannot be used, so the previous ones stay: {error}"
        self.desk.adopt(settings.policy, settings.roster, settings.mail, settings.templates)
        self.desk.courtesy, self.desk.satisfaction = settings.courtesy, settings.satisfaction
        self.settings = settings
        return settings, news

    def _signature(self) -> Signature | None:
        try:
            return self.desk.settings.signature() if self.desk.settings is not None else None
        except SopdashError:
            return self.signature  # unreadable for a moment: look again next time
