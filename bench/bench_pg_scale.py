"""The PostgreSQL store at scale: what one change, one dashboard and one command cost at 50,000 tickets and at a
larger history, in the same run, with the ratio between them (the costs that must not grow with the history).

For each size a database is filled through `restore` (COPY): the `sopdash demo` history of 50,000 tickets (a year of
a desk: a few hundred open, ~2,400 in the working set) as the newest tickets, after as many older closed tickets as
make up the size (copies of the demo's closed ones under new ids, closed long before the working set's window) —
a desk whose history grows while its working set does not. Then:
  - `ticket list`, `check` and `mail receive` as commands on a quiet machine (after a CHECKPOINT, so a commit does
    not wait on the disk behind the build's writes): seconds and peak memory; four weeks of history read in process;
  - D dashboards (SopdashApp headless through Textual's run_test, each its own process, as technician amara,
    started one after the other): first frame, memory at the end, CPU while nothing changes; and, once they are
    done, one more that opens the stats screen (`i`, the last four weeks): seconds to its figures, peak memory;
  - W writers (each its own process and role) adding notes to random open tickets at --rate per second each, while
    `mail receive` takes a new message every few seconds: change-to-dashboard latency (commit to the new version on
    each dashboard's board: median, p95, max, and how many never arrived), the writers' waits, `mail receive`'s
    seconds and memory;
  - the server's CPU (postmaster and every backend, those gone included) per change, beyond what the dashboards
    cost while nothing changes; the same with no dashboard (the write itself), so the difference over D is what
    one dashboard adds to the server per change; and each dashboard process's CPU per change.
Figures are taken on a shared 2-core machine: other load shows in the load average printed at the end.

Run: .venv/bin/python bench/bench_pg_scale.py [--sizes 50000 1000000] [--dashboards 10] [--writers 4] [--rate 1]
     [--seconds 30] [--keep DIR]
Needs Debian's PostgreSQL 15 server programs; the server is a throw-away cluster in a temp directory, fsync on; with
--keep DIR it lives in DIR and is kept, and a size whose database is there already is measured without building it
again (each run adds its notes and tickets to it).
Targets at the larger size (issue 23): latency median <= 1 s with 10 dashboards and 4 writers; first frame <= 1.0 s;
`ticket list` <= 0.5 s and <= 100 MB; `mail receive` <= 0.3 s and <= 100 MB with no writer waiting > 0.2 s on it;
dashboard <= 150 MB; server CPU per change at the larger size / at 50,000 <= 1.5.
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
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pg_cluster import kept_cluster, start_cluster  # noqa: E402

from sopdash.config import settings_from_document  # noqa: E402
from sopdash.core.model import Ticket  # noqa: E402
from sopdash.demo.generator import demo_tickets  # noqa: E402
from sopdash.store.postgres.pg_store import PostgresStore  # noqa: E402
from sopdash.store.postgres.schema import init_postgres  # noqa: E402

DEMO = 50_000
HOUR = timedelta(hours=1)
WEEK = timedelta(weeks=1)
SIZE = (120, 40)
SETTINGS_DOC = {"calendar": {"timezone": "UTC"}}
DESK = "help@desk.example.org"
MAIL_EVERY_S = 3.0
QUIET_S = 5.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
HERE = Path(__file__).resolve()


# -- building the store ----------------------------------------------------------------------------


def tickets_for(size: int, now: datetime) -> Iterator[Ticket]:
    """size tickets with ids 1..size: older closed copies first, then the demo's year (see the module docstring)."""
    demo = demo_tickets(now, settings_from_document(SETTINGS_DOC, Path("bench.toml")).policy, min(size, DEMO), 1)
    older = size - len(demo)
    shapes = [t for t in demo if t.status == "closed" and t.closed_at and t.closed_at < now - timedelta(days=60)]
    for n in range(older):
        yield shapes[n % len(shapes)].evolve(id=n + 1)
    for ticket in demo:
        yield ticket.evolve(id=older + ticket.id)


def build(admin_url: str, size: int, now: datetime) -> float:
    started = time.perf_counter()
    store = PostgresStore(admin_url)
    store.restore(tickets_for(size, now), size + 1)
    store.close()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("COMMENT ON SCHEMA sopdash IS 'built'")  # a kept cluster's database is measured again as it is
    return time.perf_counter() - started


def database(cluster, name: str, writers: int) -> tuple[str, str, bool]:
    """The admin's and amara's URLs of database name, and whether it holds its tickets already (a kept cluster's)."""
    admin_url = cluster.url(database=name)
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if exists:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            built = conn.execute("SELECT obj_description(%s::regnamespace) = 'built'", ("sopdash",)).fetchone()[0]
        if built:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                init_postgres(conn, ["amara", *(f"tech{n}" for n in range(writers))])
            return admin_url, cluster.url("amara", name), True
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name}")
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        init_postgres(conn, ["amara", *(f"tech{n}" for n in range(writers))])
    return admin_url, cluster.url("amara", name), False


# -- commands ------------------------------------------------------------------------------------


def command(args: list[str], env: dict[str, str], stdin: bytes = b"") -> tuple[float, float, str]:
    """Seconds, peak MB and output of `sopdash ARGS` as its own process (its peak as GNU time sees it: the child's
    own rusage would carry this process's size from the fork)."""
    with tempfile.NamedTemporaryFile("r") as measured:
        started = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", measured.name, sys.executable, "-m",
                               "sopdash.cli.main", *args], env=env, input=stdin, capture_output=True)
        seconds = time.perf_counter() - started
        peak_kb = int(measured.read().split()[-1])
    if done.returncode not in (0, 1):
        raise SystemExit(f"sopdash {' '.join(args)} exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    return seconds, peak_kb / 1024, done.stdout.decode()


def mail(n: int) -> bytes:
    return (f"From: Client {n} <client{n}@example.com>\nTo: {DESK}\nSubject: Printer {n} jams\n"
            f"Message-ID: <bench-{n}-{time.time_ns()}@example.com>\nContent-Type: text/plain; charset=utf-8\n\n"
            "It jams on every page.\n").encode()


# -- the server's CPU ----------------------------------------------------------------------------


def process_cpu(pid: int) -> float:
    """CPU seconds of one live process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def server_cpu(data_dir: Path) -> float:
    """CPU seconds of the postmaster, its live children and its reaped ones."""
    postmaster = int((data_dir / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == postmaster:
            total += sum(int(x) for x in fields[11:15]) / CLK_TCK  # utime stime cutime cstime
        elif ppid == postmaster:
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


# -- a dashboard and a writer, each in its own process ---------------------------------------------


def dashboard_maker(url: str) -> Callable[[], tuple]:
    """Imports the dashboard and reads the settings now; the function it returns opens the store and makes a headless
    dashboard on it as technician amara: (desk, app)."""
    from sopdash.desk import Desk
    from sopdash.store.opening import open_store
    from sopdash.tui.app import SopdashApp

    settings = settings_from_document(SETTINGS_DOC, Path("bench.toml"))

    def make() -> tuple:
        desk = Desk(open_store(url), settings.policy, settings.roster, "amara", lambda: datetime.now(timezone.utc))
        return desk, SopdashApp(desk, settings)

    return make


async def tickets_shown(app) -> None:
    """Returns once the dashboard's queue shows tickets."""
    while not app.dashboard.queue.arrangement.rows:
        await asyncio.sleep(0.005)


def dashboard_process(url: str) -> None:
    """Runs one headless dashboard; prints `ready FIRST_FRAME` once tickets are on screen, then, when stdin closes,
    one JSON line: when each (id, version) reached the board, memory and CPU."""
    make = dashboard_maker(url)

    async def run() -> dict:
        started = time.perf_counter()
        desk, app = make()
        seen: dict[int, list[tuple[int, float]]] = {}
        lost: list[tuple[float, str]] = []  # when the dashboard said its line was lost, and why
        async with app.run_test(size=SIZE):
            await tickets_shown(app)
            first_frame = time.perf_counter() - started
            board = app.dashboard.board
            versions = {ticket_id: row.ticket.version for ticket_id, row in board.by_id.items()}
            print(f"ready {first_frame:.4f} {rss_mb():.1f}", flush=True)
            stop = asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
            while not stop.done():
                await asyncio.sleep(0.01)
                said = desk.connection_lost()
                if said and (not lost or lost[-1][1] != said):
                    lost.append((time.time(), said))
                if app.dashboard.board is board:
                    continue
                board, at = app.dashboard.board, time.time()
                for ticket_id, row in board.by_id.items():
                    if versions.get(ticket_id) != row.ticket.version:
                        versions[ticket_id] = row.ticket.version
                        seen.setdefault(ticket_id, []).append((row.ticket.version, at))
        return {"seen": {str(k): v for k, v in seen.items()}, "lost": lost, "rss_mb": rss_mb(), "peak_mb": peak_mb()}

    print(orjson.dumps(asyncio.run(run())).decode(), flush=True)


def stats_process(url: str) -> None:
    """Runs one headless dashboard, opens the stats screen once tickets are on screen and prints one JSON line:
    seconds from `i` to the figures, and peak memory."""
    make = dashboard_maker(url)

    async def run() -> dict:
        _, app = make()
        async with app.run_test(size=SIZE) as pilot:
            await tickets_shown(app)
            started = time.perf_counter()
            await pilot.press("i")
            while getattr(app.screen, "figures", None) is None:
                await asyncio.sleep(0.005)
            return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}

    print(orjson.dumps(asyncio.run(run())).decode(), flush=True)


def writer_process(url: str, login: str, seconds: float, rate: float, seed: int) -> None:
    """Notes on random open tickets at `rate` per second for `seconds`; prints one JSON line: each note's ticket,
    version, commit time and wait."""
    from sopdash.core.policy import SlaPolicy
    from sopdash.core.roster import Roster
    from sopdash.desk import Desk
    from sopdash.store.opening import open_store

    desk = Desk(open_store(url), SlaPolicy.from_config({}), Roster(), login, lambda: datetime.now(timezone.utc))
    open_ids = [t.id for t in desk.tickets() if t.status in ("new", "open", "waiting")]
    rng = random.Random(seed)
    sys.stdin.readline()
    notes = []
    started = time.monotonic()
    for n in range(int(seconds * rate)):
        time.sleep(max(0.0, started + n / rate + rng.uniform(0, 1 / rate) - time.monotonic()))
        ticket_id = rng.choice(open_ids)
        began = time.perf_counter()
        ticket = desk.note(ticket_id, f"{login} note {n}")
        notes.append((ticket_id, ticket.version, time.time(), time.perf_counter() - began))
    print(orjson.dumps(notes).decode(), flush=True)


# -- one size --------------------------------------------------------------------------------------


def writers(cluster, name: str, env: dict[str, str], options: argparse.Namespace,
            seconds: float) -> list[subprocess.Popen]:
    """The writer processes, each logged in as its own role (the author the database writes down), started and
    reading their open tickets; they write once told `go`."""
    started = [subprocess.Popen([sys.executable, str(HERE), "--writer", cluster.url(f"tech{n}", name), f"tech{n}",
                                 str(seconds), str(options.rate), str(n)], env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True) for n in range(options.writers)]
    time.sleep(3.0)  # each writer reads its open tickets first
    return started


def write_cost(cluster, name: str, env: dict[str, str], options: argparse.Namespace) -> float:
    """The server's CPU milliseconds per note with no dashboard listening: what the write itself costs."""
    processes = writers(cluster, name, env, options, QUIET_S * 2)
    before = server_cpu(cluster.data_dir)
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    notes = sum(len(orjson.loads(process.communicate(timeout=600)[0])) for process in processes)
    return 1000 * (server_cpu(cluster.data_dir) - before) / notes


def intake_time(url: str) -> float:
    """Median seconds of `Intake.receive` of a new message in this process (what `mail receive` spends beyond
    starting Python and importing sopdash)."""
    from sopdash.desk.intake import Intake
    from sopdash.mail.settings import MailSettings

    store = PostgresStore(url)
    intake = Intake(store, MailSettings(address=DESK, sendmail=("/bin/true",)), lambda: datetime.now(timezone.utc))
    times = []
    for n in range(5):
        message = mail(100 + n)
        started = time.perf_counter()
        intake.receive(message)
        times.append(time.perf_counter() - started)
    store.close()
    return statistics.median(times)


def period_time(url: str) -> float:
    """Median seconds of reading four weeks of history (what the stats screen and the hand-over read) in this
    process."""
    store = PostgresStore(url)
    since = datetime.now(timezone.utc) - 4 * WEEK
    times = []
    for _ in range(5):
        started = time.perf_counter()
        store.history(since)
        times.append(time.perf_counter() - started)
    store.close()
    return statistics.median(times)


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE / 2**20


def peak_mb() -> float:
    """This process's own peak (VmHWM: unlike getrusage's, it does not start from the parent's size at the fork)."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(cluster, size: int, options: argparse.Namespace, config: Path) -> dict[str, float]:
    name = f"scale_{size}"
    admin_url, url, built = database(cluster, name, options.writers)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    if built:
        say(f"{size:,} tickets:", "kept from an earlier run")
    else:
        say(f"{size:,} tickets: built in", f"{build(admin_url, size, now):.1f} s")
    env = {**os.environ, "SOPDASH_DB": url, "SOPDASH_CONFIG": str(config), "PYTHONPATH": str(HERE.parents[1]),
           "PYTHONPYCACHEPREFIX": str(config.parent / "pycache")}  # byte code kept, as an installed sopdash has it
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    figures: dict[str, float] = {}
    command(["mail", "receive"], env, mail(0))  # compiles the byte code; not counted
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # the build's gigabytes written out now, not while a command's commit waits on disk

    lists = [command(["ticket", "list"], env) for _ in range(3)]
    figures["ticket list s"] = statistics.median(s for s, _, _ in lists)
    figures["ticket list MB"] = max(mb for _, mb, _ in lists)
    figures["check s"], figures["check MB"], _ = command(["check"], env)

    quiet = [command(["mail", "receive"], env, mail(n)) for n in range(1, 6)]
    figures["mail receive, quiet s"] = statistics.median(s for s, *_ in quiet)
    figures["mail receive, quiet MB"] = max(mb for _, mb, _ in quiet)
    figures["one message's intake in process s"] = intake_time(url)
    figures["four weeks' history in process s"] = period_time(url)
    figures["server CPU per change, no dashboard ms"] = write_cost(cluster, name, env, options)

    dashboards, ready = [], []
    for _ in range(options.dashboards):  # one at a time: each first frame on a machine not busy starting the others
        dashboards.append(subprocess.Popen([sys.executable, str(HERE), "--dashboard", url], env=env,
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        ready.append(dashboards[-1].stdout.readline().split())
        if not ready[-1] or ready[-1][0] != "ready":
            raise SystemExit(f"a dashboard did not start: {ready[-1]}")
    figures["first frame s"] = statistics.median(float(line[1]) for line in ready)
    figures["first frame max s"] = max(float(line[1]) for line in ready)

    time.sleep(2.0)
    quiet_cpu, quiet_dashboards = server_cpu(cluster.data_dir), sum(process_cpu(d.pid) for d in dashboards)
    time.sleep(QUIET_S)
    idle_rate = (server_cpu(cluster.data_dir) - quiet_cpu) / QUIET_S
    dashboard_idle = (sum(process_cpu(d.pid) for d in dashboards) - quiet_dashboards) / QUIET_S

    writing = writers(cluster, name, env, options, options.seconds)
    cpu_before, started, started_at = server_cpu(cluster.data_dir), time.monotonic(), time.time()
    dashboards_before = sum(process_cpu(d.pid) for d in dashboards)
    for writer in writing:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    receives, n = [], 0
    while time.monotonic() - started < options.seconds - MAIL_EVERY_S:
        time.sleep(MAIL_EVERY_S)
        n += 1
        seconds, mb, out = command(["mail", "receive"], env, mail(n))
        receives.append((seconds, mb, time.time() - seconds, time.time()))
    notes = [tuple(note) for writer in writing for note in orjson.loads(writer.communicate(timeout=600)[0])]
    elapsed = time.monotonic() - started
    time.sleep(2.0)  # the last changes reach the dashboards
    cpu = server_cpu(cluster.data_dir) - cpu_before
    dashboards_cpu = sum(process_cpu(d.pid) for d in dashboards) - dashboards_before
    changes = len(notes) + len(receives)

    results = []
    for process in dashboards:
        out, _ = process.communicate("", timeout=120)
        results.append(orjson.loads(out.strip().splitlines()[-1]))
    latencies, missed = [], 0
    for number, result in enumerate(results):
        late = []
        for ticket_id, version, committed, _ in notes:
            arrived = [at for v, at in result["seen"].get(str(ticket_id), []) if v >= version]
            if arrived:
                latencies.append(max(0.0, min(arrived) - committed))
                late += [(min(arrived) - committed, committed - started_at)] if min(arrived) - committed > 5 else []
            else:
                missed += 1
                late.append((float("inf"), committed - started_at))
        if late or result["lost"]:
            print(f"    dashboard {number}: {len(late)} changes late (> 5 s) or never seen, written "
                  f"{min((at for _, at in late), default=0):.1f}-{max((at for _, at in late), default=0):.1f} s into the "
                  f"writing; lost its line: {[why for _, why in result['lost']]}", flush=True)
    waits = [wait for *_, wait in notes]
    during = [wait for _, _, committed, wait in notes
              if any(begun <= committed <= ended + 0.05 for _, _, begun, ended in receives)]
    outside = [wait for _, _, committed, wait in notes
               if not any(begun <= committed <= ended + 0.05 for _, _, begun, ended in receives)]
    figures.update({
        "changes": changes,
        "latency median s": statistics.median(latencies) if latencies else float("nan"),
        "latency p95 s": percentile(latencies, 0.95) if latencies else float("nan"),
        "latency max s": max(latencies, default=float("nan")),
        "changes never seen": missed,
        "times a dashboard lost its line": sum(len(r["lost"]) for r in results),
        "writer wait median s": statistics.median(waits),
        "writer wait max s": max(waits),
        "writer wait during mail receive max s": max(during, default=0.0),
        "writer wait with no mail receive max s": max(outside, default=0.0),
        "mail receive, loaded s": statistics.median(s for s, *_ in receives),
        "mail receive, loaded max s": max(s for s, *_ in receives),
        "mail receive, loaded MB": max(mb for _, mb, *_ in receives),
        "dashboard MB": statistics.median(r["rss_mb"] for r in results),
        "dashboard peak MB": max(r["peak_mb"] for r in results),
        "dashboard CPU idle ms/s": 1000 * dashboard_idle / options.dashboards,
        "dashboard CPU per change ms": 1000 * max(0.0, dashboards_cpu - dashboard_idle * (elapsed + 2.0))
                                       / changes / options.dashboards,
        "server CPU idle per dashboard ms/s": 1000 * idle_rate / options.dashboards,
        "server CPU per change ms": 1000 * max(0.0, cpu - idle_rate * (elapsed + 2.0)) / changes,
    })
    figures["server CPU per change per dashboard ms"] = max(
        0.0, figures["server CPU per change ms"] - figures["server CPU per change, no dashboard ms"]) / options.dashboards
    stats = orjson.loads(subprocess.run([sys.executable, str(HERE), "--stats", url], env=env, check=True,
                                        capture_output=True, text=True, timeout=600).stdout.strip().splitlines()[-1])
    figures["stats screen s"], figures["stats screen peak MB"] = stats["seconds"], stats["peak_mb"]
    return figures


def say(figure: str, value: str) -> None:
    print(f"  {figure:<44} {value}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 1_000_000])
    parser.add_argument("--dashboards", type=int, default=10)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--rate", type=float, default=1.0, help="notes per second per writer")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the writers write")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the cluster (and its databases) in DIR")
    parser.add_argument("--dashboard", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--writer", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--stats", metavar="URL", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.dashboard:
        return dashboard_process(options.dashboard)
    if options.stats:
        return stats_process(options.stats)
    if options.writer:
        url, login, seconds, rate, seed = options.writer
        return writer_process(url, login, float(seconds), float(rate), int(seed))
    cluster = kept_cluster(options.keep.resolve(), fsync=True) if options.keep else start_cluster(fsync=True)
    try:
        with tempfile.TemporaryDirectory(prefix="sopdash-scale-") as directory:
            config = Path(directory) / "config.toml"
            config.write_text(f'[calendar]\ntimezone = "UTC"\n\n[mail]\naddress = "{DESK}"\nsendmail = "/bin/true"\n')
            print(f"{options.dashboards} dashboards, {options.writers} writers x {options.rate:g} notes/s for "
                  f"{options.seconds:g} s, `mail receive` every {MAIL_EVERY_S:g} s\n", flush=True)
            measured = {}
            for size in options.sizes:
                measured[size] = measure(cluster, size, options, config)
                for figure, value in measured[size].items():
                    say(figure, f"{value:,.3f}" if isinstance(value, float) else f"{value:,}")
                print(flush=True)
            if len(options.sizes) > 1:
                small, large = options.sizes[0], options.sizes[-1]
                print(f"ratios, {large:,} / {small:,} tickets:")
                for figure in measured[small]:
                    if figure != "changes" and measured[small][figure]:
                        say(figure, f"{measured[large][figure] / measured[small][figure]:.2f}")
            print(f"\nload average {' '.join(f'{load:.1f}' for load in os.getloadavg())} on {os.cpu_count()} processors")
    finally:
        cluster.halt() if options.keep else cluster.stop()


if __name__ == "__main__":
    main()
