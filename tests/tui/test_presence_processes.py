"""Two dashboards on one store, each in its own process: one sees the other open a ticket and start a reply
within 2 s, and sees it gone once its process is killed."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

from dashboard_fixtures import fixture_tickets, make_app, settle, write_store

OTHER_DASHBOARD = """
import asyncio, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from dashboard_fixtures import make_app, until
from sopdash.tui.dialogs.writing_dialog import WritingDialog

async def main():
    app = make_app(Path(sys.argv[1]))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.dashboard.current_id is not None)  # `R` answers the ticket shown: wait for the board
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, WritingDialog))
        print("replying", flush=True)
        await asyncio.sleep(60)  # bounded: the test kills it long before

asyncio.run(main())
"""


async def until(pilot, condition, within_s: float) -> float:
    """Tick the dashboard until `condition()` holds; how long it took (fails after `within_s`)."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < within_s, "not seen in time"
        pilot.app.dashboard.presence_watch.share()
        await settle(pilot)
        await asyncio.sleep(0.1)
    return time.monotonic() - start


async def test_another_dashboard_process_is_seen_writing_and_gone_when_killed(tmp_path: Path):
    path = write_store(tmp_path / "t.json", fixture_tickets())
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        other = subprocess.Popen(
            [sys.executable, "-c", OTHER_DASHBOARD, str(path), str(Path(__file__).parent)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert other.stdout.readline().strip() == "replying"
            seen_s = await until(pilot, lambda: "is writing a reply" in app.dashboard.detail.plain_text(), 2.0)
        finally:
            other.send_signal(signal.SIGKILL)
            other.wait(timeout=10)
        gone_s = await until(pilot, lambda: "is writing" not in app.dashboard.detail.plain_text(), 10.0)
    assert seen_s < 2.0 and gone_s < 10.0
