"""How long both SLA clocks take for 50,000 tickets, against a naive per-minute stepper in the same run.

Run: .venv/bin/python bench/bench_clocks.py   (target: at most 0.5 s for 50,000 tickets)
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime, timedelta, timezone

from sopdash.core import rules
from sopdash.core.clocks import ticket_clocks
from sopdash.core.model import PRIORITIES, Requester, Ticket
from sopdash.core.policy import SlaPolicy

COUNT = 50_000
NAIVE_SAMPLE = 200
PASSES = 5
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)
POLICY = SlaPolicy.from_config({"calendar": {"timezone": "America/New_York", "country": "US"}})


def make_tickets(count: int, seed: int = 1) -> list[Ticket]:
    """A mix of open, waiting and resolved tickets created over the last 60 days."""
    rng = random.Random(seed)
    tickets = []
    for n in range(count):
        created = NOW - timedelta(minutes=rng.randrange(60 * 24 * 60))
        ticket = rules.create(n + 1, "Laptop will not boot", Requester("Ada"), created, "amara", rng.choice(PRIORITIES))
        if rng.random() < 0.7:
            ticket = rules.acknowledge(ticket, "amara", created + timedelta(minutes=rng.randrange(1, 600)), "Hello")
        if rng.random() < 0.3:
            ticket = rules.set_waiting(ticket, "amara", created + timedelta(minutes=rng.randrange(601, 2000)))
        elif rng.random() < 0.4:
            ticket = rules.resolve(ticket, "amara", created + timedelta(minutes=rng.randrange(601, 6000)), "done")
        tickets.append(ticket)
    return tickets


def naive_used_s(ticket: Ticket, now: datetime) -> int:
    """Business minutes from creation to now, one minute at a time: the slow, obvious way."""
    calendar = POLICY.calendar_for(ticket.priority)
    minute = ticket.created_at
    used = 0
    while minute < now:
        used += calendar.is_open(minute)
        minute += timedelta(minutes=1)
    return used * 60


def main() -> None:
    tickets = make_tickets(COUNT)
    for ticket in tickets[:1000]:
        ticket_clocks(ticket, POLICY, NOW)  # warm the calendar's precomputed windows
    passes = []
    for _ in range(PASSES):  # the machine is shared: one pass can swing by a third
        started = time.perf_counter()
        for ticket in tickets:
            ticket_clocks(ticket, POLICY, NOW)
        passes.append(time.perf_counter() - started)
    fast = statistics.median(passes)
    started = time.perf_counter()
    for ticket in tickets[:NAIVE_SAMPLE]:
        naive_used_s(ticket, NOW)
    naive_per_ticket = (time.perf_counter() - started) / NAIVE_SAMPLE
    fast_per_ticket = fast / COUNT
    print(f"both clocks, {COUNT} tickets: median {fast:.3f} s of {PASSES} passes "
          f"(min {min(passes):.3f}, max {max(passes):.3f}; target <= 0.5 s)")
    print(f"per 10,000 tickets: {fast_per_ticket * 10_000 * 1000:.1f} ms")
    print(f"naive per-minute stepper (one clock, {NAIVE_SAMPLE} tickets): {naive_per_ticket * 1000:.2f} ms per ticket")
    print(f"ratio naive/real per ticket: {naive_per_ticket / fast_per_ticket:,.0f}x")


if __name__ == "__main__":
    main()
