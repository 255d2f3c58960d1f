"""`sopdash check`, `sopdash config` and `sopdash demo`: the store and the settings, diagnosed, shown and seeded."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sopdash.cli.context import command_parent, settings_for, store_path_for
from sopdash.clock import clock_from_env
from sopdash.config import Settings
from sopdash.core.calendar import DEFAULT_HOURS, WEEKDAYS
from sopdash.core.chain import verify
from sopdash.core.errors import InputError, SopdashError, StoreError
from sopdash.core.policy import SlaPolicy
from sopdash.store import Store, resolve_store_path
from sopdash.store.opening import open_store, store_exists
from sopdash.store.paths import STORE_ENV, is_postgres_url
from sopdash.store.ticket_store import TicketStore

EXIT_UNHEALTHY = 2
MAX_DEMO_COUNT = 100_000  # twice the benches' history; each ticket costs about 13 KB of memory while it is written
HOURS_NAMES = {"24x7": "around the clock", "business": "business hours"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `check`, `config` and `demo` to the command line."""
    parent = command_parent()
    check = subparsers.add_parser("check", parents=[parent], help="diagnose the store and the config")
    check.add_argument("--fix", action="store_true", help="remove temp files that interrupted writes left (under the lock)")
    check.set_defaults(handler=check_store)
    config = subparsers.add_parser("config", parents=[parent], help="show the config file and the settings in effect")
    config.set_defaults(handler=show_config)
    demo = subparsers.add_parser("demo", parents=[parent], help="write a realistic demo store (times relative to now)")
    demo.add_argument("--count", type=demo_count, metavar="N",
                      help=f"how many tickets, 1 to {MAX_DEMO_COUNT:,} (default: the demo's own mix)")
    demo.add_argument("--seed", type=int, metavar="S", help="random seed, for the same store every time")
    demo.add_argument("--force", action="store_true", help="replace an existing store")
    demo.set_defaults(handler=write_demo)


def demo_count(text: str) -> int:
    """A whole number from 1 to MAX_DEMO_COUNT."""
    if not (text.isascii() and text.isdigit()) or not text.strip("0"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    if len(text.lstrip("0")) > len(str(MAX_DEMO_COUNT)) or int(text) > MAX_DEMO_COUNT:
        raise argparse.ArgumentTypeError(f"{text} is more than the {MAX_DEMO_COUNT:,} tickets a demo store holds")
    return int(text)


def check_store(args: argparse.Namespace) -> int:
    """Print the diagnosis of the config and the store; exit 2 if either has an error."""
    lines = []
    try:
        settings = settings_for(args)
        lines.append(f"config: {settings.path}" + ("" if settings.exists else " (not found; defaults in effect)"))
        path = store_path_for(args, settings)
    except SopdashError as error:
        lines.append(f"error: {error}")
        path = resolve_store_path(args.db, os.environ, None)
    try:
        store = open_store(path)
        if args.fix:
            lines += store.fix() if isinstance(store, TicketStore) else ["fix: nothing to do for a database"]
        lines += store.check()
        lines += seal_lines(store)
    except StoreError as error:
        lines += [f"store: {path}", f"error: {error}"]
    print("\n".join(lines))
    healthy = not any(line.startswith("error:") for line in lines)
    if healthy:
        print("ok")
    return 0 if healthy else EXIT_UNHEALTHY


def seal_lines(store: Store) -> list[str]:
    """What the timelines' seals say of every ticket (nothing if the tickets cannot be read: the lines above say why)."""
    try:
        tickets = store.history()
    except StoreError:
        return []
    return verify(tickets).lines()


def show_config(args: argparse.Namespace) -> int:
    """Print where the config and the store are and every setting in effect."""
    settings = settings_for(args)
    path = store_path_for(args, settings)
    found = "" if settings.exists else " (not found; every default in effect)"
    store_state = "exists" if store_exists(path) else "does not exist yet"
    sections = [
        ("config", [f"{settings.path}{found}"]),
        ("store", [f"{path} ({store_state}; from {store_source(args, settings)})"]),
        ("calendar", calendar_lines(settings)),
        ("sla", target_lines(settings.policy)),
        ("warning", [warning_rule(settings.policy)]),
        ("pause", [pause_rule(settings.policy)]),
        ("roster", roster_lines(settings)),
        ("alerts", [f"{settings.alerts} (breach alerts; bell {'on' if settings.bell else 'off'})"]),
        ("replies", [", ".join(reply.name for reply in settings.replies) or "none ([replies.NAME] text = \"…\")"]),
        ("mail", mail_lines(settings)),
    ]
    width = max(len(title) for title, _ in sections)
    for title, lines in sections:
        for n, line in enumerate(lines):
            print(f"{(title if n == 0 else '').ljust(width)}  {line}")
    return 0


def mail_lines(settings: Settings) -> list[str]:
    """The desk's address, how mail leaves, and the inbound limits; or that mail is off."""
    mail = settings.mail
    if mail is None:
        return ["off (add a [mail] table to send replies and take clients' mail)"]
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
    table: Mapping[str, Any] = settings.document.get("calendar") or {}
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


def write_demo(args: argparse.Namespace) -> int:
    """Write a demo store where the command line points, refusing to replace one unless --force."""
    from sopdash.demo import write_demo_store

    settings = settings_for(args)
    path = store_path_for(args, settings)
    now = clock_from_env(os.environ)()
    if not args.force and not is_empty_store(path):
        raise InputError(
            f"{path} already exists and is not an empty ticket store; pass --force to replace it or choose another --db"
        )
    if args.force:
        if is_postgres_url(path):
            raise InputError("--force replaces a store file; a database is emptied by its administrator")
        Path(path).unlink(missing_ok=True)
    written = write_demo_store(path, now, settings.policy, count=args.count, seed=args.seed)
    print(f"wrote {written} demo tickets to {path}")
    return 0


def is_empty_store(path: Path | str) -> bool:
    """True if nothing is at path, or a store without tickets."""
    if not store_exists(path):
        return True
    try:
        return not open_store(path).history()
    except StoreError:
        return False
