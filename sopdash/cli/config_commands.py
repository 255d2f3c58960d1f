"""`sopdash config`: the settings in effect and where each came from; `config set/unset/edit/migrate/log`: the desk's
policy changed (validated, audited, refused to whoever may not change it) and its history shown."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sopdash.cli.config_clients import client_sections
from sopdash.cli.context import STORE_ENV, settings_for, store_exists, store_on, store_path_for
from sopdash.cli.options import command_parent, entries
from sopdash.config import Settings, read_config
from sopdash.core.calendar import DEFAULT_HOURS, WEEKDAYS
from sopdash.core.errors import InputError, RuleRefused, SopdashError
from sopdash.core.policy import SlaPolicy
from sopdash.core.text import one_line
from sopdash.desk.identity import current_login
from sopdash.desk.settings import (
    Change,
    DeskSettings,
    flatten,
    migrate,
    set_key,
    settable_key,
    setting_value,
    shown,
    unset_key,
)

HOURS_NAMES = {"24x7": "around the clock", "business": "business hours"}
LOG_LINES = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `config` and its actions to the command line."""
    parent = command_parent()
    config = subparsers.add_parser(
        "config", parents=[parent], help="show the settings in effect and where each came from; change the desk's",
        description="Without an action: the settings in effect and where each came from (your own config file, the "
        "desk's settings beside the store, or the defaults). The actions change the desk's settings, which every "
        "technician on the store shares, each change checked and logged.",
    )
    config.set_defaults(handler=show_config)
    actions = config.add_subparsers(dest="action", title="actions", metavar="ACTION")
    set_ = actions.add_parser(
        "set", parents=[parent], help="change desk settings, checked and saved together (e.g. sla.high.ack 30m)"
    )
    set_.add_argument("pairs", nargs="+", metavar="KEY VALUE",
                      help='each a key and a TOML value (true, 0.5, ["08:00-17:00"]) or plain text')
    set_.set_defaults(handler=set_setting)
    unset = actions.add_parser("unset", parents=[parent], help="remove one desk setting (its default applies)")
    unset.add_argument("key", metavar="KEY")
    unset.set_defaults(handler=unset_setting)
    edit = actions.add_parser("edit", parents=[parent], help="edit the desk's settings in $EDITOR, checked before saving")
    edit.set_defaults(handler=edit_settings)
    migrate_ = actions.add_parser(
        "migrate", parents=[parent], help="move the desk tables of your own config into the desk's settings"
    )
    migrate_.set_defaults(handler=migrate_settings)
    log = actions.add_parser("log", parents=[parent], help="who changed the desk's settings, when, and what")
    log.add_argument("--limit", type=entries, default=LOG_LINES, metavar="N",
                     help=f"how many of the latest to show (default {LOG_LINES}; 0 shows none)")
    log.set_defaults(handler=show_log)


def desk_settings(args: argparse.Namespace) -> DeskSettings:
    """The desk's settings beside the store in effect (which must exist and be a store: the settings belong to a
    desk, and nothing is written beside a file that is none)."""
    settings = settings_for(args)
    location = store_path_for(args, settings)
    if not store_exists(location):
        raise InputError(f"no ticket store at {location}, so no desk to set; create it with `sopdash init --db {location}`")
    store = store_on(location, settings)
    if store.shared_file() is not None:
        store.next_id()  # a StoreError if the file is no store
    return DeskSettings(location)


def set_setting(args: argparse.Namespace) -> int:
    """`config set KEY VALUE [KEY VALUE…]`: desk settings changed together, the whole checked, the change logged."""
    if len(args.pairs) % 2:
        raise InputError(f"give each key a value: {args.pairs[-1]} has none")
    pairs = [(settable_key(key), setting_value(value)) for key, value in zip(args.pairs[::2], args.pairs[1::2])]

    def set_all(document: object) -> None:
        for parts, value in pairs:
            set_key(document, parts, value)

    settings = desk_settings(args)
    changes = settings.change(set_all, current_login(), f"config set {' '.join(args.pairs[::2])}")
    return said(changes, settings)


def unset_setting(args: argparse.Namespace) -> int:
    """`config unset KEY`: one desk setting removed, so its default applies."""
    parts = settable_key(args.key)
    settings = desk_settings(args)
    changes = settings.change(lambda document: unset_key(document, parts), current_login(), f"config unset {args.key}")
    return said(changes, settings)


def edit_settings(args: argparse.Namespace) -> int:
    """`config edit`: the desk's settings in $VISUAL/$EDITOR on a private copy; saved only if valid."""
    settings = desk_settings(args)
    refusal = settings.refusal()
    if refusal:
        raise RuleRefused(refusal)
    text, expected = settings.text()
    fd, name = tempfile.mkstemp(prefix="sopdash-settings-", suffix=".toml")  # 0600, in the technician's temp dir
    with os.fdopen(fd, "w", encoding="utf-8") as copy:
        copy.write(text)
    try:
        editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
        subprocess.run([*editor, name], check=True)
        edited = Path(name).read_text(encoding="utf-8")
    except (OSError, ValueError, subprocess.CalledProcessError) as error:
        raise InputError(f"the editor did not finish ({one_line(str(error))}); nothing was saved (your copy: {name})") from None
    try:
        changes = settings.save(edited, current_login(), "config edit", expected, text)
    except SopdashError as error:
        raise InputError(f"{error} — nothing was saved; your edited copy is {name}") from None
    os.unlink(name)
    return said(changes, settings)


def migrate_settings(args: argparse.Namespace) -> int:
    """`config migrate`: the desk tables of the technician's own config moved into the desk's settings."""
    own = settings_for(args)
    if not own.exists:
        raise InputError(f"no config file at {own.path}; nothing to move")
    settings = desk_settings(args)
    read_config(own.path)  # readable, valid TOML, or a message naming the file
    text = own.path.read_text(encoding="utf-8")
    done, changes = migrate(own.path, text, settings, current_login())
    for line in done:
        print(line)
    return said(changes, settings)


def said(changes: list[Change], settings: DeskSettings) -> int:
    """Print what changed in the desk's settings."""
    if not changes:
        print(f"nothing changed in {settings.where}")
        return 0
    for change in changes:
        print(f"{change.line()}")
    print(f"saved in {settings.where}; logged as yours (`sopdash config log`); running dashboards pick it up")
    return 0


def show_log(args: argparse.Namespace) -> int:
    """`config log`: the last changes of the desk's settings, oldest first."""
    records = desk_settings(args).log(args.limit) if args.limit else []
    if not records and args.limit:
        print("no change of the desk's settings logged yet")
    for record in records:
        changes = record.get("changes") if isinstance(record.get("changes"), list) else []
        what = "; ".join(
            f"{c.get('key')} {c.get('from') or '(not set)'} → {c.get('to') or '(not set)'}"
            for c in changes if isinstance(c, Mapping)
        )
        print(one_line(f"{str(record.get('at', ''))[:19].replace('T', ' ')}  {record.get('by', '')}  "
                       f"{record.get('how', '')}: {what}"))
    return 0


def show_config(args: argparse.Namespace) -> int:
    """Print where the config, the desk's settings and the store are, every setting in effect, and where each
    setting that is not a default came from."""
    settings = settings_for(args)
    path = store_path_for(args, settings)
    found = "" if settings.exists else " (not found; every default in effect)"
    store_state = "exists" if store_exists(path) else "does not exist yet"
    desk = f"{settings.desk.where}" if settings.desk else f"none yet ({DeskSettings(path).where}; `sopdash config migrate`)"
    sections = [
        ("config", [f"{settings.path}{found}"]),
        ("desk", [desk]),
        ("store", [f"{path} ({store_state}; from {store_source(args, settings)})"]),
        ("calendar", calendar_lines(settings)),
        ("sla", target_lines(settings.policy)),
        ("warning", [warning_rule(settings.policy)]),
        ("pause", [pause_rule(settings.policy)]),
        *client_sections(settings.policy, hours_minutes),
        ("roster", roster_lines(settings)),
        ("alerts", [f"{settings.alerts} (breach alerts; bell {'on' if settings.bell else 'off'})"]),
        ("replies", [", ".join(reply.name for reply in settings.replies) or "none ([replies.NAME] text = \"…\")"]),
        ("views", [", ".join(view.title for view in settings.views) or "none ([views.NAME] query = \"p:high a:me\")"]),
        ("mail", mail_lines(settings)),
        ("set", origin_lines(settings)),
        *([("note", [note.removeprefix("note: ") for note in settings.notes])] if settings.notes else []),
    ]
    width = max(len(title) for title, _ in sections)
    for title, lines in sections:
        for n, line in enumerate(lines):
            print(f"{(title if n == 0 else '').ljust(width)}  {line}")
    return 0


def origin_lines(settings: Settings) -> list[str]:
    """Every setting given explicitly, with where it came from; anything not listed is a default."""
    source = "the desk's settings" if settings.desk is not None else "your config: the desk's policy, see the note"
    lines = [f"{key} = {shown(value)}  ({source})" for key, value in flatten(settings.desk_document).items()]
    personal = {name: settings.document[name] for name in ("ui", "keys") if isinstance(settings.document.get(name), Mapping)}
    store = settings.document.get("store")
    if isinstance(store, Mapping):
        personal["store"] = {key: value for key, value in store.items() if key in ("path", "url")}
    lines += [f"{key} = {shown(value)}  (your config)" for key, value in flatten(personal).items()]
    return [*lines, "anything else: the default"] if lines else ["nothing: every setting is the default"]


def mail_lines(settings: Settings) -> list[str]:
    """The desk's address, how mail leaves, and the inbound limits; or that mail is off."""
    mail = settings.mail
    if mail is None:
        return ["off (add a [mail] table to the desk's settings to send replies and take clients' mail)"]
    sender = f"{mail.name} <{mail.address}>" if mail.name else mail.address
    login = f" as {mail.username} (password from {mail.password_file})" if mail.username else ""
    tls = " with STARTTLS" if mail.smtp_url.startswith("smtp://") and mail.starttls else ""
    return [
        f"from {sender}, subject tag {mail.subject_tag}",
        f"sent via {mail.where()}{tls}{login}",
        f"inbound: {mail.max_message_mb:g} MB a message, {mail.max_new_tickets_per_sender_hour} new tickets a sender an hour",
    ]


def store_source(args: argparse.Namespace, settings: Settings) -> str:
    """Which of the four places chose the store path."""
    if args.db:
        return "--db"
    if os.environ.get(STORE_ENV):
        return f"${STORE_ENV}"
    if settings.store_url:
        return "store.url in the config"
    if settings.store_path:
        return "store.path in the config"
    return "the default location"


def calendar_lines(settings: Settings) -> list[str]:
    """Zone, open hours by weekday, explicit holidays and the public-holiday country."""
    table: Mapping[str, Any] = settings.desk_document.get("calendar") or {}
    tz = settings.policy.calendar.tz
    zone = getattr(tz, "key", None) or str(tz)
    if settings.policy.calendar.is_24x7:
        return [f"zone {zone} (the machine's zone)", "open around the clock"]
    local = " (the machine's zone)" if table.get("timezone", "local") == "local" else ""
    lines = [f"zone {zone}{local}", *hours_lines(table.get("hours", DEFAULT_HOURS))]
    holidays = sorted(str(day) for day in table.get("holidays", []))
    if holidays:
        lines.append(f"holidays {', '.join(holidays)}")
    if table.get("country"):
        lines.append(f"public holidays of {str(table['country']).upper()}")
    return lines


def hours_lines(hours: Mapping[str, list[str]]) -> list[str]:
    """Open hours, consecutive weekdays with the same hours on one line (`mon-fri 08:00-17:00`)."""
    groups: list[tuple[list[str], str]] = []
    for day in WEEKDAYS:
        ranges = ", ".join(hours.get(day, [])) or "closed"
        if groups and groups[-1][1] == ranges:
            groups[-1][0].append(day)
        else:
            groups.append(([day], ranges))
    return [f"{days[0]}-{days[-1] if len(days) > 1 else ''}".rstrip("-") + f" {ranges}" for days, ranges in groups]


def target_lines(policy: SlaPolicy) -> list[str]:
    """The targets per priority as a small table."""
    rows = [("priority", "acknowledge", "resolve", "hours")] + [
        (priority, hours_minutes(t.ack_s), hours_minutes(t.resolve_s), HOURS_NAMES[t.hours])
        for priority, t in policy.targets.items()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[3]]) for row in rows]


def hours_minutes(seconds: int) -> str:
    """A target length as hours and minutes (`30m`, `4h`, `1h30m`)."""
    hours, minutes = divmod(round(seconds / 60), 60)
    if hours and minutes:
        return f"{hours}h{minutes}m"
    return f"{hours}h" if hours else f"{minutes}m"


def warning_rule(policy: SlaPolicy) -> str:
    """When a running clock turns to warning."""
    if policy.warn_before_s is not None:
        return f"{hours_minutes(policy.warn_before_s)} before the deadline"
    return f"when {policy.warn_at:.0%} of the target is used"


def pause_rule(policy: SlaPolicy) -> str:
    """Whether waiting on the client stops the resolution clock."""
    if policy.pause_when_waiting:
        return "the resolution clock pauses while waiting on the client and while resolved"
    return "the resolution clock pauses only while resolved"


def roster_lines(settings: Settings) -> list[str]:
    """Each technician's tier and manager mark."""
    members = settings.roster.members.values()
    if not members:
        return ["empty: everyone is a tier-1 technician and nobody is a manager"]
    return [
        f"{m.login}  tier {m.tier}" + ("  manager" if m.manager else "") + (f"  ({m.name})" if m.name else "")
        for m in sorted(members, key=lambda m: m.login)
    ]


