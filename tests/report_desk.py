"""A demo desk for the report's tests: demo tickets with their SLA policy and organisation picked, time logged on the
worked ones, a few closed as duplicates, and clients' scores on some closed ones."""

import random
from datetime import datetime, timedelta

from sopdash.core.model import Link, Satisfaction, Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.sla_policies import choice
from sopdash.core.time_spent import log_time
from sopdash.demo.generator import demo_tickets


def report_desk(policy: SlaPolicy, now: datetime, count: int, seed: int, rng: random.Random, picked: float = 1.0,
                scored: float = 0.0) -> list[Ticket]:
    """`count` demo tickets up to `now`: a `picked` share with their policy and organisation (the rest from before there
    were policies), a `scored` share of the closed ones scored by the client a day after closing."""
    tickets = []
    for ticket in demo_tickets(now, policy, count, seed=seed):
        if rng.random() < picked:
            chosen, _, organisation = choice(policy, ticket)
            ticket = ticket.evolve(sla_policy=chosen.name, organisation=organisation.key if organisation else "")
        if ticket.assignee:
            at = min(ticket.created_at + timedelta(hours=2), now)
            ticket = log_time(ticket, ticket.assignee, at, rng.choice((15, 30, 60)) * 60, billable=rng.random() < 0.5)
        if ticket.status == "closed" and rng.random() < 0.05:
            ticket = ticket.evolve(links=(Link("merged-into", 1),))
        elif ticket.status == "closed" and ticket.closed_at and scored and rng.random() < scored:
            at = min(ticket.closed_at + timedelta(days=1), now)
            ticket = ticket.evolve(satisfaction=Satisfaction(rng.randint(1, 5), at))
        tickets.append(ticket)
    return tickets
