"""The dashboard branch of `sopdash`: the only CLI code that loads the TUI, and with it Textual."""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import replace
from pathlib import Path

from sopdash.cli.context import desk_on, settings_for, store_path_for
from sopdash.cli.init_command import offer_new_store
from sopdash.clock import clock_from_env
from sopdash.core.roster import Member, Roster
from sopdash.desk.identity import current_login
from sopdash.store.opening import store_exists


def run_store_dashboard(args: argparse.Namespace) -> int:
    """The dashboard on the store in effect; where there is none, asks whether to create an empty one."""
    settings = settings_for(args)
    location = store_path_for(args, settings)
    if not store_exists(location):
        offer_new_store(location)
    desk = desk_on(location, settings)
    from sopdash.tui.app import run_dashboard  # Textual loads only once the store opened fine

    return run_dashboard(desk, settings)


def run_demo_dashboard(args: argparse.Namespace) -> int:
    """The dashboard on a fresh demo store in a temporary directory, removed on quit."""
    from sopdash.demo import DEMO_ROSTER, write_demo_store
    from sopdash.tui.app import run_dashboard

    settings = settings_for(args)
    # In the demo the person trying it is a manager too, so every action can be tried.
    you = Member(current_login(), tier=3, manager=True)
    # The demo's clients are made up: no mail leaves, whatever the config's [mail] says.
    roster = Roster({**DEMO_ROSTER.members, **settings.roster.members, you.login: you})
    settings = replace(settings, roster=roster, mail=None)
    with tempfile.TemporaryDirectory(prefix="sopdash-demo-") as directory:
        path = Path(directory) / "tickets.json"
        write_demo_store(path, clock_from_env(os.environ)(), settings.policy)
        return run_dashboard(desk_on(path, settings), settings)
