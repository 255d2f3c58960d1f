"""How each dialog looks at 80x24 over a stand-in queue, with fixed data."""

from __future__ import annotations

import pytest
from dialog_host import TEAM, DialogHost, make_ticket
from textual.binding import Binding
from textual.widgets import TextArea

from sopdash.tui.dialogs import (
    AssignDialog,
    ConfirmDialog,
    EscalateDialog,
    GotoDialog,
    PriorityDialog,
    ResolveDialog,
    TextDialog,
)
from sopdash.tui.help_screen import HelpScreen

SIZE = (80, 24)

HELP = {
    "Queue": [
        Binding("j,down", "cursor_down", "Move down", id="queue.down"),
        Binding("k,up", "cursor_up", "Move up", id="queue.up"),
        Binding("g", "top", "Top", id="queue.top"),
        Binding("G", "bottom", "Bottom", id="queue.bottom"),
        Binding("slash", "filter", "Filter (p:high a:me s:waiting text)", id="queue.filter"),
        Binding("s", "sort", "Sort", id="queue.sort"),
    ],
    "Ticket": [
        Binding("a", "acknowledge", "Acknowledge (public receipt, SOP 4B)", id="ticket.ack"),
        Binding("p", "priority", "Set priority", id="ticket.priority"),
        Binding("n", "note", "Internal note", id="ticket.note"),
        Binding("R", "reply", "Public reply", id="ticket.reply"),
        Binding("e", "escalate", "Escalate", id="ticket.escalate"),
        Binding("v", "resolve", "Resolve", id="ticket.resolve"),
    ],
    "Everywhere": [
        Binding("colon", "goto", "Go to ticket", id="app.goto"),
        Binding("ctrl+p", "command_palette", "Command palette", id="app.palette"),
        Binding("question_mark", "help", "This help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ],
}


async def type_reply(pilot) -> None:
    pilot.app.screen.query_one(TextArea).insert("Your temporary password is Xk9pq; the printer is at 10.20.0.15.")
    await pilot.pause()


async def type_summary(pilot) -> None:
    pilot.app.screen.query_one(TextArea).insert("Replaced the worn fuser unit; test pages print cleanly.")
    await pilot.pause()


CLOSE_QUESTION = "Close ticket #1042 “Printer [URGENT] on 3rd floor jams”?"

CASES = {
    "confirm": (lambda: ConfirmDialog(CLOSE_QUESTION, "Close ticket", "Close", "Keep open"), [], None),
    "priority": (lambda: PriorityDialog(make_ticket(priority="medium", triaged=False)), [], None),
    "assign": (lambda: AssignDialog(make_ticket(), TEAM, me="dave"), ["c"], None),
    "note": (lambda: TextDialog(make_ticket(), "note"), [], None),
    "reply": (lambda: TextDialog(make_ticket(), "reply"), [], None),
    "reply_private": (lambda: TextDialog(make_ticket(), "reply", privacy=True), [], None),
    "acknowledge": (lambda: TextDialog(make_ticket(), "acknowledge"), [], None),
    "reply_sensitive": (lambda: TextDialog(make_ticket(), "reply", text=""), ["ctrl+s"], type_reply),
    "escalate_unsatisfied": (lambda: EscalateDialog(make_ticket()), ["u"], None),
    "escalate_refused": (lambda: EscalateDialog(make_ticket(tier=3)), [], None),
    "resolve": (lambda: ResolveDialog(make_ticket()), [], type_summary),
    "goto_empty": (lambda: GotoDialog(), ["enter"], None),
    "help": (lambda: HelpScreen(HELP), [], None),
}


@pytest.mark.parametrize("name", CASES)
def test_dialog_snapshot(name, snap_compare):
    make_dialog, keys, before = CASES[name]
    assert snap_compare(DialogHost(make_dialog), press=keys, terminal_size=SIZE, run_before=before)
