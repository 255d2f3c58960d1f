"""How the detail pane shows a ticket's links and the entries a merge brought, at 80x24."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import ME, make_app, minutes_ago, new, write_store
from test_dashboard_snapshots import after

from sopdash.core import links, merge


def linked_tickets():
    outage = new(1, "Network outage on floor 3", "Dana Smith", 60, "urgent")
    printer = new(2, "Printer offline", "Lee Wong", 50, "high")
    server = new(3, "Cannot reach the file server", "Ann Lee", 40, "high")
    duplicate = new(4, "Whole floor has no network", "Raj Patel", 70, "high")
    outage, printer = links.link(outage, "child", printer, ME, minutes_ago(30))
    outage, server = links.link(outage, "child", server, ME, minutes_ago(29))
    duplicate, outage = merge.merge(duplicate, outage, ME, minutes_ago(20))
    return [outage, printer, server, duplicate]


def test_detail_with_links_80x24(snap_compare, tmp_path: Path):
    app = make_app(write_store(tmp_path / "tickets.json", linked_tickets()))
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("colon", "1", "enter", "2"))


def test_detail_timeline_with_merged_history_80x24(snap_compare, tmp_path: Path):
    app = make_app(write_store(tmp_path / "tickets.json", linked_tickets()))
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("colon", "1", "enter", "2", "G"))
