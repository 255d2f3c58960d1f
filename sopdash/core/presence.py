"""Presence: which technicians' dashboards show which ticket, and who is writing to it right now.

Each running dashboard announces one `Presence`; an announcement not renewed within `STALE_AFTER_S`
belongs to a dashboard that exited, crashed or lost its SSH session, and counts as gone. Pure: the
caller passes the entries it read and the wall-clock second it read them at.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import msgspec

STALE_AFTER_S = 10.0
VIEWING = "viewing"
EDITING = "edit"
WRITING = {"reply": "writing a reply", "note": "writing a note", "resolve": "resolving it", EDITING: "editing it"}
ACTIVITIES = (VIEWING, *WRITING)

Activity = Literal["viewing", "reply", "note", "resolve", "edit"]


class Presence(msgspec.Struct, frozen=True):
    """One dashboard's announcement: who, where, which ticket (None: none open) and what they are doing."""

    login: str
    host: str
    pid: int
    seen_s: float  # wall-clock epoch seconds of the last renewal
    ticket_id: int | None = None
    activity: Activity = VIEWING

    @property
    def writing(self) -> bool:
        """A reply, note, resolution or edit (`E`) is open in a dialog."""
        return self.activity != VIEWING

    def is_fresh(self, now_s: float) -> bool:
        """Renewed within the last STALE_AFTER_S seconds."""
        return now_s - self.seen_s <= STALE_AFTER_S

    def doing(self) -> str:
        """`dana is writing a reply`, `lee is viewing`."""
        return f"{self.login} is {WRITING.get(self.activity, VIEWING)}"


def on_ticket(entries: Iterable[Presence], ticket_id: int) -> list[Presence]:
    """Who is on this ticket, writers first, then by login."""
    return sorted((e for e in entries if e.ticket_id == ticket_id), key=lambda e: (not e.writing, e.login, e.pid))


def describe(entries: Iterable[Presence], ticket_id: int) -> str:
    """One line naming everyone on the ticket (`dana is writing a reply · lee is viewing`), or ""."""
    return " · ".join(entry.doing() for entry in on_ticket(entries, ticket_id))


def busy_tickets(entries: Iterable[Presence]) -> dict[int, bool]:
    """Every ticket someone is on → whether someone is writing to it (for marking queue rows)."""
    busy: dict[int, bool] = {}
    for entry in entries:
        if entry.ticket_id is not None:
            busy[entry.ticket_id] = busy.get(entry.ticket_id, False) or entry.writing
    return busy


def reply_warning(entries: Iterable[Presence], ticket_id: int) -> str | None:
    """Before answering a client: a warning if someone else is already writing to the same ticket."""
    writers = [entry for entry in on_ticket(entries, ticket_id) if entry.writing]
    if not writers:
        return None
    return f"{' and '.join(sorted({e.doing() for e in writers}))} on #{ticket_id}; answer anyway?"
