"""The dashboard on a store, for bench_archive.py: prints a line as each moment comes, as `name seconds MB cpu`
(cpu: processor seconds this process has used so far).

Run by the bench as its own process, so that its memory is the dashboard's alone:
  python bench/dashboard_probe.py STORE TICKET_ID
`queue`: the queue is on screen (seconds since the bench started this process, which it adds); `change`:
another process's note on TICKET_ID is on screen, seconds after it replaced the live file; `archive`: the "all" view
(its newest page of history) is on screen, seconds after the key. MB is the resident peak so far.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

from sopdash.cli.context import desk_on
from sopdash.config import load_settings
from sopdash.tui.app import SopdashApp

SIZE = (120, 40)


def peak_mb() -> float:
    """VmHWM: the most this process has had resident."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def tell(name: str, seconds: float) -> None:
    print(f"{name} {seconds:.3f} {peak_mb():.0f} {time.process_time():.3f}", flush=True)


async def probe(path: Path, ticket_id: int) -> None:
    settings = load_settings()
    app = SopdashApp(desk_on(path, settings), settings)
    async with app.run_test(size=SIZE) as pilot:
        while not app.dashboard.queue.arrangement.rows:
            await asyncio.sleep(0.005)
        tell("queue", 0.0)
        await pilot.pause(0.5)
        before = app.dashboard.board.by_id[ticket_id].ticket.version
        subprocess.run([sys.executable, "-m", "sopdash", "ticket", "note", str(ticket_id), "probe", "--db", str(path)],
                       check=True, stdout=subprocess.DEVNULL)
        while app.dashboard.board.by_id[ticket_id].ticket.version == before:
            await asyncio.sleep(0.01)
        tell("change", time.time() - path.stat().st_mtime)  # since the note replaced the live file
        asked = time.perf_counter()
        app.dashboard.action_view("all")
        await all_view_shown(app)
        tell("archive", time.perf_counter() - asked)


async def all_view_shown(app: SopdashApp) -> None:
    """Wait until the "all" view's first page of history is read and on screen (asked for by the view's switch, which
    says so in the title at once: the read's arrival clears it and shows the queue in one step)."""
    loader = app.dashboard.loader
    while loader.busy or loader.progress:
        await asyncio.sleep(0.005)


if __name__ == "__main__":
    asyncio.run(probe(Path(sys.argv[1]), int(sys.argv[2])))
