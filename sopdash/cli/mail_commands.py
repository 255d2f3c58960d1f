"""`sopdash mail …`: take clients' mail in, deliver the desk's replies, and show what happened to both."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sopdash.cli.context import command_parent, open_desk, settings_for
from sopdash.clock import refuse_what_if
from sopdash.core.delivery import queued_message_ids
from sopdash.core.errors import InputError, SopdashError
from sopdash.core.model import Ticket
from sopdash.core.text import one_line
from sopdash.desk import Desk
from sopdash.mail.compose import mailbox, new_message_id, probe_message
from sopdash.mail.inbox import EX_TEMPFAIL, receive
from sopdash.mail.maildir import Maildir
from sopdash.mail.outbox import SendReport, deliver_queued
from sopdash.mail.settings import MailSettings
from sopdash.mail.transport import DeliveryError, open_transport
from sopdash.store.kept_files import kept_files_for

AFTER_COMMIT_TIMEOUT_S = 10.0
WATCH_INTERVAL_S = 30.0
LOG_LINES = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `mail` and its actions to the command line."""
    parent = command_parent()
    mail = subparsers.add_parser("mail", parents=[parent], help="mail in and out (needs [mail] in the config)")
    actions = mail.add_subparsers(dest="action", required=True, title="actions", metavar="ACTION")

    send = actions.add_parser("send", parents=[parent], help="deliver queued outbound mail, retrying with back-off")
    send.add_argument("--watch", action="store_true", help="keep running, delivering as mail is queued")
    send.add_argument("--interval", type=float, default=WATCH_INTERVAL_S, metavar="S", help=argparse.SUPPRESS)
    send.add_argument("--rounds", type=int, default=0, metavar="N", help=argparse.SUPPRESS)  # bounded --watch (tests)
    send.set_defaults(handler=send_queued)

    receive = actions.add_parser(
        "receive",
        parents=[parent],
        help="handle one RFC 5322 message on standard input (for an MTA pipe)",
        description="Exit codes follow sysexits: 0 handled (also when deliberately dropped), "
        "65 not a mail message (kept in rejected/), 75 store locked or unreachable (the MTA retries).",
    )
    receive.set_defaults(handler=receive_one)

    fetch = actions.add_parser("fetch", parents=[parent], help="handle every message in DIR/new, moving each to DIR/cur")
    fetch.add_argument("--maildir", required=True, type=Path, metavar="DIR")
    fetch.set_defaults(handler=fetch_maildir)

    log = actions.add_parser("log", parents=[parent], help="the last messages handled or dropped, with the reason")
    log.add_argument("--limit", type=int, default=LOG_LINES, metavar="N")
    log.set_defaults(handler=show_log)

    test = actions.add_parser("test", parents=[parent], help="send a test message and say what happened")
    test.add_argument("address", metavar="ADDRESS")
    test.set_defaults(handler=send_test)


def mail_settings(mail: MailSettings | None) -> MailSettings:
    """The [mail] settings; an InputError naming the fix when mail is off."""
    if mail is None:
        raise InputError("mail is off: add a [mail] table (address, smtp_url or sendmail) to the config")
    return mail


def deliver_after_commit(desk: Desk, ticket: Ticket) -> str:
    """A short try at delivering what the action just queued; the words that say how it went (or "")."""
    if desk.mail is None:
        return ""
    ids = queued_message_ids(ticket)
    if not ids:
        latest = next((e.delivery for e in reversed(ticket.timeline) if e.kind == "public"), None)
        return f"; mail not sent: {latest.last_error}" if latest is not None and latest.state == "failed" else ""
    report = deliver_queued(desk.store, desk.mail, desk.action_clock, only=ids, timeout=AFTER_COMMIT_TIMEOUT_S)
    to = one_line(ticket.requester.email)
    if report.sent and not (report.retrying or report.failed):
        return f"; mail sent to {to}"
    if report.failed:
        return f"; mail to {to} failed ({_last_reason(report)})"
    if report.busy:
        return f"; mail to {to} queued"
    return f"; mail to {to} queued, will retry ({_last_reason(report)})"


def _last_reason(report: SendReport) -> str:
    return report.lines[-1].partition(" (")[2].rstrip(")") if report.lines else ""


def send_queued(args: argparse.Namespace) -> int:
    """`mail send [--watch]`: deliver what is due; with --watch, again every interval."""
    refuse_what_if(os.environ)
    desk = open_desk(args)
    settings = mail_settings(desk.mail)
    if not args.watch:
        report = deliver_queued(desk.store, settings, desk.action_clock, wait_for_sender=1.0)
        print("\n".join([*report.lines, report.summary()]))
        return 0
    rounds = 0
    while True:
        try:  # a long-running sender outlives a store that is briefly locked or unreadable
            report = deliver_queued(desk.store, settings, desk.action_clock, wait_for_sender=1.0)
            lines = report.lines
        except SopdashError as error:
            lines = [f"sopdash: {one_line(str(error))}; trying again in {args.interval:g} s"]
        for line in lines:
            print(line, flush=True)
        rounds += 1
        if args.rounds and rounds >= args.rounds:
            return 0
        time.sleep(args.interval)


def receive_one(args: argparse.Namespace) -> int:
    """`mail receive`: one message from stdin; sysexits, never a traceback an MTA would bounce on."""
    raw = sys.stdin.buffer.read()
    try:
        desk = open_desk(args, create=True)
        settings = mail_settings(desk.mail)
        outcome = receive(raw, desk.store, kept_files_for(desk.store), settings, desk.action_clock)
    except SopdashError as error:
        print(f"sopdash: {one_line(str(error))}; try again later", file=sys.stderr)
        return EX_TEMPFAIL
    print(outcome.line(), file=sys.stderr if outcome.exit_code else sys.stdout)
    return outcome.exit_code


def fetch_maildir(args: argparse.Namespace) -> int:
    """`mail fetch --maildir DIR`: each message in DIR/new handled, then moved to DIR/cur (kept there on 75)."""
    desk = open_desk(args, create=True)
    settings = mail_settings(desk.mail)
    maildir = Maildir(args.maildir)
    handled = 0
    for name, raw in maildir.new_messages():
        outcome = receive(raw, desk.store, kept_files_for(desk.store), settings, desk.action_clock)
        if outcome.exit_code == EX_TEMPFAIL:
            print(f"{name}: {outcome.line()}; left in new/", file=sys.stderr)
            return 1
        maildir.mark_seen(name)
        handled += 1
        print(f"{name}: {outcome.line()}")
    print(f"{handled} message(s) handled from {args.maildir}")
    return 0


def show_log(args: argparse.Namespace) -> int:
    """`mail log`: the last messages the gateway handled or dropped, oldest first."""
    desk = open_desk(args)
    records = kept_files_for(desk.store).read_log(max(args.limit, 1))
    if not records:
        print("no mail handled yet")
    for record in records:
        ticket = f"#{record['ticket']}" if record.get("ticket") else "-"
        print(
            f"{str(record.get('at', ''))[:19].replace('T', ' ')}  {record.get('action', ''):<13} {ticket:>6}  "
            f"{one_line(str(record.get('from', ''))) or '-'}  {one_line(str(record.get('subject', '')))[:50]!r}  "
            f"{one_line(str(record.get('reason', '')))}"
        )
    return 0


def send_test(args: argparse.Namespace) -> int:
    """`mail test ADDRESS`: one test message straight through the transport; exit 1 if it was refused."""
    settings = mail_settings(settings_for(args).mail)
    try:
        mailbox("", args.address)
    except ValueError as error:
        raise InputError(str(error)) from None
    message_id = new_message_id(0, settings.domain)
    try:
        with open_transport(settings, AFTER_COMMIT_TIMEOUT_S) as transport:
            transport.send(probe_message(settings, args.address, message_id), args.address)
    except DeliveryError as error:
        later = "a temporary refusal: try again later" if error.temporary else "refused for good"
        print(f"not sent via {settings.where()}: {error.reason} ({later})", file=sys.stderr)
        return 1
    print(f"sent a test message to {args.address} via {settings.where()} (Message-ID {message_id})")
    return 0
