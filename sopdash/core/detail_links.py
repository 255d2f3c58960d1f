"""The lines a ticket's detail gives its links (core/links.py): each linked ticket with how it is linked, its status
and subject, so an outage's children and a merge's other end can be seen at a glance."""

from __future__ import annotations

from collections.abc import Sequence

from sopdash.core.detail import Line, Span, _field
from sopdash.core.display import client_line
from sopdash.core.links import NAMES
from sopdash.core.model import Ticket

Linked = tuple[str, int, Ticket | None]
"""(kind, id, the linked ticket as stored now, or None if it is gone)."""


def link_lines(linked: Sequence[Linked], privacy: bool, missing: str = "gone") -> list[Line]:
    """`Links     parent of #12 · open · Printer jams on floor 3`, one line per link (none without links); a linked
    ticket not given says `missing` in place of its status."""
    lines = []
    for number, (kind, ticket_id, other) in enumerate(linked):
        label = "Links" if number == 0 else ""
        if other is None:
            lines.append(_field(label, f"{NAMES[kind]} #{ticket_id} · {missing}", "dim"))
            continue
        subject = client_line(other.subject, other.requester, privacy)
        line = _field(label, f"{NAMES[kind]} #{ticket_id} · ")
        lines.append((*line, Span(other.status, "current" if other.is_open else "dim"), Span(f" · {subject}")))
    return lines
