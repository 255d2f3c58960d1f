"""`sopdash import spiceworks FILE.json`: bring a Spiceworks Help Desk export into the store (README: "Importing from Spiceworks")."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sopdash.cli.context import settings_for, store_on, store_path_for
from sopdash.cli.import_organisations import organisation_lines
from sopdash.cli.options import command_parent
from sopdash.clock import clock_from_env, refuse_what_if, system_clock
from sopdash.importers.spiceworks import ImportPlan, import_file, plan_import
from sopdash.store.opening import store_exists

MAX_LISTED = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `import` and its sources to the command line."""
    parent = command_parent()
    importer = subparsers.add_parser("import", parents=[parent], help="import tickets from another help desk")
    sources = importer.add_subparsers(dest="source", required=True, title="sources", metavar="SOURCE")
    spiceworks = sources.add_parser(
        "spiceworks",
        parents=[parent],
        help="a Spiceworks Help Desk JSON export (cloud or on-prem)",
        description="Import a Spiceworks Help Desk JSON export. Importing the same export again changes nothing; "
        "a newer export updates the tickets it holds. A malformed file changes nothing.",
    )
    spiceworks.add_argument("file", type=Path, metavar="FILE.json", help="the exported JSON file")
    spiceworks.add_argument("--dry-run", action="store_true", help="print what the import would do; write nothing")
    spiceworks.add_argument("--organisations", action="store_true",
                            help="add the export's organisations to the desk's settings (those it lacks)")
    spiceworks.set_defaults(handler=import_spiceworks)


def import_spiceworks(args: argparse.Namespace) -> int:
    """Import (or with --dry-run, plan) the export and print the summary."""
    settings = settings_for(args)
    path = store_path_for(args, settings)
    if args.dry_run:
        now = clock_from_env(os.environ)()
        existing = store_on(path, settings).history() if store_exists(path) else []
        plan = plan_import(args.file, existing, now)
        print(f"dry run: nothing written to {path}; importing {args.file} would give")
        lines = plan.summary_lines(MAX_LISTED) + _updates(plan) + organisation_lines(args, args.file, write=False)
    else:
        refuse_what_if(os.environ)
        now = system_clock()
        told = organisation_lines(args, args.file)
        settings = settings_for(args) if args.organisations else settings  # with the organisations just added
        plan = import_file(args.file, store_on(path, settings), now, settings.policy)
        print(f"imported {args.file} into {path}")
        lines = plan.summary_lines(MAX_LISTED) + told
    print("\n".join(lines))
    return 0


def _updates(plan: ImportPlan) -> list[str]:
    """The tickets a dry run would change, so nobody is surprised by an update."""
    if not plan.updated:
        return []
    listed = ", ".join(f"#{t.id} (Spiceworks {t.source.external_id})" for t in plan.updated[:MAX_LISTED])
    more = f" and {len(plan.updated) - MAX_LISTED} more" if len(plan.updated) > MAX_LISTED else ""
    return [f"would update: {listed}{more}"]
