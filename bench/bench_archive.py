"""History stops costing: a 50,000-ticket store (a year of a ten-person desk) against a 1,000-ticket store
holding the same open tickets, each figure printed with its baseline from the same run.

Run: .venv/bin/python bench/bench_archive.py [--big 50000] [--small 1000] [--runs 5]
Targets (issue 12): one `ticket note` at most 1.3 x the small store's wall time and at most 100 MB peak;
8 processes x 25 notes on one ticket all land and none waits more than 2 s; `sopdash report` over the
year at most 1.5 s; the dashboard shows the queue within 1.0 s, another process's change within 0.5 s,
and stays under 150 MB resident until the archive is asked for.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson

from sopdash.store.ticket_store import TicketStore

NOW = datetime.now(timezone.utc).replace(microsecond=0)
NOTE_TARGET = 1.3
NOTE_MB = 100
WRITERS, NOTES_EACH, WAIT_TARGET_S = 8, 25, 2.0
REPORT_TARGET_S = 1.5
DASHBOARD_QUEUE_S, DASHBOARD_CHANGE_S, DASHBOARD_MB = 1.0, 0.5, 150
ROOT = Path(__file__).resolve().parents[1]
WRITER = """
import random, sys, time
from pathlib import Path
from sopdash.cli.context import desk_on
from sopdash.config import load_settings
from sopdash.store import lock
desk = desk_on(Path(sys.argv[1]), load_settings())
rng = random.Random(sys.argv[3])
waits, notes = [], []
taking = lock.acquire
def timed(*args):  # how long this writer queued for the lock
    started = time.perf_counter()
    taking(*args)
    waits.append(time.perf_counter() - started)
lock.acquire = timed
sys.stdin.readline()
for n in range(int(sys.argv[4])):
    time.sleep(rng.uniform(0, 0.05))  # a technician types between notes
    started = time.perf_counter()
    desk.note(int(sys.argv[2]), f"{sys.argv[3]} {n}")
    notes.append(time.perf_counter() - started)
print(max(waits), max(notes))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sopdash-archive-bench-") as directory:
        root = Path(directory)
        env = {name: value for name, value in os.environ.items() if name != "SOPDASH_NOW"}  # writes refuse it
        env["SOPDASH_CONFIG"] = str(root / "none.toml")
        (root / "none.toml").write_text("", encoding="utf-8")
        big, small = root / "big" / "tickets.json", root / "small" / "tickets.json"
        started = time.perf_counter()
        run([sys.executable, "-m", "sopdash", "demo", "--db", str(big), "--count", str(options.big), "--seed", "1"], env)
        same_open_tickets(big, small, options.small)
        print(f"stores: {describe(big)} (made in {time.perf_counter() - started:.0f} s); baseline {describe(small)}")
        note_figures(big, small, env, options.runs)
        writers_figure(big, env)
        report_figure(big, small, env, options.runs)
        dashboard_figures(big, small, env)


def same_open_tickets(big: Path, small: Path, count: int) -> None:
    """The small store: every ticket of the big one that is not closed, and its most recently closed to make count."""
    tickets = TicketStore(big).history()
    working = [t for t in tickets if t.status != "closed"]
    closed = sorted((t for t in tickets if t.status == "closed"), key=lambda t: t.closed_at or t.created_at)
    chosen = sorted(working + closed[len(closed) - max(count - len(working), 0) :], key=lambda t: t.id)
    TicketStore(small, create=True, clock=lambda: NOW).add_many(chosen)


def describe(path: Path) -> str:
    store = TicketStore(path)
    live, every = store.live(), store.history()
    months = list(path.with_name(path.name + ".archive").glob("*.json"))
    size = path.stat().st_size + sum(month.stat().st_size for month in months)
    return (f"{len(every):,} tickets ({sum(t.status != 'closed' for t in every)} not closed), {len(live):,} in the "
            f"live file ({path.stat().st_size / 1e6:.1f} MB), {len(months)} archive months, {size / 1e6:.0f} MB in all")


def first_open(path: Path) -> int:
    return next(t.id for t in TicketStore(path).live() if t.status != "closed")


def note_figures(big: Path, small: Path, env: dict[str, str], runs: int) -> None:
    """`sopdash ticket note` on each store, interleaved so both see the same machine: wall time and peak memory."""
    measured: dict[Path, list[tuple[float, float, float]]] = {big: [], small: []}
    targets = {path: first_open(path) for path in measured}
    for n in range(runs):
        for path in measured:
            measured[path].append(run([sys.executable, "-m", "sopdash", "ticket", "note", str(targets[path]),
                                       f"bench note {n}", "--db", str(path)], env))
    wall = {path: statistics.median(w for w, _, _ in figures) for path, figures in measured.items()}
    peak = {path: max(m for _, m, _ in figures) for path, figures in measured.items()}
    ratio = wall[big] / wall[small]
    print(f"ticket note: median {wall[big]:.3f} s of {runs}, baseline {wall[small]:.3f} s: {ratio:.2f} x "
          f"(target {NOTE_TARGET} x) {verdict(ratio <= NOTE_TARGET)}")
    print(f"  peak memory {peak[big]:.0f} MB, baseline {peak[small]:.0f} MB (target {NOTE_MB} MB) {verdict(peak[big] <= NOTE_MB)}")
    cpu = {path: statistics.median(c for _, _, c in figures) for path, figures in measured.items()}
    print(f"  processor time (user + system) median {cpu[big]:.3f} s, baseline {cpu[small]:.3f} s: "
          f"{cpu[big] / cpu[small]:.2f} x; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} processors")


def writers_figure(big: Path, env: dict[str, str]) -> None:
    """8 processes add 25 notes each to one ticket, all at once: every note lands, and the longest note took how long."""
    target = first_open(big)
    before = len(TicketStore(big).get(target).timeline)
    env = {**env, "PYTHONPATH": str(ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(big), str(target), f"tech{n}", str(NOTES_EACH)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
               for n in range(WRITERS)]
    time.sleep(1.0)  # every writer has imported sopdash and opened the store
    started = time.perf_counter()
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    results = [writer.communicate(timeout=300) for writer in writers]
    elapsed = time.perf_counter() - started
    figures = [tuple(map(float, out.split())) for out, _ in results if out.strip()]
    wait, note = (max(column) for column in zip(*figures)) if len(figures) == WRITERS else (float("inf"),) * 2
    landed = len(TicketStore(big).get(target).timeline) - before
    lines = [line for _, err in results for line in err.splitlines()]
    told = sum(line.startswith("sopdash: waiting for the store: queued behind") for line in lines)
    started = time.perf_counter()
    TicketStore(big, clock=lambda: NOW).update(target, lambda t: t)  # one write alone, as the writers make them
    alone = time.perf_counter() - started
    print(f"{WRITERS} writers x {NOTES_EACH} notes on one ticket: {landed} of {WRITERS * NOTES_EACH} landed in "
          f"{elapsed:.1f} s; the longest wait for the lock {wait:.2f} s (target {WAIT_TARGET_S:.0f} s) "
          f"{verdict(landed == WRITERS * NOTES_EACH and wait <= WAIT_TARGET_S)}")
    print(f"  the longest note, waiting included, {note:.2f} s; baseline, one write alone, {alone:.3f} s; "
          f"{told} waits over a second said whom they queued behind; other messages: {[l for l in lines if 'queued behind' not in l] or 'none'}")


def report_figure(big: Path, small: Path, env: dict[str, str], runs: int) -> None:
    """`sopdash report` over the last year on each store."""
    since = (NOW - timedelta(days=365)).date().isoformat()
    walls: dict[Path, list[tuple[float, float, float]]] = {big: [], small: []}
    for _ in range(runs):
        for path in walls:
            walls[path].append(run([sys.executable, "-m", "sopdash", "report", "--db", str(path), "--since", since], env))
    out = subprocess.run([sys.executable, "-m", "sopdash", "report", "--db", str(big), "--since", since, "--format", "json"],
                         env=env, capture_output=True, check=True).stdout
    created = orjson.loads(out)["overall"]["created"]
    median = statistics.median(wall for wall, _, _ in walls[big])
    cpu = statistics.median(cpu for _, _, cpu in walls[big])
    print(f"report over the year: {created:,} tickets counted, median {median:.2f} s of {runs} (min "
          f"{min(wall for wall, _, _ in walls[big]):.2f}); baseline {statistics.median(w for w, _, _ in walls[small]):.2f} s "
          f"(target {REPORT_TARGET_S} s) {verdict(median <= REPORT_TARGET_S)}")
    print(f"  processor time (user + system, every process) {cpu:.2f} s; load average now {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} processors")


def dashboard_figures(big: Path, small: Path, env: dict[str, str]) -> None:
    """The dashboard in its own process on each store: queue on screen, another process's change, the archive."""
    figures = {path: probe_dashboard(path, env) for path in (small, big)}
    queue, change, archive = (figures[big].get(name, (float("inf"), 0.0, 0.0)) for name in ("queue", "change", "archive"))
    base = figures[small]
    print(f"dashboard: queue on screen {queue[0]:.2f} s after start (baseline {base['queue'][0]:.2f} s; target "
          f"{DASHBOARD_QUEUE_S} s) {verdict(queue[0] <= DASHBOARD_QUEUE_S)}; processor time to then {queue[2]:.2f} s "
          f"(baseline {base['queue'][2]:.2f} s)")
    print(f"  another process's note on screen after {change[0]:.2f} s (baseline {base['change'][0]:.2f} s; target "
          f"{DASHBOARD_CHANGE_S} s) {verdict(change[0] <= DASHBOARD_CHANGE_S)}")
    print(f"  resident peak until the archive is asked for {change[1]:.0f} MB (baseline {base['change'][1]:.0f} MB; "
          f"target {DASHBOARD_MB} MB) {verdict(change[1] <= DASHBOARD_MB)}")
    print(f"  the \"all\" view (its newest page of history) on screen {archive[0]:.2f} s after the key, {archive[1]:.0f} MB "
          "resident peak")


def probe_dashboard(path: Path, env: dict[str, str]) -> dict[str, tuple[float, float, float]]:
    """{moment: (seconds, resident peak MB, processor seconds so far)} from bench/dashboard_probe.py; `queue` counted
    from the process start."""
    ticket_id = first_open(path)
    started = time.perf_counter()
    probe = subprocess.Popen([sys.executable, str(Path(__file__).with_name("dashboard_probe.py")), str(path),
                              str(ticket_id)], env={**env, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    figures: dict[str, tuple[float, float, float]] = {}
    assert probe.stdout is not None
    for line in probe.stdout:
        name, seconds, mb, cpu = line.split()
        figures[name] = (float(seconds) + (time.perf_counter() - started if name == "queue" else 0.0), float(mb), float(cpu))
    probe.wait(timeout=120)
    return figures


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, peak resident MB, processor seconds) of one command, which must succeed.

    The peak comes from GNU time, whose own small process forks the command: a child forked straight from this
    large process would report this process's memory as its own peak.
    """
    with tempfile.NamedTemporaryFile("r") as peak:
        started = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", peak.name, *command], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - started
        if done.returncode:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr}")
        kb, user, system = peak.read().split()[-3:]
        return wall, int(kb) / 1024, float(user) + float(system)


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


if __name__ == "__main__":
    main()
