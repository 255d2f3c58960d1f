"""`sopdash ticket …`: create, list, show and work tickets by the SOP, one action per command."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from sopdash.cli import link_commands
from sopdash.cli.context import open_desk, warn
from sopdash.cli.history_list import print_history
from sopdash.cli.options import command_parent, ticket_id
from sopdash.cli.people_commands import register_cc
from sopdash.cli.prefixes import by_prefix
from sopdash.cli.render import queue_table, ticket_document, ticket_text
from sopdash.cli.standard_input import StandardInput
from sopdash.core.addresses import checked_address
from sopdash.core.clock_explain import explain_clocks, explanation_lines
from sopdash.core.edit import EDITABLE, current_values
from sopdash.core import rules
from sopdash.core.errors import InputError
from sopdash.core.limits import MAX_BODY, MAX_CATEGORY, MAX_NAME, MAX_SUBJECT
from sopdash.core.model import ESCALATION_REASONS, PRIORITIES, Requester, Ticket
from sopdash.core.queue import OPEN_ONLY, Query, most_urgent_first
from sopdash.core.courtesy import Discourteous
from sopdash.core.sensitive import SensitiveText
from sopdash.core.time_spent import EXAMPLES, MAX_NOTE, parse_spent, spent_text, time_totals
from sopdash.core.documents import json_text
from sopdash.desk.linking import linked as links_of, shown


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `ticket` and its actions to the command line."""
    parent = command_parent()
    long_text = StandardInput().text_up_to  # `-` reads the text from standard input, out of sight of `ps`
    ticket = subparsers.add_parser("ticket", parents=[parent], help="create, list, show and work tickets")
    actions = ticket.add_subparsers(dest="action", required=True, title="actions", metavar="ACTION")

    def action(name: str, handler, help: str, with_id: bool = True) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, parents=[parent], help=help, description=help)
        if with_id:
            parser.add_argument("id", type=ticket_id, metavar="ID", help="ticket id (12 or #12)")
        parser.set_defaults(handler=handler)
        return parser

    new = action("new", new_ticket, "create a ticket and print its id", with_id=False)
    new.add_argument("--subject", type=text_up_to(MAX_SUBJECT), required=True, help="one-line summary of the problem")
    new.add_argument("--requester", type=text_up_to(MAX_NAME), required=True, metavar="EMAIL", help="the client's email address")
    new.add_argument("--name", type=text_up_to(MAX_NAME), default="", help="the client's name")
    new.add_argument("--phone", type=text_up_to(MAX_NAME), default="", help="the client's phone number")
    new.add_argument("--body", type=long_text(MAX_BODY), default="", help="the full description (- reads it from stdin)")
    new.add_argument("--priority", type=by_prefix(PRIORITIES), choices=PRIORITIES, help="leave out to create it untriaged (medium)")
    new.add_argument("--category", type=text_up_to(MAX_CATEGORY), default="", help="e.g. Hardware, Network")

    listing = action("list", list_tickets, "list open tickets, most urgent first", with_id=False)
    listing.add_argument("--all", action="store_true",
                         help="every ticket ever, newest first, a page at a time (with --json: in full, in the queue's order)")
    listing.add_argument("--json", action="store_true", help="print a JSON array of ticket documents")

    find = action("search", search_tickets, "find tickets, archived ones too, by what they say, newest first",
                  with_id=False)
    find.add_argument("words", nargs="+", metavar="WORDS",
                      help='words to find (case, accents and word forms folded), "a phrase" in quotes, and filters '
                      "like p:high a:me")
    find.add_argument("--since", metavar="DATE", help="only tickets changed on or after this day (2026-11-01) or instant")
    find.add_argument("--status", help="only tickets in these states, e.g. closed or new,open (the filter's s:)")
    find.add_argument("--limit", type=int, default=20, help="how many to show (default 20)")
    find.add_argument("--before", type=ticket_id, metavar="ID", help="the next page: tickets older than this one")
    find.add_argument("--json", action="store_true", help="print a JSON array of the hits")

    show = action("show", show_ticket, "show one ticket with its clocks and timeline")
    shown_as = show.add_mutually_exclusive_group()
    shown_as.add_argument("--json", action="store_true", help="print the ticket document as JSON")
    shown_as.add_argument(
        "--clock", action="store_true", help="explain the clocks: every interval that counted and every one that did not"
    )

    ack = action("ack", acknowledge, "acknowledge: send the client a receipt (stops the acknowledgement clock)")
    ack.add_argument("--message", "-m", type=long_text(MAX_BODY),
                     help="the reply to send (default: the courteous receipt template; - reads it from stdin)")
    allow_sensitive_option(ack)

    action("assign", assign, "assign to a technician").add_argument(
        "login", help="the technician's login (one in the roster, if there is one), or `me`"
    )
    action("priority", set_priority, "set the priority (picks the SLA targets)").add_argument(
        "priority", type=by_prefix(PRIORITIES), choices=PRIORITIES
    )

    note = action("note", add_note, "add an internal note (or, with --public, reply to the client)")
    note.add_argument("text", type=long_text(MAX_BODY), metavar="TEXT",
                      help="the note, never shown to the client (with --public, the reply); - reads it from standard input")
    note.add_argument("--public", action="store_true", help="send it to the client as a public reply (as `ticket reply`)")
    allow_sensitive_option(note)
    force_option(note)

    reply = action("reply", reply_to_client, "reply to the client: a public message, mailed when mail is on (SOP 5A checked)")
    reply.add_argument("text", type=long_text(MAX_BODY), metavar="TEXT", help="the reply to the client, or - to read it from standard input")
    allow_sensitive_option(reply)
    force_option(reply)
    spent = action("time", log_time, "log time spent on the ticket (who and when are recorded)")
    spent.add_argument("duration", metavar="DURATION", help=f"how long: {EXAMPLES}")
    spent.add_argument("note", nargs="?", type=text_up_to(MAX_NOTE), default="", help="what the time went on")
    spent.add_argument("--billable", action="store_true", help="billable to the client")

    wait = action("wait", set_waiting, "mark as waiting on the client (pauses the resolution clock)")
    wait.add_argument("--off", action="store_true", help="no longer waiting on the client")

    step = action("step", complete_step, "mark a CompTIA troubleshooting step done")
    step.add_argument("step", type=int, metavar="N", help="step number, 1 to 6")
    step.add_argument("--note", type=long_text(MAX_BODY), default="", help="an internal note about the step (- reads stdin)")

    escalate = action("escalate", escalate_ticket, "escalate to the next tier (SOP 6)")
    escalate.add_argument("--reason", required=True, type=by_prefix(ESCALATION_REASONS), choices=ESCALATION_REASONS,
                          help="SOP 6: timing (at risk of breaching), unsatisfied (client unhappy: alerts a manager, "
                          "same tier), disruptive (alerts a manager), other (say why in --note)")
    escalate.add_argument("--note", type=long_text(MAX_BODY), default="", help="why, for the next tier (- reads stdin)")

    resolve = action("resolve", resolve_ticket, "resolve with a summary and notify the client")
    resolve.add_argument("--summary", type=long_text(MAX_BODY), required=True, help="what fixed it (- reads it from stdin)")
    resolve.add_argument("--no-notify", action="store_true", help="do not send the client the resolution message")
    allow_sensitive_option(resolve)

    edit = action("edit", edit_ticket, "correct the subject, category or the requester's details (each change audited)")
    edit.add_argument("--subject", type=text_up_to(MAX_SUBJECT), help="the new one-line summary")
    edit.add_argument("--category", type=text_up_to(MAX_CATEGORY), help="the new category (empty to clear)")
    edit.add_argument("--name", type=text_up_to(MAX_NAME), help="the requester's name")
    edit.add_argument("--email", type=text_up_to(MAX_NAME), help="the requester's e-mail address")
    edit.add_argument("--phone", type=text_up_to(MAX_NAME), help="the requester's phone number")

    allow_sensitive_option(action("notify", notify_client, "send the client the resolution message"))
    action("close", close_ticket, "close a resolved ticket whose client was notified")
    action("reopen", reopen_ticket, "reopen a resolved or closed ticket")
    action("flag-ack", acknowledge_manager_flag, "as a manager, acknowledge the manager flag")
    register_cc(actions, parent, ticket_id)
    link_commands.register(action, long_text, allow_sensitive_option)


def force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true",
                        help="send a public reply the courtesy check (SOP 2A/4A) advises against anyway (audited)")


def allow_sensitive_option(parser: argparse.ArgumentParser) -> None:
    """`--allow-sensitive`: send text SOP 5A flags anyway; the override is recorded in the audit trail."""
    parser.add_argument(
        "--allow-sensitive",
        action="store_true",
        help="send text that looks like a password, card number or private IP anyway (audited)",
    )


def text_up_to(limit: int):
    """An argparse type: the text as given, if it has at most `limit` characters (see README, "Limits")."""

    def bounded(text: str) -> str:
        if len(text) > limit:
            raise argparse.ArgumentTypeError(f"{len(text):,} characters is longer than the {limit:,} allowed")
        return text

    return bounded


def confirm(ticket: Ticket, what: str) -> int:
    """The one confirmation line of an action command."""
    print(f"#{ticket.id} {what}")
    return 0


@contextmanager
def courtesy_hint() -> Iterator[None]:
    """Add the way out to SOP 2A/4A advice: reword the reply, or send it anyway with --force."""
    try:
        yield
    except Discourteous as refusal:
        raise Discourteous(f"{refusal}; reword it, or pass --force to send it anyway (recorded in the audit trail)",
                           refusal.advice) from None


@contextmanager
def sensitive_hint() -> Iterator[None]:
    """Add the way out to an SOP 5A refusal: edit the text, or override with --allow-sensitive."""
    try:
        yield
    except SensitiveText as refusal:
        raise SensitiveText(
            f"{refusal}; edit it out, or pass --allow-sensitive to send it anyway (recorded in the audit trail)",
            refusal.findings,
        ) from None


def new_ticket(args: argparse.Namespace) -> int:
    if not args.requester.strip():
        raise InputError("--requester: give the client's e-mail address")
    email = checked_address(args.requester, "--requester")  # before the store is opened: a refusal touches nothing
    requester = Requester(name=args.name, email=email, phone=args.phone)
    desk = open_desk(args)
    ticket = desk.create(args.subject, requester, args.body, args.priority, args.category)
    print(ticket.id)
    return 0


def list_tickets(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    if args.all and not args.json:
        if not print_history(desk, shutil.get_terminal_size((120, 24)).columns):
            print("no tickets")
        return 0
    now = desk.clock()
    tickets = desk.history() if args.all else desk.open_tickets()
    rows = most_urgent_first(tickets, desk.policy, now, Query() if args.all else OPEN_ONLY)
    if args.json:
        print(json_text([ticket_document(t, c) for t, c in rows]))
    elif rows:
        print(queue_table(rows, shutil.get_terminal_size((120, 24)).columns, now, desk.policy.calendar.tz))
    else:
        print("no tickets" if args.all else "no open tickets (--all lists resolved and closed ones too)")
    return 0


def search_tickets(args: argparse.Namespace) -> int:
    from sopdash.cli.search_command import search_tickets as run

    return run(args)


def show_ticket(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    ticket = desk.ticket(args.id)
    now = desk.clock()
    clocks = desk.clocks(ticket, now)
    if args.clock:
        print("\n".join(explanation_lines(explain_clocks(ticket, desk.policy, now), desk.policy.calendar.tz, now)))
    elif args.json:
        print(json_text(ticket_document(ticket, clocks)))
    else:
        linked = links_of(desk, ticket)
        print(ticket_text(shown(desk, ticket), clocks, now, desk.policy.calendar.tz, mail_on=desk.mail is not None,
                          linked=linked, policy=desk.policy))
    return 0


def acknowledge(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    with sensitive_hint():
        ticket = desk.acknowledge(args.id, args.message, allow_sensitive=args.allow_sensitive)
    return confirm(ticket, f"acknowledged; {desk.mail_after(ticket).words()}")


def assign(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    assignee = desk.assignee(args.login)
    if assignee.warning:
        warn(assignee.warning)
    ticket = desk.assign(args.id, assignee.login)
    return confirm(ticket, f"assigned to {ticket.assignee}")


def set_priority(args: argparse.Namespace) -> int:
    return confirm(open_desk(args).set_priority(args.id, args.priority), f"priority set to {args.priority}")


def add_note(args: argparse.Namespace) -> int:
    if args.public:
        return reply_to_client(args)
    if args.allow_sensitive or args.force:
        option = "--allow-sensitive" if args.allow_sensitive else "--force"
        raise InputError(f"{option} applies to a --public reply; an internal note is never checked")
    return confirm(open_desk(args).note(args.id, args.text), "internal note added")


def reply_to_client(args: argparse.Namespace) -> int:
    """`ticket reply` (and `ticket note --public`): a public message to the client, checked by SOP 5A, then mailed."""
    desk = open_desk(args)
    with sensitive_hint(), courtesy_hint():
        ticket = desk.reply(args.id, args.text, allow_sensitive=args.allow_sensitive, allow_discourteous=args.force)
    return confirm(ticket, f"public reply; {desk.mail_after(ticket).words()}")


def log_time(args: argparse.Namespace) -> int:
    seconds = parse_spent(args.duration)  # before the store is opened: a refusal touches nothing
    desk = open_desk(args)
    ticket = desk.log_time(args.id, seconds, args.note, args.billable)
    logged = f"{spent_text(seconds)}{' billable' if args.billable else ''} logged"
    return confirm(ticket, f"{logged}; time spent {time_totals(ticket).words()}")


def set_waiting(args: argparse.Namespace) -> int:
    ticket = open_desk(args).set_waiting(args.id, waiting=not args.off)
    return confirm(ticket, "no longer waiting on the client" if args.off else "waiting on the client")


def complete_step(args: argparse.Namespace) -> int:
    ticket = open_desk(args).complete_step(args.id, args.step, args.note)
    following = f"next is step {ticket.current_step}" if ticket.current_step else "all steps done"
    return confirm(ticket, f"step {args.step} done; {following}")


def escalate_ticket(args: argparse.Namespace) -> int:
    ticket = open_desk(args).escalate(args.id, args.reason, args.note)
    flag = ""
    if rules.raised_manager_flag(ticket):
        flag = "; manager flag raised"
    elif ticket.needs_manager:
        flag = "; the manager flag was already raised"
    return confirm(ticket, f"escalated ({args.reason}), now tier {ticket.tier}{flag}")


def resolve_ticket(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    with sensitive_hint():
        ticket = desk.resolve(args.id, args.summary, notify=not args.no_notify, allow_sensitive=args.allow_sensitive)
    hint = link_commands.children_hint(desk, ticket)
    if hint:
        warn(hint)
    if args.no_notify:
        return confirm(ticket, "resolved; client not notified yet")
    mail = desk.mail_after(ticket)
    return confirm(ticket, f"resolved; {'client notified; ' if mail.told else ''}{mail.words()}")


def edit_ticket(args: argparse.Namespace) -> int:
    changes = {field: getattr(args, field) for field in EDITABLE}
    if all(value is None for value in changes.values()):
        raise InputError(f"ticket edit: give at least one of {', '.join('--' + field for field in EDITABLE)}")
    desk = open_desk(args)
    seen = desk.ticket(args.id)
    before = current_values(seen)
    ticket = desk.edit(args.id, seen.version, **changes)
    after = current_values(ticket)
    return confirm(ticket, "edited: " + ", ".join(field for field in EDITABLE if before[field] != after[field]))


def notify_client(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    with sensitive_hint():
        ticket = desk.notify_client(args.id, allow_sensitive=args.allow_sensitive)
    mail = desk.mail_after(ticket)
    return confirm(ticket, f"{'client notified of the resolution' if mail.told else 'resolution message'}; {mail.words()}")


def close_ticket(args: argparse.Namespace) -> int:
    return confirm(open_desk(args).close(args.id), "closed")


def reopen_ticket(args: argparse.Namespace) -> int:
    return confirm(open_desk(args).reopen(args.id), "reopened")


def acknowledge_manager_flag(args: argparse.Namespace) -> int:
    return confirm(open_desk(args).acknowledge_manager_flag(args.id), "manager flag acknowledged")
