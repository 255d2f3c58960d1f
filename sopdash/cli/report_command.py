"""`sopdash report`: how the desk met its SLA targets over a period, as text, JSON or CSV."""

from __future__ import annotations

import argparse
import os

from sopdash.cli.context import settings_for, store_for
from sopdash.cli.options import command_parent
from sopdash.clock import clock_from_env
from sopdash.core.period import resolve_period
from sopdash.report.sla import FORMATS, redact, render, report_from
from sopdash.report.satisfaction import scores_by_technician, scores_text
from sopdash.report.tally import tally_history


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `report` to the command line."""
    report = subparsers.add_parser(
        "report",
        parents=[command_parent()],
        help="SLA report for a period",
        description="Tickets created in the period: acknowledged and resolved within target, business time to "
        "acknowledge and resolve (median, 90th percentile) overall and per priority, technician and category; "
        "escalations by reason; every breach; clients' satisfaction scores per technician (text). Internal notes never appear.",
    )
    report.add_argument("--since", metavar="DATE", help="first day (2026-11-01) or instant; default 30 days before --until")
    report.add_argument("--until", metavar="DATE", help="last day, inclusive, or instant; default now")
    report.add_argument("--format", choices=FORMATS, default="text", help="text (default), json or csv")
    report.add_argument("--redact", action="store_true", help="mask requester names, e-mails and phone numbers")
    report.set_defaults(handler=print_report)


def print_report(args: argparse.Namespace) -> int:
    """Build the report over the tickets the period needs (live file and the archive months from its start on)."""
    store = store_for(args)
    policy = settings_for(args).policy
    now = clock_from_env(os.environ)()
    since, until = resolve_period(args.since, args.until, now, policy.calendar.tz)
    counted = tally_history(store.history_slices(since), lambda: store.history(since), policy, since, until, now)
    report = report_from(counted, since, until, now, policy.calendar.tz)
    print(render(redact(report) if args.redact else report, args.format), end="")
    if args.format == "text":
        print("\n" + scores_text(scores_by_technician(store.history(since), since, until)), end="")
    return 0
