"""The PostgreSQL store against the file store on the same 50,000 tickets, in the same run: one action, the
dashboard's first frame, another technician's change reaching the screen, eight technicians acting at once,
and the report over the year.

The tickets are the history `sopdash demo --count 50000` writes, as bench_archive.py measures the file store on
(a year of a desk: a few hundred open, the rest closed month by month). A second, stress figure gives the first
frame and the report on 50,000 tickets created over 30 days with 15% of them open.

Run: .venv/bin/python bench/bench_postgres.py [--count 50000] [--burst 100]
Needs Debian's PostgreSQL 15 server programs (as `.ci/run` installs); the server is a throw-away cluster in a
temp directory, with fsync on as a real server runs, reached through its Unix socket.
Targets on PostgreSQL: an action at most 20 ms; the first frame within 1.0 s; 8 processes x 100 mixed actions
lose nothing and none waits more than 1 s; the report within 1.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import orjson
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from bench_dashboard import NOW, SETTINGS, SIZE, Frames, make_tickets, since  # noqa: E402
from pg_cluster import start_cluster  # noqa: E402

from sopdash.core import rules  # noqa: E402
from sopdash.core.model import PRIORITIES, Requester  # noqa: E402
from sopdash.desk import Desk  # noqa: E402
from sopdash.store.opening import open_store  # noqa: E402
from sopdash.store.postgres.schema import init_postgres  # noqa: E402
from sopdash.tui.app import SopdashApp  # noqa: E402

WRITERS = 8
ACTIONS = 60
TECHNICIANS = ["amara", *(f"tech{n}" for n in range(WRITERS))]
MIXED_ACTIONS = Path(__file__).with_name("mixed_actions.py")
PROJECT_ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "SOPDASH_NOW": NOW.isoformat(), "SOPDASH_CONFIG": os.devnull}
A_YEAR_AGO = (NOW - timedelta(days=365)).date().isoformat()


def action_times(location: str) -> list[float]:
    """Seconds for each of `ACTIONS` single actions (note, assign, priority) by one technician on random open tickets."""
    store = open_store(location)
    desk = Desk(store, SETTINGS.policy, SETTINGS.roster, "amara", lambda: NOW)
    open_ids = [ticket.id for ticket in store.live() if ticket.status != "closed"]
    rng = random.Random(3)
    times = []
    for n in range(ACTIONS):
        ticket_id = rng.choice(open_ids)
        started = time.perf_counter()
        if n % 3 == 0:
            desk.note(ticket_id, f"bench note {n}")
        else:
            seen = desk.ticket(ticket_id)  # as the dashboard has it: the action carries the version it saw
            if n % 3 == 1:
                desk.assign(ticket_id, "bo" if seen.assignee == "amara" else "amara", seen_version=seen.version)
            else:
                priority = rng.choice([p for p in PRIORITIES if p != seen.priority])
                desk.set_priority(ticket_id, priority, seen_version=seen.version)
        times.append(time.perf_counter() - started)
    return times


async def dashboard(location: str) -> dict[str, float]:
    """App start to tickets on screen, and another process's new ticket to screen."""
    desk = Desk(open_store(location), SETTINGS.policy, SETTINGS.roster, "amara", lambda: NOW)
    started = time.perf_counter()
    app = SopdashApp(desk, SETTINGS)
    frames = Frames(app)
    figures = {}
    async with app.run_test(size=SIZE) as pilot:
        while not app.dashboard.queue.arrangement.rows:
            await asyncio.sleep(0.001)
        figures["first frame with tickets"] = await since(started, frames)
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        new_id = max(app.dashboard.queue.arrangement.index) + 1
        started = time.perf_counter()
        open_store(location).add(
            lambda ticket_id: rules.create(ticket_id, "Fire alarm", Requester("Joe"), NOW, "intake", priority="urgent")
        )
        while new_id not in app.dashboard.queue.arrangement.index:
            await asyncio.sleep(0.01)
        figures["another technician's new ticket on screen"] = await since(started, frames)
        await app.workers.wait_for_complete()
    return figures


def burst(location: str, count: int, actions: int) -> dict[str, float]:
    """WRITERS processes doing `actions` mixed actions each at once; checks that every landed action is there."""
    before = sum(t.version - 1 for t in open_store(location).history())
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    processes = [
        subprocess.Popen([sys.executable, str(MIXED_ACTIONS), location, f"tech{n}", str(actions), str(count), str(n)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
        for n in range(WRITERS)
    ]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    results = [orjson.loads(process.communicate(timeout=3600)[0]) for process in processes]
    tickets = open_store(location).history()
    notes = {entry.text for ticket in tickets for entry in ticket.timeline if entry.kind == "internal"}
    sent = [note for result in results for note in result["notes"]]
    landed = sum(result["landed"] for result in results)
    lost = len([note for note in sent if note not in notes]) + abs(sum(t.version - 1 for t in tickets) - before - landed)
    waits = [s for result in results for s in result["seconds"]]
    return {"actions": len(waits), "landed": landed, "refused": sum(r["refused"] for r in results),
            "gave up": sum(r["gave_up"] for r in results),
            "lost": lost, "median s": statistics.median(waits), "longest wait s": max(waits)}


def report_time(location: str, since: str, runs: int = 3) -> float:
    """Median seconds of `sopdash report --since since` over the store."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sopdash.cli.main", "report", "--db", location, "--since", since],
                       env=ENV, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def say(figure: str, value: str) -> None:
    print(f"  {figure:<46} {value}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000, help="tickets in each store (default 50,000)")
    parser.add_argument("--burst", type=int, default=100, help="mixed actions per process on PostgreSQL (default 100)")
    parser.add_argument("--file-burst", type=int, default=10,
                        help="mixed actions per process on the file store (default 10: each rewrites the whole file)")
    options = parser.parse_args()
    cluster = start_cluster(fsync=True)
    try:
        with tempfile.TemporaryDirectory(prefix="sopdash-bench-") as directory:
            history = {"postgresql": database(cluster, "history"), "file": str(Path(directory) / "history" / "tickets.json")}
            for location in (history["file"], cluster.url(database="history")):
                demo = [sys.executable, "-m", "sopdash", "demo", "--db", location, "--count", str(options.count), "--seed", "1"]
                subprocess.run(demo, env=ENV, check=True, capture_output=True)
            open_now = sum(t.status != "closed" for t in open_store(history["file"]).live())
            print(f"{options.count:,} tickets of `sopdash demo` ({open_now:,} open, the rest closed over a year) in each store\n")
            for name, location in history.items():
                print(f"{name}:", flush=True)
                times = action_times(location)
                say("one action (median, max of 60)", f"{ms(statistics.median(times))} {ms(max(times))}")
                for figure, seconds in asyncio.run(dashboard(location)).items():
                    say(figure, ms(seconds))
                say("report over the year (median of 3)", ms(report_time(location, A_YEAR_AGO)))
                actions = options.burst if name == "postgresql" else options.file_burst
                result = burst(location, options.count, actions)
                say(f"{WRITERS} processes x {actions} mixed actions at once",
                    f"{result['landed']} landed, {result['refused']} refused (a stale version, or a closed ticket the SOP "
                    f"will not change), "
                    f"{result['gave up']} gave up waiting, {result['lost']} lost; waits median "
                    f"{result['median s'] * 1000:.1f} ms, longest {result['longest wait s'] * 1000:.0f} ms")
            stress = {"postgresql": database(cluster, "stress"), "file": str(Path(directory) / "stress" / "tickets.json")}
            tickets = make_tickets(options.count, open_share=0.15)
            open_store(stress["file"], create=True).add_many(tickets)
            open_store(cluster.url(database="stress")).add_many(tickets)
            print(f"\nstress: {options.count:,} tickets created over 30 days, 15% of them open, in each store\n")
            for name, location in stress.items():
                print(f"{name}:", flush=True)
                say("first frame with tickets", ms(asyncio.run(dashboard(location))["first frame with tickets"]))
                say("report since 2026-10-01 (median of 3)", ms(report_time(location, "2026-10-01")))
            print(f"\nload average {' '.join(f'{load:.1f}' for load in os.getloadavg())} on {os.cpu_count()} processors")
    finally:
        cluster.stop()


def database(cluster, name: str) -> str:
    """A new database `name` with the sopdash schema; the URL the technician amara uses."""
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(cluster.url(database=name), autocommit=True) as conn:
        init_postgres(conn, TECHNICIANS)
    return cluster.url("amara", name)


if __name__ == "__main__":
    main()
