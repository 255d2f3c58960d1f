"""`sopdash ticket search WORDS`: tickets, archived ones too, found by what they say, newest first, each with the
line that matched; privacy mode (`[ui] privacy`) masks the requester in the results as the dashboard does."""

from __future__ import annotations

import argparse
from datetime import datetime

from sopdash.cli.context import desk_on, settings_for, store_path_for
from sopdash.core.documents import json_text
from sopdash.core.errors import InputError
from sopdash.core.period import parse_bound
from sopdash.core.search import SearchHit, masked_hit, parse_search
from sopdash.core.text import one_line

INDENT = " " * 8


def search_tickets(args: argparse.Namespace) -> int:
    """Print the first page of hits (text or --json), or say that nothing was found."""
    settings = settings_for(args)
    desk = desk_on(store_path_for(args, settings), settings)
    typed = " ".join(args.words) + (f" s:{args.status}" if args.status else "")
    query = parse_search(typed, desk.actor)
    if not query.has_text:
        raise InputError("ticket search: give a word to find (filters like p:high alone are `ticket list`'s job)")
    if args.limit < 1:
        raise InputError("--limit: give a number of tickets, 1 or more")
    since = parse_bound(args.since, "--since", desk.policy.calendar.tz, end_of_day=False) if args.since else None
    hits = [masked_hit(hit) if settings.privacy else hit for hit in desk.search(query, args.limit, args.before, since)]
    if args.json:
        print(json_text([hit_document(hit) for hit in hits]))
    elif hits:
        print("\n".join(hit_lines(hit, desk.policy.calendar.tz) for hit in hits))
        if len(hits) == args.limit:
            print(f"(more may match: add --before {hits[-1].id} for the next page)")
    else:
        print(f"no ticket holds {query.typed}")
    return 0


def hit_lines(hit: SearchHit, tz) -> str:
    """Two lines: `#12  closed, archived  2026-03-04  subject  (requester)`, and the matching line under it."""
    state = f"{hit.status}, archived" if hit.archived else hit.status
    who = one_line(hit.requester.name or hit.requester.email)
    head = f"#{hit.id:<6} {state:<18} {hit.changed_at.astimezone(tz):%Y-%m-%d}  {one_line(hit.subject)}"
    return head + (f"  ({who})" if who else "") + f"\n{INDENT}{hit.line}"


def hit_document(hit: SearchHit) -> dict:
    """One hit in --json."""
    return {
        "id": hit.id, "subject": hit.subject, "status": hit.status, "archived": hit.archived, "line": hit.line,
        "requester": {"name": hit.requester.name, "email": hit.requester.email}, "changed_at": _iso(hit.changed_at),
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat()
