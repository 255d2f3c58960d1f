"""`sopdash handover`: what happened since this technician last looked (SOP 2B), for a mail or a chat message;
`handover ack` records the look, `handover note TEXT` leaves a note for the next shift."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from sopdash.cli.context import open_desk, warn
from sopdash.cli.options import command_parent
from sopdash.cli.standard_input import StandardInput
from sopdash.core import handover
from sopdash.core.documents import json_text
from sopdash.core.limits import MAX_BODY
from sopdash.core.model import parse_time
from sopdash.desk.handover import HandoverBook


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `handover` and its actions to the command line."""
    parent = command_parent()
    command = subparsers.add_parser(
        "handover", parents=[parent], help="what happened since you last looked (SOP 2B); notes for the next shift",
        description="New tickets, client replies, breaches, escalations, reassignments to or from you and colleagues' "
        "notes on your tickets since you last acknowledged a hand-over, after the notes colleagues left.",
    )
    command.add_argument("--since", metavar="TIME", help="from this ISO 8601 time instead of your last look")
    command.add_argument("--json", action="store_true", help="print it as JSON")
    command.set_defaults(handler=show_handover)
    actions = command.add_subparsers(dest="handover_action", title="actions", metavar="ACTION")
    ack = actions.add_parser("ack", parents=[parent], help="record that you have taken the hand-over now")
    ack.set_defaults(handler=acknowledge)
    note = actions.add_parser("note", parents=[parent], help="leave a hand-over note for the next shift")
    note.add_argument("text", type=StandardInput().text_up_to(MAX_BODY), help="the note, or - to read it from stdin")
    note.set_defaults(handler=leave_note)


def show_handover(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    since = parse_time(args.since, "--since") if args.since else None
    handed = HandoverBook(desk).handover(since)
    for problem in handed.problems:
        warn(problem)
    if args.json:
        print(json_text({"login": handed.login, "since": handed.since, "until": handed.until,
                         "notes": [asdict(note) for note in handed.notes],
                         "items": [asdict(item) for item in handed.items]}))
    else:
        print("\n".join(handover.lines(handed.notes, handed.items, handed.since, desk.policy.calendar.tz)))
    return 0


def acknowledge(args: argparse.Namespace) -> int:
    moment = HandoverBook(open_desk(args)).acknowledge()
    print(f"hand-over acknowledged at {moment.isoformat(timespec='seconds')}")
    return 0


def leave_note(args: argparse.Namespace) -> int:
    moment = HandoverBook(open_desk(args)).leave_note(args.text)
    print(f"hand-over note left at {moment.isoformat(timespec='seconds')}")
    return 0
