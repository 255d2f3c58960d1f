"""Clients' scores of their resolutions (SOP 6B by reply) per technician, over a period: gathered by the report's
tally (`add_score`, merged across slices), then made rows (`scores_from`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sopdash.core.model import Ticket
from sopdash.core.satisfaction import LOW_SCORES
from sopdash.core.text import one_line

UNASSIGNED = "(unassigned)"
_NAME_WIDTH = 30


@dataclass(frozen=True, slots=True)
class Scores:
    """One technician's scores: how many, their mean, and how many were low (1–2)."""

    technician: str
    count: int
    mean: float
    low: int


def add_score(given: dict[str, list[int]], ticket: Ticket, since: datetime, until: datetime) -> None:
    """The ticket's score, if given in [since, until), added to its assignee's in `given`."""
    score = ticket.satisfaction
    if score is not None and since <= score.at < until:
        given.setdefault(ticket.assignee or UNASSIGNED, []).append(score.score)


def scores_from(given: dict[str, list[int]]) -> list[Scores]:
    """Each technician's row from the scores given, most scores first."""
    rows = [Scores(name, len(s), sum(s) / len(s), sum(1 for n in s if n in LOW_SCORES)) for name, s in given.items()]
    return sorted(rows, key=lambda row: (-row.count, row.technician))


def scores_text(rows: list[Scores]) -> str:
    """The scores as a text table (a line saying there were none, when none)."""
    if not rows:
        return "Satisfaction by technician: no scores in the period\n"
    lines = ["Satisfaction by technician (clients' replies, 1–5)", f"  {'technician':<{_NAME_WIDTH}} scores  mean  low (1–2)"]
    for row in rows:
        name = one_line(row.technician, _NAME_WIDTH)
        lines.append(f"  {name:<{_NAME_WIDTH}} {row.count:>6}  {row.mean:>4.1f}  {row.low:>9}")
    return "\n".join(lines) + "\n"
