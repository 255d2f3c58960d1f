"""The dashboard branch of `sopdash`: the only CLI code that loads the TUI, and with it Textual."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from sopdash.cli.context import desk_on, settings_for, store_path_for
from sopdash.clock import clock_from_env


def run_store_dashboard(args: argparse.Namespace) -> int:
    """The dashboard on the store in effect."""
    settings = settings_for(args)
    desk = desk_on(store_path_for(args, settings), settings)
    from sopdash.tui.app import run_dashboard  # Textual loads only once the store opened fine

    return run_dashboard(desk, settings)


def run_demo_dashboard(args: argparse.Namespace) -> int:
    """The dashboard on a fresh demo store in a temporary directory, removed on quit."""
    from sopdash.demo import write_demo_store
    from sopdash.tui.app import run_dashboard

    settings = settings_for(args)
    with tempfile.TemporaryDirectory(prefix="sopdash-demo-") as directory:
        path = Path(directory) / "tickets.json"
        write_demo_store(path, clock_from_env(os.environ)(), settings.policy)
        return run_dashboard(desk_on(path, settings), settings)
