"""History in pages (issue 25): on a 200,000-ticket demo store, the views that reach into history against
`sopdash ticket list` (the live queue) in the same run, each a median of --runs, each command in its own process.

Run: .venv/bin/python bench/bench_history.py [--count 200000] [--runs 5] [--store DIR]
The store is the demo generator's (`write_demo_store`, as `sopdash demo --count 200000` makes it); 200,000 tickets
take about three minutes and 4 GB to write. --store keeps it in DIR for the next run.
Targets (issue 25): the "all" view's first screen at most 0.5 s after the key with the dashboard under 150 MB resident;
`ticket show` of an archived ticket at most 1.2 x an open one. `ticket list --all | head` is printed for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALL_VIEW_S, DASHBOARD_MB, SHOW_RATIO = 0.5, 150, 1.2
HEAD_LINES = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store", type=Path, help="keep the demo store in this folder (made if missing)")
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)  # the dashboard, in a process of its own
    parser.add_argument("--facts", type=Path, help=argparse.SUPPRESS)  # the store described, in a process of its own
    options = parser.parse_args()
    if options.probe is not None:
        asyncio.run(probe(options.probe))
        return
    if options.facts is not None:
        print(json.dumps(facts(options.facts)))
        return
    with tempfile.TemporaryDirectory(prefix="sopdash-history-bench-") as directory:
        root = Path(directory)
        env = {name: value for name, value in os.environ.items() if name != "SOPDASH_NOW"}
        env["SOPDASH_CONFIG"] = str(root / "none.toml")
        env["PYTHONPATH"] = str(ROOT)
        (root / "none.toml").write_text("", encoding="utf-8")
        store = (options.store or root) / "tickets.json"
        made = build(store, options.count, env)
        figures(store, made, env, options.runs)


def build(store: Path, count: int, env: dict[str, str]) -> str:
    """The demo store at store, written unless it is there already; how it came to be."""
    if store.exists():
        return "kept from an earlier run"
    started = time.perf_counter()
    code = ("import sys; from datetime import datetime, timezone; from pathlib import Path; "
            "from sopdash.config import load_settings; from sopdash.demo import write_demo_store; "
            "write_demo_store(Path(sys.argv[1]), datetime.now(timezone.utc), load_settings().policy, count=int(sys.argv[2]))")
    subprocess.run([sys.executable, "-c", code, str(store), str(count)], env=env, check=True)
    return f"made in {time.perf_counter() - started:.0f} s"


def facts(store: Path) -> dict[str, int]:
    """What the bench needs to know of the store (read in a process of its own: a command started from a process
    counts that process's resident peak as its own)."""
    from sopdash.store.ticket_store import TicketStore

    opened = TicketStore(store)
    live = opened.live()
    archived = sorted(set(range(1, opened.next_id())) - {t.id for t in live})
    return {"tickets": opened.next_id() - 1, "live": len(live), "archived": len(archived),
            "open_id": next(t.id for t in live if t.is_open), "archived_id": archived[len(archived) // 2]}


def figures(store: Path, made: str, env: dict[str, str], runs: int) -> None:
    known = json.loads(subprocess.run([sys.executable, __file__, "--facts", str(store)], env=env, check=True,
                                      capture_output=True, text=True).stdout)
    open_id, archived_id = known["open_id"], known["archived_id"]
    months = list(store.with_name(store.name + ".archive").glob("*.json"))
    print(f"store: {known['tickets']:,} tickets ({made}), {known['live']:,} in the live file "
          f"({store.stat().st_size / 1e6:.1f} MB), {known['archived']:,} in {len(months)} archive months "
          f"(largest {max(m.stat().st_size for m in months) / 1e6:.1f} MB)")
    sopdash = [sys.executable, "-m", "sopdash", "--db", str(store), "ticket"]
    names = ("list", "show open", "show archived", "list --all | head", "queue on screen", "all view")
    measured: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for _ in range(runs):  # interleaved, so every figure sees the same machine
        measured["list"].append(command([*sopdash, "list"], env))
        measured["show open"].append(command([*sopdash, "show", str(open_id)], env))
        measured["show archived"].append(command([*sopdash, "show", str(archived_id)], env))
        measured["list --all | head"].append(command([*sopdash, "list", "--all"], env, lines=HEAD_LINES))
        queue, all_view = dashboard(store, env)
        measured["queue on screen"].append(queue)
        measured["all view"].append(all_view)
    median = {name: (statistics.median(s for s, _ in values), statistics.median(mb for _, mb in values))
              for name, values in measured.items()}
    base = median["list"][0]
    for name, (seconds, mb) in median.items():
        print(f"  {name:<18} {seconds:6.3f} s ({seconds / base:4.2f} x ticket list)  {mb:6.0f} MB resident peak")
    ratio = median["show archived"][0] / median["show open"][0]
    print(f"ticket show #{archived_id} (archived) / #{open_id} (open): {ratio:.2f} x (target {SHOW_RATIO} x) "
          f"{verdict(ratio <= SHOW_RATIO)}")
    seconds, mb = median["all view"]
    print(f"all view's first screen {seconds:.3f} s after the key (target {ALL_VIEW_S} s) {verdict(seconds <= ALL_VIEW_S)}; "
          f"dashboard {mb:.0f} MB resident peak (target {DASHBOARD_MB} MB) {verdict(mb <= DASHBOARD_MB)}")


def command(args: list[str], env: dict[str, str], lines: int | None = None) -> tuple[float, float]:
    """(wall seconds, resident peak MB) of one command; with lines, its output is read that far and the pipe closed
    (as `| head` does)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    if lines is None:
        process.stdout.read()
    else:
        for _ in range(lines):
            process.stdout.readline()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def dashboard(store: Path, env: dict[str, str]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The dashboard in its own process: (seconds from its start to the queue on screen, resident peak MB then), and
    (seconds from the "all" key to its first screen, resident peak MB then)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--probe", str(store)], env=env, check=True, capture_output=True,
                          text=True)
    queue_s, queue_mb, all_s, all_mb = map(float, done.stdout.split())
    return (queue_s - started, queue_mb), (all_s, all_mb)


async def probe(store: Path) -> None:
    """The dashboard on store: the queue on screen, then the "all" view asked for; prints `when MB seconds MB` (when:
    the queue came, on the bench's clock; seconds: from the key to the view's first screen)."""
    from sopdash.cli.context import desk_on
    from sopdash.config import load_settings
    from sopdash.tui.app import SopdashApp

    settings = load_settings()
    app = SopdashApp(desk_on(store, settings), settings)
    async with app.run_test(size=(120, 40)):
        loader = app.dashboard.loader
        while not app.dashboard.queue.arrangement.rows or loader.busy:
            await asyncio.sleep(0.005)
        queue, queue_mb = time.perf_counter(), peak_mb()
        asked = time.perf_counter()
        app.dashboard.action_view("all")
        while loader.busy or loader.progress:  # the view's switch says "reading history…" until the page is shown
            await asyncio.sleep(0.005)
        seconds = time.perf_counter() - asked
        assert any(not row.ticket.is_open for row in app.dashboard.queue.arrangement.rows)
    print(f"{queue:.6f} {queue_mb:.0f} {seconds:.3f} {peak_mb():.0f}")


def peak_mb() -> float:
    """VmHWM: the most this process has had resident."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


if __name__ == "__main__":
    main()
