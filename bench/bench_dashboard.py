"""How fast the dashboard answers: key press to repaint on 500 and 50,000 tickets, startup, and another
process's change to screen, each against an empty app's key press measured in the same run.

Run: .venv/bin/python bench/bench_dashboard.py [--big 50000]
Targets: startup under a second on 500 tickets; a key press repaints within 50 ms; at 50,000 tickets a
cursor key costs what it costs at 500 (nothing in a key press grows with the store).

"Repaint" is the moment Textual hands a finished frame to the terminal driver (App._display), so
the figures include the layout and line rendering, not the terminal's own drawing.
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
from datetime import datetime, timedelta, timezone
from pathlib import Path

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Static

from sopdash.config import settings_from_document
from sopdash.core import rules
from sopdash.core.model import PRIORITIES, Requester, Ticket
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.app import SopdashApp

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)
SIZE = (120, 40)
PRESSES = 40
QUIET_S = 0.08  # between keys, and how long after a key its last frame may come
SETTINGS = settings_from_document({"calendar": {"timezone": "America/New_York"}}, Path("bench.toml"))
SUBJECTS = ("Laptop will not boot", "VPN drops", "Printer jams", "Password reset", "Outlook crashes", "Wi-Fi slow")
NAMES = ("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Ken Thompson")


def make_tickets(count: int, open_share: float, seed: int = 1) -> list[Ticket]:
    """Tickets created over the last 30 days; `open_share` of them still open."""
    rng = random.Random(seed)
    tickets = []
    for n in range(count):
        created = NOW - timedelta(minutes=rng.randrange(1, 60 * 24 * 30))
        subject = f"{rng.choice(SUBJECTS)} ({n})"
        requester = Requester(rng.choice(NAMES), f"user{n}@example.com")
        ticket = rules.create(n + 1, subject, requester, created, "intake", priority=rng.choice(PRIORITIES))
        if rng.random() < 0.7:
            ticket = rules.acknowledge(ticket, "amara", created + timedelta(minutes=rng.randrange(1, 600)), "Hello")
        if rng.random() > open_share:
            ticket = rules.resolve(ticket, "amara", min(NOW, created + timedelta(minutes=rng.randrange(601, 6000))), "done")
        elif rng.random() < 0.2:
            ticket = rules.set_waiting(ticket, "amara", min(NOW, created + timedelta(minutes=rng.randrange(601, 2000))))
        tickets.append(ticket)
    return tickets


def running_clock():
    """Time that passes, starting at NOW, so every tick has clocks to advance."""
    start = time.monotonic()
    return lambda: NOW + timedelta(seconds=time.monotonic() - start)


class Frames:
    """Records when the app hands a frame to the driver."""

    def __init__(self, app: App) -> None:
        self.times: list[float] = []
        display = app._display

        def record(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.times.append(time.perf_counter())

        app._display = record  # type: ignore[method-assign]

    @property
    def last(self) -> float:
        return self.times[-1] if self.times else 0.0

    async def after(self, started: float, timeout: float = 60.0) -> float:
        """Seconds from `started` to the first frame after it."""
        deadline = time.perf_counter() + timeout
        while self.last < started and time.perf_counter() < deadline:
            await asyncio.sleep(0.0005)
        return next(t for t in self.times if t >= started) - started


async def key_latencies(app: App, frames: Frames, keys: list[str]) -> tuple[list[float], list[float]]:
    """Send each key as the terminal driver would; time it to the first frame, and to the last one it caused."""
    first, settled = [], []
    for key in keys:
        await asyncio.sleep(QUIET_S)
        started = time.perf_counter()
        app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
        first.append(await frames.after(started))
        await asyncio.sleep(QUIET_S)
        settled.append(max(t for t in frames.times if t >= started) - started)
    return first, settled


async def since(started: float, frames: Frames) -> float:
    """Seconds from `started` to the first frame from now on (the change just seen is then on screen)."""
    seen = time.perf_counter()
    return seen - started + await frames.after(seen)


def import_time() -> float:
    """Seconds Python takes to import the dashboard, over starting Python at all."""

    def run(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - started

    return min(run("import sopdash.tui.app") for _ in range(3)) - min(run("pass") for _ in range(3))


class EmptyApp(App):
    """The baseline: a key that changes one line of text."""

    BINDINGS = [("j", "step", "step"), ("k", "step", "step")]

    def compose(self) -> ComposeResult:
        yield Static("0", id="count")

    def action_step(self) -> None:
        count = self.query_one("#count", Static)
        count.update(str(int(str(count.render())) + 1))


async def baseline() -> list[float]:
    app = EmptyApp()
    frames = Frames(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        return (await key_latencies(app, frames, ["j", "k"] * (PRESSES // 2)))[0]


async def dashboard(path: Path) -> dict[str, float]:
    """Startup, cursor keys, a re-sort and an external change, on the store at `path`."""
    desk = Desk(TicketStore(path), SETTINGS.policy, SETTINGS.roster, "amara", running_clock())
    started = time.perf_counter()
    app = SopdashApp(desk, SETTINGS)
    frames = Frames(app)
    figures: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        while not app.dashboard.queue.arrangement.rows:
            await asyncio.sleep(0.001)
        figures["startup (app start to tickets on screen)"] = await since(started, frames)
        await pilot.pause(0.3)
        moves, moves_settled = await key_latencies(app, frames, ["j", "k"] * (PRESSES // 2))
        jumps, jumps_settled = await key_latencies(app, frames, ["G", "g", "pagedown", "pageup"] * 3)
        figures["j/k: cursor repainted (median)"] = statistics.median(moves)
        figures["j/k: cursor repainted (p95)"] = percentile(moves, 0.95)
        figures["j/k: detail pane too (median)"] = statistics.median(moves_settled)
        figures["j/k: detail pane too (p95)"] = percentile(moves_settled, 0.95)
        figures["G/g/page keys: all repainted (median)"] = statistics.median(jumps_settled)
        app.dashboard.loader.reload()
        during, during_settled = await key_latencies(app, frames, ["j", "k"] * 5)
        figures["j/k while the store reloads (median)"] = statistics.median(during_settled)
        figures["j/k while the store reloads (max)"] = max(during_settled)
        await app.workers.wait_for_complete()
        sorted_before = app.dashboard.queue.arrangement
        started = time.perf_counter()
        app._driver.send_message(events.Key("s", "s"))
        while app.dashboard.queue.arrangement is sorted_before:
            await asyncio.sleep(0.001)
        figures["re-sort (s), done in a worker"] = await since(started, frames)
        await app.workers.wait_for_complete()
        new_id = len(app.dashboard.board.rows) + 1
        started = time.perf_counter()
        TicketStore(path).add(
            lambda ticket_id: rules.create(ticket_id, "Fire alarm", Requester("Joe"), NOW, "intake", priority="urgent")
        )
        while new_id not in app.dashboard.queue.arrangement.index:
            await asyncio.sleep(0.05)  # a coarse poll: a busy main thread would slow the loading worker down
        figures["another process's new ticket on screen"] = await since(started, frames)
        await app.workers.wait_for_complete()
    return figures


def percentile(values: list[float], share: float) -> float:
    return sorted(values)[max(0, round(len(values) * share) - 1)]


def write_store(directory: Path, count: int, open_share: float) -> Path:
    path = directory / f"tickets-{count}.json"
    TicketStore(path, create=True).add_many(make_tickets(count, open_share))
    return path


def report(title: str, figures: dict[str, float], base: float) -> None:
    print(f"\n{title}")
    for name, seconds in figures.items():
        print(f"  {name:<44} {seconds * 1000:9.1f} ms  {seconds / base:8.1f} x baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=50_000, help="tickets in the big store (default 50,000)")
    args = parser.parse_args()
    os.environ.setdefault("COLORTERM", "truecolor")
    base_times = asyncio.run(baseline())
    base = statistics.median(base_times)
    print(f"baseline: an empty app's key press to repaint, median {base * 1000:.1f} ms")
    print(f"importing the dashboard: {import_time() * 1000:.0f} ms")
    with tempfile.TemporaryDirectory(prefix="sopdash-bench-") as directory:
        small = write_store(Path(directory), 500, open_share=1.0)
        report("500 open tickets", asyncio.run(dashboard(small)), base)
        started = time.perf_counter()
        big = write_store(Path(directory), args.big, open_share=0.15)
        print(f"\n(writing the {args.big:,}-ticket store took {time.perf_counter() - started:.1f} s)")
        report(f"{args.big:,} tickets, 15% open", asyncio.run(dashboard(big)), base)


if __name__ == "__main__":
    main()
