"""`sopdash report`: how the desk met its SLA targets over a period, as text, JSON or CSV."""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from functools import partial
from itertools import pairwise
from typing import NamedTuple

import msgspec

from sopdash.cli.context import command_parent, settings_for, store_path_for
from sopdash.clock import clock_from_env
from sopdash.core.policy import SlaPolicy
from sopdash.parallel import map_forked
from sopdash.core.period import resolve_period
from sopdash.report import FORMATS, BreachRow, redact, render, report_from, text_breach_rows
from sopdash.report_tally import Tally, merged, tally
from sopdash.store import Store
from sopdash.store.opening import open_store
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
    store = open_store(store_path_for(args, settings))
    policy = settings.policy
    now = clock_from_env(os.environ)()
    since, until = resolve_period(args.since, args.until, now, policy.calendar.tz)
    # A text report's breach rows are built where the breaches are made, in parallel; redaction changes them.
    rows_too = args.format == "text" and not args.redact
    with gc_paused():  # tickets and figures hold no cycles: the collector could only rescan them, for nothing
        counted, rows = count_store(store, Counting(policy, since, until, now, rows_too))
        report = report_from(counted, since, until, now, policy.calendar.tz)
        print(render(redact(report) if args.redact else report, args.format, rows), end="")
    return 0


class Counting(NamedTuple):
    """What to count: tickets created in [since, until), clocks read at `now`; and whether to build breach rows."""

    policy: SlaPolicy
    since: datetime
    until: datetime
    now: datetime
    rows: bool


class CountedPart(msgspec.Struct, gc=False):
    """A part of the store counted, with its text breach rows if asked for."""

    tally: Tally
    rows: list[BreachRow] = []


def count_store(store: Store, counting: Counting) -> tuple[Tally, list[BreachRow] | None]:
    """The tally of every ticket in the store, its parts counted at once, one per processor; and the breach
    rows in the tally's order, if asked for and the parts came in ticket order."""
    counted = map_forked(partial(count_part, counting=counting), store.parts(processors()), CountedPart | None)
    parts = [part for part in counted if part is not None]
    if len(parts) < len(counted):  # the careful read, which says what is wrong
        return tally(store.load(), counting.policy, counting.since, counting.until, counting.now), None
    breaches = [breach for part in parts for breach in part.tally.breaches]
    in_order = all(a.ticket_id <= b.ticket_id for a, b in pairwise(breaches))
    rows = [row for part in parts for row in part.rows] if counting.rows and in_order else None
    return merged([part.tally for part in parts]), rows


def count_part(part: StorePart, counting: Counting) -> CountedPart | None:
    """One part's tally (None if it does not decode), with its breach rows if asked for."""
    tickets = part.load()
    if tickets is None:
        return None
    counted = tally(tickets, counting.policy, counting.since, counting.until, counting.now)
    rows = text_breach_rows(counted.breaches, counting.policy.calendar.tz) if counting.rows else []
    return CountedPart(counted, rows)


def processors() -> int:
    """How many processors this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
