"""Time `sopdash import spiceworks` on a 10,000-ticket export and `sopdash report` over 50,000 tickets.

Targets: the import into an empty store within 10 s, the report within 2 s. Both run the real command
in a fresh interpreter, so start-up and imports count. The report runs several times (the machine is
shared: single runs swing by a quarter), and so does a baseline in the same run: a fresh interpreter
that only parses the same store file with orjson (the collector off), about the least any reader of a
JSON store must do. The
report's phases are then timed in one process. Everything is synthetic and written to a temp dir.

    .venv/bin/python bench/bench_import_report.py [--tickets 10000] [--report-tickets 50000] [--runs 7]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson

from sopdash.core import rules
from sopdash.core.model import PRIORITIES, Requester, Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.period import resolve_period
from sopdash.report.sla import build_report, render_text
from sopdash.store.ticket_store import TicketStore

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
IMPORT_TARGET_S = 10.0
REPORT_TARGET_S = 2.0
TECHNICIANS = 20
END_USERS = 2000
CATEGORIES = ("Network", "Hardware", "Software", "Accounts", "Printing", "Email")
SPICEWORKS_TIME = "%Y-%m-%d %H:%M:%S UTC"
REPORT_SPAN = timedelta(days=60)  # every report ticket is created in the reported period


def spiceworks_export(count: int, rng: random.Random) -> dict:
    """A synthetic export in the documented shape: about four comments a ticket."""
    users = [
        {"import_id": n, "email": f"tech{n}@example.com", "first_name": "Tech", "last_name": str(n), "role": "admin"}
        for n in range(1, TECHNICIANS + 1)
    ] + [
        {"import_id": 1000 + n, "email": f"user{n}@client.example.com", "first_name": "User", "last_name": str(n),
         "role": "end_user"}
        for n in range(END_USERS)
    ]
    return {
        "users": users,
        "custom_attributes": [],
        "organizations": [],
        "categories": [{"name": c} for c in CATEGORIES],
        "tickets": [_export_ticket(number, rng) for number in range(1, count + 1)],
    }


def _export_ticket(number: int, rng: random.Random) -> dict:
    created = NOW - timedelta(minutes=rng.randint(60, 180 * 24 * 60))
    tech = rng.randint(1, TECHNICIANS)
    requester = 1000 + rng.randrange(END_USERS)
    status = rng.choices(("closed", "open", "waiting"), (7, 2, 1))[0]
    moment = created
    comments = []

    def comment(minutes: int, **fields) -> None:
        nonlocal moment
        moment += timedelta(minutes=minutes)
        comments.append({"created_at": moment.strftime(SPICEWORKS_TIME), **fields})

    comment(rng.randint(1, 30), body="", is_public=False, action="ticket updated",
            details={"assigned_to": [None, tech]}, created_by=tech)
    comment(rng.randint(5, 240), body="Checked the logs.", is_public=False, private=True, created_by=tech,
            is_labor=True, duration=rng.choice((300, 900, 1800)))
    comment(rng.randint(5, 240), body="Hello, we are on it.", is_public=True, private=False, created_by=tech)
    comment(rng.randint(5, 600), body="Thank you.", is_public=True, private=False, created_by=requester)
    closed_at = None
    if status == "closed":
        comment(rng.randint(30, 3000), body="", is_public=False, action="ticket updated",
                details={"status": ["open", "closed"]}, created_by=tech)
        closed_at = moment.strftime(SPICEWORKS_TIME)
    return {
        "ticket_number": number,
        "summary": f"Synthetic issue {number}",
        "description": "Something does not work as it should.",
        "status": status,
        "priority": rng.choice(("1", "2", "2", "3")),
        "category": rng.choice(CATEGORIES),
        "assigned_to": tech,
        "created_by": requester,
        "created_at": created.strftime(SPICEWORKS_TIME),
        "updated_at": moment.strftime(SPICEWORKS_TIME),
        "closed_at": closed_at,
        "first_response_secs": 60,
        "Comments": comments,
    }


def sopdash_tickets(count: int, rng: random.Random) -> list[Ticket]:
    """Tickets worked through the SOP actions, spread over REPORT_SPAN."""
    tickets = []
    for n in range(1, count + 1):
        created = NOW - timedelta(minutes=rng.randint(10, int(REPORT_SPAN.total_seconds() // 60) - 10))
        requester = Requester(f"User {n % END_USERS}", f"user{n % END_USERS}@client.example.com", "555 0100 234")
        ticket = rules.create(n, f"Synthetic issue {n}", requester, created, "tech1", priority=rng.choice(PRIORITIES),
                              category=rng.choice(CATEGORIES))
        ticket = rules.assign(ticket, "tech1", created, f"tech{rng.randint(1, TECHNICIANS)}")
        ticket = rules.note(ticket, "tech1", created + timedelta(minutes=5), "internal detail")
        if rng.random() < 0.9:
            ticket = rules.acknowledge(ticket, "tech1", created + timedelta(minutes=rng.randint(5, 600)), "Hello")
        if rng.random() < 0.1:
            ticket = rules.escalate(ticket, "tech1", created + timedelta(hours=2), rng.choice(("timing", "unsatisfied")))
        if rng.random() < 0.7:
            ticket = rules.resolve(ticket, "tech1", created + timedelta(hours=rng.randint(1, 72)), "fixed")
        tickets.append(ticket)
    return tickets


def run(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds a command takes, and what it printed; it must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, done.stdout


def sopdash(*args: str) -> list[str]:
    """The `sopdash` command line with args, run by this interpreter."""
    return [sys.executable, "-m", "sopdash.cli.main", *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000, help="tickets in the Spiceworks export")
    parser.add_argument("--report-tickets", type=int, default=50_000, help="tickets in the store for the report")
    parser.add_argument("--runs", type=int, default=7, help="report runs (and baseline runs) to take the median of")
    options = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="sopdash-bench-") as temp:
        root = Path(temp)
        config = root / "config.toml"
        config.write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
        env = {**os.environ, "SOPDASH_CONFIG": str(config), "SOPDASH_NOW": NOW.isoformat()}  # reports: a what-if time
        writing_env = {name: value for name, value in env.items() if name != "SOPDASH_NOW"}  # a write takes real time

        export = spiceworks_export(options.tickets, rng)
        export_path = root / "export.json"
        export_path.write_bytes(orjson.dumps(export))
        comments = sum(len(t["Comments"]) for t in export["tickets"])
        run(sopdash("init", "--db", str(root / "imported.json")), writing_env)
        import_s, summary = run(sopdash("import", "spiceworks", str(export_path), "--db", str(root / "imported.json")), writing_env)
        print(f"import: {options.tickets} tickets, {comments} comments into an empty store: {import_s:.2f} s "
              f"(target {IMPORT_TARGET_S:.0f} s) {'ok' if import_s <= IMPORT_TARGET_S else 'SLOW'}")
        print("  " + summary.splitlines()[1])

        store = TicketStore(root / "report.json", create=True)
        store.add_many(sopdash_tickets(options.report_tickets, rng))
        since = (NOW - REPORT_SPAN).date().isoformat()
        parse = [sys.executable, "-c", f"import gc, orjson; gc.disable(); orjson.loads(open({str(store.path)!r}, 'rb').read())"]
        baseline, report = [], []
        for _ in range(options.runs):  # interleaved, so both see the same machine
            baseline.append(run(parse, env)[0])
            report.append(run(sopdash("report", "--db", str(store.path), "--since", since), env)[0])
        median = statistics.median(report)
        print(f"report: {options.report_tickets} tickets, {breach_count(store, since, env)} breaches listed: "
              f"median {median:.2f} s of {options.runs} runs (min {min(report):.2f}, max {max(report):.2f}; "
              f"target {REPORT_TARGET_S:.0f} s) {'ok' if median <= REPORT_TARGET_S else 'SLOW'}")
        print(f"  baseline, a fresh interpreter parsing the same {store.path.stat().st_size / 1e6:.0f} MB file with orjson: "
              f"median {statistics.median(baseline):.2f} s; the report takes "
              f"{median / statistics.median(baseline):.1f} x that")
        print("  in one process: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in report_phases(store, since)))


def breach_count(store: TicketStore, since: str, env: dict[str, str]) -> int:
    """How many breaches the report lists (its JSON form says)."""
    _, out = run(sopdash("report", "--db", str(store.path), "--since", since, "--format", "json"), env)
    return len(orjson.loads(out)["breaches"])


def report_phases(store: TicketStore, since: str) -> list[tuple[str, float]]:
    """Where the report's time goes, all in this process: reading the store, reading the clocks and counting,
    rendering. The command shares the first two among processes."""
    gc.disable()
    policy = SlaPolicy.from_config({"calendar": {"timezone": "UTC"}})
    started = time.perf_counter()
    tickets = store.history()
    loaded = time.perf_counter()
    report = build_report(tickets, policy, *resolve_period(since, None, NOW, timezone.utc), NOW)
    built = time.perf_counter()
    render_text(report)
    rendered = time.perf_counter()
    return [("load", loaded - started), ("build", built - loaded), ("render", rendered - built)]


if __name__ == "__main__":
    main()
