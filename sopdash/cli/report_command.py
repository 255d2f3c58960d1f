"""`sopdash report`: how the desk met its SLA targets over a period, as text, JSON or CSV."""

from __future__ import annotations

import argparse
import os
from datetime import datetime

from sopdash.cli.context import command_parent, settings_for, store_path_for
from sopdash.clock import clock_from_env
from sopdash.core.policy import SlaPolicy
from sopdash.parallel import map_forked
from sopdash.report import FORMATS, redact, render, report_from, resolve_period
from sopdash.report_tally import Tally, merged, tally
from sopdash.store import TicketStore
from sopdash.store.parts import StorePart
from sopdash.store.ticket_store import gc_paused


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `report` to the command line."""
    report = subparsers.add_parser(
        "report",
        parents=[command_parent()],
        help="SLA report for a period",
        description="Tickets created in the period: acknowledged and resolved within target, business time to "
        "acknowledge and resolve (median, 90th percentile) overall and per priority, technician and category; "
        "escalations by reason; every breach. Internal notes never appear.",
    )
    report.add_argument("--since", metavar="DATE", help="first day (2026-11-01) or instant; default 30 days before --until")
    report.add_argument("--until", metavar="DATE", help="last day, inclusive, or instant; default now")
    report.add_argument("--format", choices=FORMATS, default="text", help="text (default), json or csv")
    report.add_argument("--redact", action="store_true", help="mask requester names, e-mails and phone numbers")
    report.set_defaults(handler=print_report)


def print_report(args: argparse.Namespace) -> int:
    """Build the report over the store and print it in the chosen format."""
    settings = settings_for(args)
    store = TicketStore(store_path_for(args, settings))
    policy = settings.policy
    now = clock_from_env(os.environ)()
    since, until = resolve_period(args.since, args.until, now, policy.calendar.tz)
    with gc_paused():  # tickets and figures hold no cycles: the collector could only rescan them, for nothing
        report = report_from(store_tally(store, policy, since, until, now), since, until, now, policy.calendar.tz)
        print(render(redact(report) if args.redact else report, args.format), end="")
    return 0


def store_tally(store: TicketStore, policy: SlaPolicy, since: datetime, until: datetime, now: datetime) -> Tally:
    """The tally of every ticket in the store, its parts counted at once, one per processor."""

    def tally_part(part: StorePart) -> Tally | None:
        tickets = part.load()
        return None if tickets is None else tally(tickets, policy, since, until, now)

    tallies = map_forked(tally_part, store.parts(processors()), Tally | None)  # type: ignore[arg-type]
    if any(part is None for part in tallies):
        return tally(store.load(), policy, since, until, now)  # the careful read, which says what is wrong
    return merged(tallies)


def processors() -> int:
    """How many processors this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
