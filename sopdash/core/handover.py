"""SOP 2B at the change of shift: what happened since a technician last looked, read from the audit trail.

For one technician and a moment (when they last acknowledged a hand-over), `since_last_look` lists, oldest first:
new tickets, clients' replies, escalations and notes by others on their tickets or on tickets nobody has, every
reassignment to or from them, and the deadlines of their (or nobody's) tickets that passed breached meanwhile.
Every item but a breach is one entry of a ticket's timeline, so the hand-over is the audit trail, filtered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sopdash.core.clocks import BREACHED, MET_LATE, ClockPolicy, ticket_clocks
from sopdash.core.model import Ticket, TimelineEntry
from sopdash.core.text import one_line

NEW = "new ticket"
CLIENT = "client reply"
ESCALATION = "escalation"
TO_YOU = "assigned to you"
FROM_YOU = "taken off you"
NOTE = "note by a colleague"
BREACH = "breach"
KINDS = (NEW, CLIENT, BREACH, ESCALATION, TO_YOU, FROM_YOU, NOTE)
NOTE_WIDTH = 60  # characters of an entry's or a note's text on its line


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to know: when, on which ticket, what kind, by whom, and the entry's text (or the clock's)."""

    at: datetime
    ticket_id: int
    subject: str
    kind: str
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class Note:
    """A hand-over note a technician left for the next shift."""

    at: datetime
    by: str
    text: str


def since_last_look(
    tickets: Iterable[Ticket], login: str, since: datetime | None, until: datetime, policy: ClockPolicy | None = None
) -> list[Item]:
    """What `login` should know of what happened in (since, until] (since None: ever), oldest first; breaches only
    with a policy to read the clocks by."""
    items: list[Item] = []
    for ticket in tickets:
        owner = ""
        for entry in ticket.timeline:
            change = entry.change or {}
            if "assignee" in change:
                owner = change["assignee"][1] or ""
            if (since is None or entry.at > since) and entry.at <= until:
                kind = entry_kind(entry, login, owner)
                if kind:
                    text = ticket.subject if kind == NEW else entry.text
                    items.append(Item(entry.at, ticket.id, ticket.subject, kind, entry.author, text))
        if policy is not None and ticket.assignee in ("", login):
            items.extend(_breaches(ticket, policy, since, until))
    return sorted(items, key=lambda item: (item.at, item.ticket_id))


def entry_kind(entry: TimelineEntry, login: str, owner: str) -> str:
    """What one timeline entry is to `login` when the ticket was `owner`'s ("" for nobody's); "" when nothing."""
    change = entry.change or {}
    if "assignee" in change:
        before, after = change["assignee"]
        if after == login and entry.author != login:
            return TO_YOU
        if before == login and entry.author != login:
            return FROM_YOU
        return ""
    if owner not in ("", login) or entry.author == login:
        return ""
    if change.get("status") == [None, "new"]:
        return NEW
    if entry.kind == "client":
        return CLIENT
    if "tier" in change or "needs_manager" in change:
        return ESCALATION
    if entry.kind in ("internal", "public") and owner == login:
        return NOTE
    return ""


def _breaches(ticket: Ticket, policy: ClockPolicy, since: datetime | None, until: datetime) -> list[Item]:
    """The ticket's deadlines that passed in (since, until] unmet (the clock breached, or met late since)."""
    clocks = ticket_clocks(ticket, policy, until)
    found = []
    for name, reading in (("acknowledgement", clocks.ack), ("resolution", clocks.resolution)):
        due = reading.due
        if reading.state in (BREACHED, MET_LATE) and due is not None and (since is None or due > since) and due <= until:
            found.append(Item(due, ticket.id, ticket.subject, BREACH, "", f"{name} target missed"))
    return found


def notes_to_read(notes: Iterable[Note], login: str, since: datetime | None) -> list[Note]:
    """Colleagues' hand-over notes left after `since`, newest first (what the next login sees first)."""
    fresh = [note for note in notes if note.by != login and (since is None or note.at > since)]
    return sorted(fresh, key=lambda note: note.at, reverse=True)


def lines(notes: list[Note], items: list[Item], since: datetime | None, zone: tzinfo) -> list[str]:
    """The hand-over as text, one line each (times in the team's zone): notes first, then what happened."""
    start = f"since {_when(since, zone)}" if since is not None else "from the start"
    out = [f"Hand-over notes ({len(notes)})" if notes else "No hand-over notes from colleagues"]
    out += [f"  {_when(note.at, zone)}  {note.by}: {one_line(note.text, NOTE_WIDTH)}" for note in notes]
    out.append(f"Since you last looked ({start}): {len(items)} item{'s' * (len(items) != 1)}")
    for item in items:
        who = f" by {one_line(item.author, 20)}" if item.author else ""
        out.append(f"  {_when(item.at, zone)}  #{item.ticket_id} {item.kind}{who}: {one_line(item.text, NOTE_WIDTH)}")
    return out


def _when(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %H:%M")
