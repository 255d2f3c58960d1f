"""Clients' scores per technician in the report (issue 27)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sopdash.core.model import Satisfaction, Ticket
from sopdash.report.satisfaction import Scores, add_score, scores_from, scores_text

START = datetime(2026, 11, 1, tzinfo=timezone.utc)


def scored(ticket_id: int, assignee: str, score: int | None, days: int = 1) -> Ticket:
    ticket = Ticket(id=ticket_id, subject="s", assignee=assignee, created_at=START)
    at = START + timedelta(days=days)
    return ticket.evolve(satisfaction=Satisfaction(score=score, at=at)) if score else ticket


def test_scores_are_counted_per_technician_within_the_period():
    tickets = [scored(1, "dana", 5), scored(2, "dana", 2), scored(3, "lee", 4), scored(4, "", 1),
               scored(5, "lee", None), scored(6, "lee", 1, days=40)]
    given: dict[str, list[int]] = {}
    for ticket in tickets:
        add_score(given, ticket, START, START + timedelta(days=30))
    rows = scores_from(given)
    assert rows == [Scores("dana", 2, 3.5, 1), Scores("(unassigned)", 1, 1.0, 1), Scores("lee", 1, 4.0, 0)]
    text = scores_text(rows)
    assert "Satisfaction by technician" in text and "dana" in text and " 3.5 " in text


def test_the_report_says_so_when_no_client_scored():
    assert scores_text([]) == "Satisfaction by technician: no scores in the period\n"
