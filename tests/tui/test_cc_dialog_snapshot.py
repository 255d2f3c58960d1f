"""How the Cc dialog (`C`) looks at 80x24: the list as it stands, shown literally, and a refused address."""

from __future__ import annotations

from dialog_host import DialogHost, make_ticket

from sopdash.tui.dialogs.cc_dialog import CcDialog

SIZE = (80, 24)
CC = ("lead@example.com", "[b]markup@example.com")


def test_cc_dialog_snapshot(snap_compare):
    keys = [*"nobody", "enter"]
    assert snap_compare(DialogHost(lambda: CcDialog(make_ticket(cc=CC))), press=keys, terminal_size=SIZE)


def test_cc_dialog_private_snapshot(snap_compare):
    assert snap_compare(DialogHost(lambda: CcDialog(make_ticket(cc=CC), privacy=True)), terminal_size=SIZE)
