"""The timeline's seals: what verifying them adds to `sopdash check`, and what sealing adds to a write, each
against its baseline from the same run, on the demo history.

Run: .venv/bin/python bench/bench_chain.py [--count 50000] [--runs 3]
Targets (issue 18): verifying every ticket's seals at most 3 x the time reading that history takes (the read
`check` already made); sealing the entries a note adds at most 0.5 ms, the same order as the note itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sopdash.core import rules
from sopdash.core.chain import seal, verify
from sopdash.core.policy import SlaPolicy
from sopdash.demo import write_demo_store
from sopdash.store.ticket_store import TicketStore

NOW = datetime.now(timezone.utc).replace(microsecond=0)
VERIFY_TARGET = 3.0
SEAL_TARGET_MS = 0.5
WRITES = 2_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sopdash-bench-") as temp:
        path = Path(temp) / "tickets.json"
        started = time.perf_counter()
        write_demo_store(path, NOW, SlaPolicy.from_config({}), count=options.count, seed=1)
        print(f"store: {options.count:,} demo tickets (made in {time.perf_counter() - started:.0f} s)")
        reads, checks = [], []
        for _ in range(options.runs):  # interleaved, so both see the same machine
            started = time.perf_counter()
            tickets = TicketStore(path).history()  # a fresh store, as `check` opens: nothing cached
            reads.append(time.perf_counter() - started)
            started = time.perf_counter()
            found = verify(tickets)
            checks.append(time.perf_counter() - started)
        entries = sum(len(ticket.timeline) for ticket in tickets)
        read, check = statistics.median(reads), statistics.median(checks)
        print(f"verify: {found.sealed:,} tickets, {entries:,} entries, {len(found.problems)} problems: median "
              f"{check:.2f} s of {options.runs}, {check / entries * 1e6:.1f} µs an entry; baseline, reading the history, "
              f"{read:.2f} s: {check / read:.2f} x (target {VERIFY_TARGET:.0f} x) {verdict(check / read <= VERIFY_TARGET)}")
        sealing_figure(tickets)
        print(f"  load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} processors")


def sealing_figure(tickets: list) -> None:
    """Sealing what a note adds to a stored ticket, against making the note."""
    chosen = tickets[-WRITES:]
    at = NOW + timedelta(minutes=1)
    started = time.perf_counter()
    noted = [rules.note(ticket, "bench", at, "called the client back") for ticket in chosen]
    note = (time.perf_counter() - started) / len(chosen)
    started = time.perf_counter()
    for before, after in zip(chosen, noted):
        seal(after, before)
    sealing = (time.perf_counter() - started) / len(chosen)
    print(f"seal: the entry a note adds, {sealing * 1e3:.3f} ms a write (target {SEAL_TARGET_MS} ms) "
          f"{verdict(sealing * 1e3 <= SEAL_TARGET_MS)}; baseline, making the note, {note * 1e3:.3f} ms")


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


if __name__ == "__main__":
    main()
