"""The PostgreSQL store against the file store on the same 50,000 tickets, in the same run: one action, the
dashboard's first frame, another technician's change reaching the screen, eight technicians acting at once,
and the report.

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


def action_times(location: str, count: int) -> list[float]:
    """Seconds for each of `ACTIONS` single actions (note, assign, priority) by one technician on random tickets."""
    desk = Desk(open_store(location), SETTINGS.policy, SETTINGS.roster, "amara", lambda: NOW)
    rng = random.Random(3)
    times = []
    for n in range(ACTIONS):
        ticket_id = rng.randint(1, count)
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
        while not app.queue.arrangement.rows:
            await asyncio.sleep(0.001)
        figures["first frame with tickets"] = await since(started, frames)
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        new_id = max(app.queue.arrangement.index) + 1
        started = time.perf_counter()
        open_store(location).add(
            lambda ticket_id: rules.create(ticket_id, "Fire alarm", Requester("Joe"), NOW, "intake", priority="urgent")
        )
        while new_id not in app.queue.arrangement.index:
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
    return {"actions": len(waits), "landed": landed, "refused (stale version)": sum(r["refused"] for r in results),
            "gave up": sum(r["gave_up"] for r in results),
            "lost": lost, "median s": statistics.median(waits), "longest wait s": max(waits)}


def report_time(location: str, runs: int = 3) -> float:
    """Median seconds of `sopdash report` over the store."""
    env = {**os.environ, "SOPDASH_NOW": NOW.isoformat()}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sopdash.cli.main", "report", "--db", location, "--since", "2026-10-01"],
                       env=env, check=True, capture_output=True)
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
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        with psycopg.connect(cluster.url(database="bench"), autocommit=True) as conn:
            init_postgres(conn, TECHNICIANS)
        with tempfile.TemporaryDirectory(prefix="sopdash-bench-") as directory:
            tickets = make_tickets(options.count, open_share=0.15)
            stores = {"postgresql": cluster.url("amara", "bench"), "file": str(Path(directory) / "tickets.json")}
            open_store(stores["file"], create=True).add_many(tickets)
            open_store(cluster.url(database="bench")).add_many(tickets)
            print(f"{options.count:,} tickets, 15% open, in each store\n")
            for name, location in stores.items():
                print(f"{name}:", flush=True)
                times = action_times(location, options.count)
                say("one action (median, max of 60)", f"{ms(statistics.median(times))} {ms(max(times))}")
                for figure, seconds in asyncio.run(dashboard(location)).items():
                    say(figure, ms(seconds))
                say("report (median of 3)", ms(report_time(location)))
                actions = options.burst if name == "postgresql" else options.file_burst
                result = burst(location, options.count, actions)
                say(f"{WRITERS} processes x {actions} mixed actions at once",
                    f"{result['landed']} landed, {result['refused (stale version)']} refused as stale, "
                    f"{result['gave up']} gave up waiting, {result['lost']} lost; waits median "
                    f"{result['median s'] * 1000:.1f} ms, longest {result['longest wait s'] * 1000:.0f} ms")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
