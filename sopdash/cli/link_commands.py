"""`sopdash ticket merge|link|unlink|resolve-all`: actions on tickets that belong together (desk/linking.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sopdash.cli.context import open_desk
from sopdash.cli.options import ticket_id
from sopdash.core.limits import MAX_BODY
from sopdash.core.links import NAMES, USER_KINDS


def register(action: Callable[..., argparse.ArgumentParser], long_text, allow_sensitive_option) -> None:
    """Add the commands to `ticket`, through its `action` (which adds the ID argument)."""
    merge = action("merge", merge_ticket, "merge a duplicate ticket into another: its history joins it, it closes")
    merge.add_argument("into", type=ticket_id, metavar="INTO", help="the ticket that goes on (12 or #12)")
    allow_sensitive_option(merge)
    link = action("link", link_ticket, "link another ticket: related, or this one's parent or child")
    link.add_argument("kind", choices=USER_KINDS, help="what OTHER is to ID")
    link.add_argument("other", type=ticket_id, metavar="OTHER", help="the other ticket (12 or #12)")
    unlink = action("unlink", unlink_ticket, "take away the link between two tickets")
    unlink.add_argument("other", type=ticket_id, metavar="OTHER", help="the other ticket (12 or #12)")
    family = action("resolve-all", resolve_family, "resolve a parent and every open child, each client notified")
    family.add_argument("--summary", type=long_text(MAX_BODY), required=True, help="what fixed it (- reads stdin)")
    allow_sensitive_option(family)


def merge_ticket(args: argparse.Namespace) -> int:
    from sopdash.cli.ticket_commands import sensitive_hint
    from sopdash.desk.linking import merge_tickets

    desk = open_desk(args)
    with sensitive_hint():
        source, target = merge_tickets(desk, args.id, args.into, allow_sensitive=args.allow_sensitive)
    told = any(entry.kind == "public" and entry.at == source.closed_at for entry in source.timeline)
    notice = f"the notice to its client: {desk.mail_after(source).words()}" if told else "its client was told before"
    print(f"#{source.id} merged into #{target.id} and closed; {notice}")
    return 0


def link_ticket(args: argparse.Namespace) -> int:
    from sopdash.desk.linking import link_tickets

    ticket, other = link_tickets(open_desk(args), args.id, args.kind, args.other)
    print(f"#{ticket.id} {NAMES[args.kind]} #{other.id}")
    return 0


def unlink_ticket(args: argparse.Namespace) -> int:
    from sopdash.desk.linking import unlink_tickets

    ticket, other = unlink_tickets(open_desk(args), args.id, args.other)
    print(f"#{ticket.id} no longer linked to #{other.id}")
    return 0


def resolve_family(args: argparse.Namespace) -> int:
    from sopdash.cli.ticket_commands import sensitive_hint
    from sopdash.desk.linking import resolve_family as resolve

    desk = open_desk(args)
    with sensitive_hint():
        done = resolve(desk, args.id, args.summary, allow_sensitive=args.allow_sensitive)
    print(f"#{done.parent.id} resolved; {desk.mail_after(done.parent).words()}")
    for child in done.resolved:
        print(f"#{child.id} resolved; {desk.mail_after(child).words()}")
    for reason in done.skipped:
        print(f"{reason}: left as it is")
    return 0


def children_hint(desk, ticket) -> str:
    """For a parent just resolved: how to resolve its open children too (empty when it has none)."""
    from sopdash.desk.linking import open_children

    children = open_children(desk, ticket)
    if not children:
        return ""
    shown = ", ".join(f"#{child}" for child in children)
    return (f"#{ticket.id} has {len(children)} open children ({shown}): `sopdash ticket resolve-all {ticket.id} "
            "--summary …` resolves them and tells each client")
