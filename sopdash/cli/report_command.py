"""`sopdash report`: how the desk met its SLA targets over a period, as text, JSON or CSV."""

from __future__ import annotations

import argparse
import gc
import os

from sopdash.cli.context import command_parent, settings_for, store_path_for
from sopdash.clock import clock_from_env
from sopdash.report import FORMATS, build_report, redact, render, resolve_period
from sopdash.store import TicketStore


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
    # A one-shot command whose tickets and figures hold no cycles: the collector could only rescan them, for nothing.
    gc.disable()
    tickets = TicketStore(store_path_for(args, settings)).load()
    policy = settings.policy
    now = clock_from_env(os.environ)()
    since, until = resolve_period(args.since, args.until, now, policy.calendar.tz)
    report = build_report(tickets, policy, since, until, now)
    print(render(redact(report) if args.redact else report, args.format), end="")
    return 0
