"""`sopdash mail …`: take clients' mail in, deliver the desk's replies, and show what happened to both."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sopdash.cli.context import desk_on, open_desk, settings_for, store_path_for
from sopdash.cli.options import command_parent, entries, ticket_id
from sopdash.cli.people_commands import register_preview
from sopdash.clock import clock_from_env, refuse_what_if, system_clock, write_clock
from sopdash.core.errors import InputError, SopdashError
from sopdash.core.text import one_line, pad, truncate
from sopdash.desk.delivery import MAIL_OFF_FIX, send_probe
from sopdash.desk.intake import EX_DATAERR, EX_OK, EX_TEMPFAIL, Intake
from sopdash.desk.intake_health import record_failure, record_success
from sopdash.desk.settings import SettingsWatch

WATCH_INTERVAL_S = 30.0
LOG_LINES = 20
SUBJECT_CELLS = 40
PARTY_CELLS = 24


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `mail` and its actions to the command line."""
    parent = command_parent()
    mail = subparsers.add_parser("mail", parents=[parent], help="mail in and out (needs [mail] in the config)")
    actions = mail.add_subparsers(dest="action", required=True, title="actions", metavar="ACTION")

    send = actions.add_parser("send", parents=[parent], help="deliver queued outbound mail, retrying with back-off")
    send.add_argument("--now", action="store_true", help="also try the mail waiting for a later retry, at once")
    send.add_argument("--watch", action="store_true", help="keep running, delivering as mail is queued")
    send.add_argument("--interval", type=float, default=WATCH_INTERVAL_S, metavar="S", help=argparse.SUPPRESS)
    send.add_argument("--rounds", type=int, default=0, metavar="N", help=argparse.SUPPRESS)  # bounded --watch (tests)
    send.set_defaults(handler=send_queued)

    receive = actions.add_parser(
        "receive",
        parents=[parent],
        help="handle one RFC 5322 message on standard input (for an MTA pipe)",
        description="Exit codes follow sysexits: 0 handled (also when deliberately dropped, and when sopdash failed on "
        "it: kept in quarantine/ and listed by `check`), "
        "65 not a mail message (kept in rejected/), 75 no store at the path (none is created), mail off, SOPDASH_NOW set, "
        "store locked or unreachable (the MTA keeps the message and retries).",
    )
    receive.set_defaults(handler=receive_one)

    fetch = actions.add_parser("fetch", parents=[parent], help="handle every message in DIR/new, moving each to DIR/cur; "
                               "or with --imap, every new message in the [mail.imap] folder")
    where = fetch.add_mutually_exclusive_group(required=True)
    where.add_argument("--maildir", type=Path, metavar="DIR")
    where.add_argument("--imap", action="store_true", help="the IMAP folder set in [mail.imap]")
    fetch.add_argument("--watch", action="store_true", help="with --imap: keep running, taking mail as it arrives")
    fetch.set_defaults(handler=fetch_mail)

    log = actions.add_parser("log", parents=[parent], help="the last messages in and out: what became of each, and why")
    log.add_argument("--limit", type=entries, default=LOG_LINES, metavar="N",
                     help=f"how many of the latest to show (default {LOG_LINES}; 0 shows none)")
    log.set_defaults(handler=show_log)

    login = actions.add_parser("login", parents=[parent], help="sign the desk in to Microsoft 365 or Gmail "
                               "([mail.oauth]): a code to approve in any browser")
    login.add_argument("--check", action="store_true", help="say whether the sign-in holds and until when")
    login.set_defaults(handler=login_mailbox)

    test = actions.add_parser("test", parents=[parent], help="send a test message and say what happened")
    test.add_argument("address", metavar="ADDRESS")
    test.set_defaults(handler=send_test)

    register_preview(actions, parent, ticket_id)


def send_queued(args: argparse.Namespace) -> int:
    """`mail send [--now] [--watch]`: deliver what is due (with --now, all that is queued); with --watch, again
    every interval, following the desk's settings."""
    refuse_what_if(os.environ)
    settings = settings_for(args)
    desk = desk_on(store_path_for(args, settings), settings)
    if not args.watch:
        report = desk.deliver_mail(at_once=args.now, wait_for_sender=1.0)
        print("\n".join([*report.lines, report.summary(desk.policy.calendar.tz)]))
        return 0
    watch = SettingsWatch(desk, settings)
    print(f"sopdash: delivering mail from {desk.location} every {args.interval:g} s, following the desk's "
          "settings", file=sys.stderr, flush=True)
    rounds, waiting = 0, ""
    while True:
        try:  # a long-running sender outlives a store that is briefly locked or unreadable
            lines = _followed(watch.poll())
            report = desk.deliver_mail(at_once=args.now and rounds == 0, wait_for_sender=1.0)
            lines += report.lines
            now_waiting = report.summary(desk.policy.calendar.tz) if report.waiting else ""
            if now_waiting != waiting and (now_waiting or lines):  # what waits, and when it goes, said when it changes
                lines.append(now_waiting or "nothing waiting")
            waiting = now_waiting
        except SopdashError as error:
            lines = [f"sopdash: {one_line(str(error))}; trying again in {args.interval:g} s"]
        for line in lines:
            print(line, flush=True)
        rounds += 1
        if args.rounds and rounds >= args.rounds:
            return 0
        time.sleep(args.interval)


def _followed(change: tuple[object, str] | None) -> list[str]:
    """What `mail send --watch` says when the desk's settings changed."""
    return [] if change is None else [f"sopdash: {one_line(change[1])}"]


def receive_one(args: argparse.Namespace) -> int:
    """`mail receive`: one message from stdin; sysexits, never a traceback an MTA would bounce on."""
    raw = sys.stdin.buffer.read()
    try:
        refuse_what_if(os.environ)  # 75: the MTA keeps the message until SOPDASH_NOW is gone from its environment
        config = settings_for(args)
        if config.mail is None:  # before the store: with mail off nothing is opened, nothing made
            raise InputError(MAIL_OFF_FIX)
        intake = Intake.on(desk_on(store_path_for(args, config), config))
        outcome = intake.receive(raw)
    except SopdashError as error:
        print(f"sopdash: {one_line(str(error))}; try again later", file=sys.stderr)
        return EX_TEMPFAIL
    record_success(intake.kept, "pipe", intake.clock())
    print(outcome.line(), file=sys.stderr if outcome.exit_code else sys.stdout)
    return outcome.exit_code


def fetch_mail(args: argparse.Namespace) -> int:
    """`mail fetch --maildir DIR` or `mail fetch --imap [--watch]`."""
    if args.watch and not args.imap:
        raise InputError("--watch goes with --imap (a Maildir is taken in by `mail fetch --maildir` from cron)")
    return fetch_imap(args) if args.imap else fetch_maildir(args)


def fetch_imap(args: argparse.Namespace) -> int:
    """`mail fetch --imap [--watch]`: each new message in the IMAP folder handled, then moved or flagged; exit 1
    when the server cannot be reached or refuses (the reason also goes to intake's health record)."""
    from sopdash.desk.imap_intake import ImapIntake

    refuse_what_if(os.environ)
    imap = ImapIntake.on(open_desk(args), lambda line: print(line, flush=True))
    if args.watch:
        imap.watch()  # until stopped (systemd, Ctrl-C)
    try:
        handled = imap.fetch_once()
    except SopdashError as error:
        print(f"sopdash: {one_line(str(error))}", file=sys.stderr)
        return 1
    print(f"{handled} message(s) handled from {imap.settings.where()}")
    return 0


def fetch_maildir(args: argparse.Namespace) -> int:
    """`mail fetch --maildir DIR`: each message in DIR/new handled, then moved to DIR/cur; one that cannot be read
    or handled stays in new/ (exit 1) and the next is handled; a locked store (75) ends the run."""
    refuse_what_if(os.environ)
    handled, left = 0, 0
    intake = Intake.on(open_desk(args))
    try:
        for name, outcome in intake.fetch(args.maildir):
            if outcome.exit_code in (EX_OK, EX_DATAERR):
                handled += 1
                print(f"{name}: {outcome.line()}")
                continue
            left += 1
            print(f"{name}: {outcome.line()}; left in new/", file=sys.stderr)
            if outcome.exit_code == EX_TEMPFAIL:
                record_failure(intake.kept, "maildir", intake.clock(), outcome.reason)
                return 1
    except InputError as error:  # not a Maildir, or not readable
        record_failure(intake.kept, "maildir", intake.clock(), str(error))
        raise
    record_success(intake.kept, "maildir", intake.clock())
    print(f"{handled} message(s) handled from {args.maildir}" + (f", {left} left in new/" if left else ""))
    return 1 if left else 0


def show_log(args: argparse.Namespace) -> int:
    """`mail log`: the last messages in (handled or dropped) and out (with where each stands), oldest first."""
    desk = open_desk(args)
    lines = desk.mail_log(args.limit)
    if not lines and args.limit:
        print("no mail in or out yet")
    zone = desk.policy.calendar.tz
    for line in lines:
        at = f"{line.at.astimezone(zone):%Y-%m-%d %H:%M}" if line.at is not None else "?"
        ticket = f"#{line.ticket}" if line.ticket else "-"
        subject = pad(truncate(one_line(line.subject), SUBJECT_CELLS), SUBJECT_CELLS)
        party = pad(truncate(one_line(line.party) or "-", PARTY_CELLS), PARTY_CELLS)
        print(f"{at}  {line.direction:<3} {one_line(line.state):<17} {ticket:>6}  {party}  {subject}  "
              f"{one_line(line.reason)}".rstrip())
    return 0


def send_test(args: argparse.Namespace) -> int:
    """`mail test ADDRESS`: one test message straight through the transport; exit 1 if it was refused."""
    sent, line = send_probe(settings_for(args).mail, args.address, write_clock(os.environ)())
    print(line, file=sys.stdout if sent else sys.stderr)
    return 0 if sent else 1


def login_mailbox(args: argparse.Namespace) -> int:
    """`mail login`: the device-code flow (works over SSH); `--check`: whether the sign-in holds (exit 1 if not)."""
    from sopdash.desk.mail_login import desk_sign_in, sign_in_health  # the sign-in's flows: for this command alone

    mail = settings_for(args).mail
    if args.check:
        health = sign_in_health(mail, clock_from_env(os.environ)())
        if health is None:
            print("the desk signs in to its mailbox with no OAuth2 ([mail.oauth] is not set)")
            return 0
        print(f"{'' if health.state == 'ok' else health.state + ': '}{one_line(health.line)}")
        return 1 if health.state == "alarm" else 0

    def show(code: str, url: str, message: str) -> None:
        print("\n".join(one_line(line) for line in message.splitlines()), flush=True)
        if code:
            print("waiting for the approval…", file=sys.stderr, flush=True)

    def ask(prompt: str) -> str:
        print(prompt, end="", file=sys.stderr, flush=True)
        return sys.stdin.readline()

    signed_in = desk_sign_in(mail, system_clock, show, ask)
    who = f" as {one_line(signed_in.account)}" if signed_in.account else ""
    print(f"signed in to {mail.oauth.name}{who}; tokens saved in {signed_in.token_file} (mode 0600, this user's "
          f"alone); the access token holds until {signed_in.expires_at:%Y-%m-%d %H:%M %Z} and is renewed automatically")
    return 0
