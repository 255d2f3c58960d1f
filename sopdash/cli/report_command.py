"""`sopdash report`: how the desk met its SLA targets over a period, and the time spent, as text, JSON or CSV files,
printed, written to a folder or sent by the desk's mail."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path

from sopdash.cli.context import settings_for, store_for
from sopdash.cli.options import command_parent
from sopdash.clock import clock_from_env
from sopdash.core.errors import InputError
from sopdash.core.report_ticket import ReportTicket
from sopdash.core.period import NAMED_PERIODS, named_period, period_from_text
from sopdash.report.clients import report_groupings
from sopdash.report.kept_tallies import KeptTallies
from sopdash.report.sla import FORMATS, csv_tables, redact, render, render_text, report_from
from sopdash.report.satisfaction import scores_from, scores_text
from sopdash.report.tally import tally_history

CSV_FILE_MODE = 0o640


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `report` to the command line."""
    report = subparsers.add_parser(
        "report",
        parents=[command_parent()],
        help="SLA and time-spent report for a period",
        description="Tickets created in the period: acknowledged and resolved within target, business time to "
        "acknowledge and resolve (median, 90th percentile) overall and per priority, technician and category, with "
        "the time logged in the period and its billable part; escalations by reason; every breach; clients' satisfaction scores per technician (text). Internal notes "
        "never appear.",
    )
    report.add_argument("--since", metavar="DATE", help="first day (2026-11-01) or instant; default 30 days before --until")
    report.add_argument("--until", metavar="DATE", help="last day, inclusive, or instant; default now")
    report.add_argument("--period", choices=NAMED_PERIODS, help="a whole week (Monday to Sunday) or month instead "
                        "of --since/--until; last-week is the one before this")
    report.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default), json, or csv (the figures as one table; --csv DIR has every table)")
    report.add_argument("--csv", metavar="DIR", type=Path, help="write each table to DIR as a CSV file of its own")
    report.add_argument("--mail-to", metavar="ADDRESS", action="append", default=[],
                        help="send the report by the desk's mail (text in the body, CSV tables attached); repeatable")
    report.add_argument("--redact", action="store_true", help="mask requester names, e-mails and phone numbers")
    report.set_defaults(handler=print_report)


def print_report(args: argparse.Namespace) -> int:
    """Build the report over the tickets the period needs (live file and the archive months from its start on)."""
    if args.period and (args.since or args.until):
        raise InputError("--period: give either --period or --since/--until, not both")
    settings = settings_for(args)
    policy = settings.policy
    now = clock_from_env(os.environ)()
    tz = policy.calendar.tz
    period = named_period(args.period, now, tz) if args.period else period_from_text(args.since, args.until, now, tz)
    if args.mail_to and settings.mail is None:
        from sopdash.desk.delivery import MAIL_OFF_FIX

        raise InputError(f"--mail-to: {MAIL_OFF_FIX}")
    store = store_for(args)
    since, until = period.since, period.until
    # The tally is let go once the report has its figures: its raw durations weigh more than the report.
    groupings = report_groupings(policy)
    counted = tally_history(store.history_slices(since, ReportTicket), lambda: store.history(since), policy, since, until,
                            now, groupings, KeptTallies(policy, since, until, now, groupings))
    report, scores = report_from(counted, since, until, now, tz, groupings), scores_from(counted.scores)
    del counted
    if args.redact:
        report = redact(report)
    if args.csv is not None:
        tables = csv_tables(report)
        write_tables(args.csv, tables)
        print(f"wrote {', '.join(tables)} to {args.csv}")
    if args.mail_to:
        from sopdash.desk.report_mail import send_report

        subject = f"SLA report: {period.label()}{' (redacted)' if report.redacted else ''}"
        sent, line = send_report(settings.mail, args.mail_to, subject, render_text(report), csv_tables(report))
        print(line)
        return 0 if sent else 1
    if args.csv is None:
        print(render(report, args.format), end="")
        if args.format == "text":
            print("\n" + scores_text(scores), end="")
    return 0


def write_tables(folder: Path, tables: dict[str, str]) -> None:
    """Each table to `folder/NAME` (the folder made if missing), replacing a regular file of that name; a link or
    anything but a regular file there is refused, not followed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise InputError(f"--csv: cannot use {folder} as a folder ({error.strerror}); name a folder you can write") from None
    try:
        for name, text in tables.items():
            _write(directory, folder, name, text)
    finally:
        os.close(directory)


def _write(directory: int, folder: Path, name: str, text: str) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(name, flags, CSV_FILE_MODE, dir_fd=directory)
    except OSError as error:
        raise InputError(f"--csv: cannot write {folder / name} ({error.strerror}); is it a link or not yours?") from None
    with os.fdopen(fd, "wb") as out:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"--csv: {folder / name} is not a regular file; remove it or name another folder")
        out.truncate(0)
        out.write(text.encode("utf-8"))
