"""`sopdash check` and `sopdash demo`: the store and the settings diagnosed, and a store seeded."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timezone, tzinfo
from pathlib import Path

from sopdash.cli.context import settings_for, store_path_for
from sopdash.cli.options import command_parent
from sopdash.clock import clock_from_env
from sopdash.config import Settings, load_settings
from sopdash.core.chain import verify
from sopdash.core.errors import InputError, SopdashError, StoreError
from sopdash.desk.deployment_check import deployment_lines
from sopdash.desk.intake_health import check_lines as intake_lines
from sopdash.desk.quarantine import quarantine_lines
from sopdash.desk.settings import DeskSettings
from sopdash.store.contract import Store
from sopdash.store.opening import open_store, store_exists
from sopdash.store.paths import STORE_ENV, is_postgres_url, resolve_store_path

EXIT_UNHEALTHY = 2
SLOW_DEMO_COUNT = 20_000  # from here on writing a demo store takes long enough to say so
MAX_DEMO_COUNT = 200_000  # the history issue 25's figures are taken on; each ticket costs about 20 KB of memory while it is written


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `check` and `demo` to the command line."""
    parent = command_parent()
    check = subparsers.add_parser(
        "check", parents=[parent], help="diagnose the store and the config",
        description="Diagnose the config, the desk's settings, the store (its files and modes, every ticket, the seals "
        "of their timelines), the kept and quarantined mail, and the way mail leaves; each problem is one line naming "
        "its fix. Exit 0 when all is well, 2 when something is wrong. A config that cannot be read stops the check "
        "there: fix it first.",
    )
    check.add_argument("--fix", action="store_true",
                       help="remove temp files of interrupted writes (under the lock) and links or FIFOs planted beside the store; set modes")
    check.set_defaults(handler=check_store)
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
    settings = None
    try:
        settings = settings_for(args)
        lines.append(f"config: {settings.path}" + ("" if settings.exists else " (not found; defaults in effect)"))
        lines += [f"warning: {note.removeprefix('note: ').replace('`', '')}" for note in settings.notes]
        path = store_path_for(args, settings)
    except SopdashError as error:
        lines.append(f"error: {error}")
        path = store_despite_config(args)
        if path is None:  # the config says where the store is: checking another one would mislead
            print("\n".join([*lines, "store: not checked, as the config that names it cannot be read; fix the config, "
                              "then run `sopdash check` again"]))
            return EXIT_UNHEALTHY
    desk_settings = DeskSettings(path)
    try:
        lines += desk_settings.check()
    except SopdashError as error:
        lines.append(f"error: {error}")
    finally:
        desk_settings.close()
    try:
        store = open_store(path)
        if args.fix:
            lines += store.fix()
        lines += store.check() + seal_lines(store) + quarantine_lines(store.kept_files())
        lines += intake_lines(store.kept_files(), clock_from_env(os.environ)(), _zone(settings))
        lines += deployment_lines(store, settings) if settings else []
    except StoreError as error:
        lines += [f"store: {path}", f"error: {error}"]
    print("\n".join(lines))
    healthy = not any(line.startswith("error:") for line in lines)
    if healthy:
        print("ok")
    return 0 if healthy else EXIT_UNHEALTHY


def store_despite_config(args: argparse.Namespace) -> Path | str | None:
    """The store to check when the settings in effect cannot be read: the one --db or $SOPDASH_DB names, else the one
    the technician's own config names if that much of it reads (the desk's settings beside it were the trouble);
    None when it is the technician's config that cannot be read."""
    if args.db or os.environ.get(STORE_ENV):
        return resolve_store_path(args.db, os.environ, None)
    try:
        own = load_settings(args.config, os.environ)
    except SopdashError:
        return None
    return resolve_store_path(None, os.environ, own.store_location)


def _zone(settings: Settings | None) -> tzinfo:
    return settings.policy.calendar.tz if settings is not None else timezone.utc


def seal_lines(store: Store) -> list[str]:
    """What the timelines' seals say of every ticket (nothing if the tickets cannot be read: the lines above say why)."""
    try:
        return verify(store.every_ticket()).lines()
    except StoreError:
        return []


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
    if args.count and args.count >= SLOW_DEMO_COUNT:
        print(f"writing {args.count:,} demo tickets and their search index: about a minute per 50,000", file=sys.stderr,
              flush=True)
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
