"""Regenerate the dashboard screenshots in screenshots/ from the fixtures the snapshot tests use.

Run: .venv/bin/python screenshots/make_screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "tui"))

from dashboard_fixtures import fixture_tickets, make_app, settle, untrusted_tickets, write_store  # noqa: E402
from textual.widgets import Input  # noqa: E402

TRUECOLOR = {"COLORTERM": "truecolor", "TERM": "xterm-256color"}
SIXTEEN_COLOURS = {"COLORTERM": "", "TERM": "screen"}
NO_COLOR = {**TRUECOLOR, "NO_COLOR": "1"}

# (file name, terminal size, keys to press, terminal environment, app options)
SHOTS = [
    ("dashboard-120x40", (120, 40), (), TRUECOLOR, {}),
    ("dashboard-80x24", (80, 24), (), TRUECOLOR, {}),
    ("ticket-detail-120x40", (120, 40), tuple("jjjjj"), TRUECOLOR, {}),
    ("escalations-80x24", (80, 24), ("3",), TRUECOLOR, {}),
    ("filter-80x24", (80, 24), ("slash", *"p:high"), TRUECOLOR, {}),
    ("privacy-120x40", (120, 40), ("j",), TRUECOLOR, {"privacy": True}),
    ("sixteen-colours-120x40", (120, 40), (), SIXTEEN_COLOURS, {}),
    ("no-color-120x40", (120, 40), (), NO_COLOR, {}),
    ("help-80x24", (80, 24), ("question_mark",), TRUECOLOR, {}),
]


@contextmanager
def terminal(variables: dict[str, str]) -> Iterator[None]:
    """The environment a terminal would give the app (an empty value unsets the variable)."""
    saved = {name: os.environ.get(name) for name in variables}
    for name, value in variables.items():
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def shoot(store: Path, name: str, size: tuple[int, int], keys: tuple[str, ...], env: dict, options: dict) -> Path:
    with terminal(env):
        app = make_app(store, **options)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        for field in app.query(Input):
            field.cursor_blink = False
        return Path(app.save_screenshot(f"{name}.svg", path=str(HERE)))


async def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        store = write_store(Path(directory) / "tickets.json", fixture_tickets())
        untrusted = write_store(Path(directory) / "untrusted.json", untrusted_tickets())
        for name, size, keys, env, options in SHOTS:
            print(await shoot(store, name, size, keys, env, options))
        print(await shoot(untrusted, "untrusted-text-120x40", (120, 40), ("j", "j"), TRUECOLOR, {}))


if __name__ == "__main__":
    asyncio.run(main())
