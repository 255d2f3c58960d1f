"""`sopdash report` over a year of a big desk: 200,000 tickets, with the 50,000-ticket figure beside it.

Each store is the demo desk's tickets (`sopdash/demo/`) created over the last year, with time logged on the worked
ones (one to three entries of 15, 30 or 60 minutes, some billable, as Spiceworks offers), written as `sopdash demo`
writes them (closed months in the archive), its requesters in two organisations. The report runs as the real command
in a fresh interpreter, with its tables per priority, technician, category and organisation and the time columns,
several times on each store in turn (the machine is shared: single runs swing); medians are printed: wall time,
processor time (user + system, every process: what a loaded machine does not inflate) and the peak resident memory
of its largest process (GNU time, as bench_archive.py measures it). Each run is made twice: cold, every archive
month's kept tally removed first (`report/kept_tallies.py`: the run that counts the months and keeps them), then
warm, reading them back, as a report run by a timer finds the closed months of earlier runs.

    .venv/bin/python bench/bench_report.py [--big 200000] [--small 50000] [--runs 3] [--keep DIR]

Target (issue 26): the report over the 200,000-ticket year within 1.5 s and 300 MB (judged on the warm runs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)
TARGET_S, TARGET_MB = 1.5, 300
WARMTHS = ("cold", "warm")  # without kept month tallies (the run keeps them), and with them
CATEGORIES = ("Network", "Hardware", "Software", "Accounts", "Printing", "Email")
ROOT = Path(__file__).resolve().parents[1]
# The demo's requesters are staff (example.com) or partners (example.org): the report has a table by organisation.
CONFIG = """
[organisations.staff]
name = "Staff"
domains = ["example.com"]

[organisations.partners]
name = "Partners"
domains = ["example.org"]
"""
BUILD = """
import random, sys
from datetime import datetime, timedelta
from sopdash.config import load_settings
from sopdash.core.time_spent import log_time
from sopdash.demo.generator import demo_tickets
from sopdash.store.opening import open_store
now = datetime.fromisoformat(sys.argv[2])
categories = sys.argv[4].split(",")
rng = random.Random(1)
tickets = []
for ticket in demo_tickets(now, load_settings().policy, int(sys.argv[3]), seed=1):
    ticket = ticket.evolve(category=ticket.category or rng.choice(categories))
    if ticket.assignee:
        for n in range(rng.randint(1, 3)):
            at = min(ticket.created_at + timedelta(hours=1 + 2 * n), now)
            ticket = log_time(ticket, ticket.assignee, at, rng.choice((15, 30, 60)) * 60, billable=rng.random() < 0.4)
    tickets.append(ticket)
open_store(sys.argv[1], create=True, clock=lambda: now).add_many(tickets)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=200_000)
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the stores here and reuse them on the next run")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sopdash-report-bench-") as scratch:
        folder = options.keep or Path(scratch)
        env = {name: value for name, value in os.environ.items() if not name.startswith("SOPDASH_")}
        env.update(SOPDASH_CONFIG=str(folder / "config.toml"), SOPDASH_NOW=NOW.isoformat(), PYTHONPATH=str(ROOT))
        (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
        stores = {count: folder / str(count) / "tickets.json" for count in (options.big, options.small)}
        for count, path in stores.items():
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run([sys.executable, "-c", BUILD, str(path), NOW.isoformat(), str(count), ",".join(CATEGORIES)],
                               env=env, cwd=ROOT, check=True)
        since = (NOW - timedelta(days=365)).date().isoformat()
        command = ["-m", "sopdash", "report", "--since", since]
        figures: dict[tuple[int, str], list[tuple[float, float, float]]] = {
            (count, warmth): [] for count in stores for warmth in WARMTHS
        }
        for _ in range(options.runs):
            for count, path in stores.items():
                for warmth in WARMTHS:
                    if warmth == "cold":
                        for kept in path.with_name(path.name + ".archive").glob("*.tally"):
                            kept.unlink()
                    figures[count, warmth].append(run([sys.executable, *command, "--db", str(path)], env))
        for count, path in stores.items():
            said(count, path, figures, [sys.executable, *command, "--db", str(path), "--format", "json"], env)
        for warmth in WARMTHS:
            big, small = (statistics.median(wall for wall, _, _ in figures[count, warmth]) for count in (options.big, options.small))
            peak = statistics.median(mb for _, mb, _ in figures[options.big, warmth])
            print(f"{warmth}: {options.big:,} tickets take {big / small:.2f} x the {options.small:,}-ticket time for "
                  f"{options.big / options.small:.0f} x the tickets; target {TARGET_S} s and {TARGET_MB} MB: "
                  f"{'ok' if big <= TARGET_S and peak <= TARGET_MB else 'OVER'}")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} processors; command: sopdash {' '.join(command[2:])}")


def said(count: int, path: Path, figures: dict[tuple[int, str], list[tuple[float, float, float]]], json_command: list[str],
         env: dict[str, str]) -> None:
    """One store's lines: its medians cold and warm, and what the report counted (so a broken report cannot look fast)."""
    report = orjson.loads(subprocess.run(json_command, env=env, cwd=ROOT, capture_output=True, check=True).stdout)
    overall = report["overall"]
    for warmth in WARMTHS:
        runs = figures[count, warmth]
        wall, mb, cpu = (statistics.median(run[n] for run in runs) for n in range(3))
        print(f"report over {count:,} tickets, {warmth}: median {wall:.2f} s (min {min(w for w, _, _ in runs):.2f}), "
              f"processor {cpu:.2f} s, {mb:.0f} MB peak, of {len(runs)} runs")
    print(f"  counted {overall['created']:,} created, {len(report['breaches']):,} breaches, "
          f"{overall['time_s'] / 3600:,.0f} h logged ({overall['billable_s'] / 3600:,.0f} h billable), "
          f"{len(report['by_technician'])} technicians, {len(report['by_category'])} categories, "
          f"{len(report['by_organisation'])} organisations")


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, peak resident MB of the largest process, processor seconds) of one command, which must succeed."""
    with tempfile.NamedTemporaryFile("r") as peak:
        done = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", peak.name, *command], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr}")
        wall, kb, user, system = peak.read().split()[-4:]
        return float(wall), int(kb) / 1024, float(user) + float(system)


if __name__ == "__main__":
    main()
