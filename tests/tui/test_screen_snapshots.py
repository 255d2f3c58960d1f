"""Issue 24 at 80x24 and 120x40: the header (privacy on, failed mail), the filter hint, a long login in the assignee
column, a wrapped timeline with an edit, and the empty store."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_fixtures import ME, fixture_tickets, make_app, minutes_ago, write_store
from test_dashboard_snapshots import after
from test_screen_papercuts import failed_mail_ticket

from sopdash.core import rules
from sopdash.core.edit import edit

SIZES = [(80, 24), (120, 40)]


def layout_tickets():
    """The fixture's tickets, the first held by a long login with a long note and an edit, and a failed mail."""
    tickets = fixture_tickets()
    first = rules.note(tickets[0], ME, minutes_ago(44), "Called Dana: the whole office lost mail after the relay " * 3)
    first = edit(first, ME, minutes_ago(43), subject="Email down for the whole office (relay)", name="Dana Smith-Jones")
    tickets[0] = rules.assign(first, ME, minutes_ago(42), "nosuchtech")
    return [*tickets, failed_mail_ticket(11)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_header_assignee_and_timeline(snap_compare, tmp_path: Path, size):
    app = make_app(write_store(tmp_path / "t.json", layout_tickets()))
    assert snap_compare(app, terminal_size=size, run_before=after("j", "2", "G"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_header_with_privacy_on(snap_compare, tmp_path: Path, size):
    app = make_app(write_store(tmp_path / "t.json", layout_tickets()), privacy=True)
    assert snap_compare(app, terminal_size=size, run_before=after())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_filter_hint(snap_compare, store_path: Path, size):
    assert snap_compare(make_app(store_path), terminal_size=size, run_before=after("slash"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_empty_store(snap_compare, tmp_path: Path, size):
    assert snap_compare(make_app(write_store(tmp_path / "t.json", [])), terminal_size=size, run_before=after())
