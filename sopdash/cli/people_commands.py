"""`sopdash ticket cc ID add|remove ADDRESS` and `sopdash mail preview TEMPLATE [--ticket ID]`: who is copied on a
ticket's mail, and the desk's mail templates as a client would read them (README: "People on the thread",
"Mail templates")."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from sopdash.cli.context import open_desk
from sopdash.core.model import Requester, Ticket
from sopdash.core.templates import names
from sopdash.core.text import printable

SAMPLE = Ticket(  # what a preview fills in without --ticket: the name and subject that used to come out wrong
    id=1234,
    subject='Outlook won\'t start – "profile cannot be loaded"',
    requester=Requester(name="Nair, Priya", email="priya.nair@example.com"),
    created_at=datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc),
)
SAMPLE_SUMMARY = "Rebuilt the Outlook profile and restored the PST from last night's backup."


def register_cc(actions: argparse._SubParsersAction, parent: argparse.ArgumentParser, ticket_id) -> None:
    """Add `ticket cc ID add|remove ADDRESS`."""
    cc = actions.add_parser("cc", parents=[parent], help="add or remove someone copied on the ticket's public mail",
                            description="Addresses on a ticket's Cc get its public replies and the resolution notice, "
                            "never an internal note. Each change is audited.")
    cc.add_argument("id", type=ticket_id, metavar="ID", help="ticket id (12 or #12)")
    cc.add_argument("change", choices=("add", "remove"), help="add or remove the address")
    cc.add_argument("address", metavar="ADDRESS", help="the e-mail address")
    cc.set_defaults(handler=change_cc)


def register_preview(actions: argparse._SubParsersAction, parent: argparse.ArgumentParser, ticket_id) -> None:
    """Add `mail preview TEMPLATE [--ticket ID] [--summary TEXT]`."""
    preview = actions.add_parser("preview", parents=[parent], help="show one of the desk's mail templates filled in",
                                 description="Fills in the desk's template ([templates] in the desk's settings, or the "
                                 "default) for a ticket, or for a sample ticket without --ticket.")
    preview.add_argument("template", choices=names(), metavar="TEMPLATE", help=f"one of {', '.join(names())}")
    preview.add_argument("--ticket", type=ticket_id, metavar="ID", help="fill it in for this ticket")
    preview.add_argument("--summary", default="", help="the resolution summary to show (default: the ticket's)")
    preview.set_defaults(handler=show_preview)


def change_cc(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    if args.change == "add":
        ticket = desk.add_cc(args.id, args.address)
    else:
        ticket = desk.remove_cc(args.id, args.address)
    print(f"#{ticket.id} cc: {printable(', '.join(ticket.cc)) or 'nobody'}")
    return 0


def show_preview(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    ticket = desk.ticket(args.ticket) if args.ticket else SAMPLE
    summary = args.summary or ticket.resolution or SAMPLE_SUMMARY
    technician = "" if args.template == "receipt" else None
    print(printable(desk.template_text(args.template, ticket, summary, technician)), end="")
    return 0
