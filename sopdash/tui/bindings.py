"""Every key of the dashboard (listed in the README), each with an id so `[keys]` in the config can remap it.

`[keys]` maps a binding id to one key or a comma-separated list, e.g. `acknowledge = "ctrl+a"`.
Quick views: `V` cycles them, F2–F9 jump straight to one (open, mine, unassigned, new, breaching,
waiting, escalated, all).
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import Binding

from sopdash.core.errors import ConfigError
from sopdash.core.queue import VIEWS

APP_BINDINGS = [
    # The footer shows the bindings with show=True in this order: the SOP's actions first, quit last.
    Binding("question_mark", "help", "help", key_display="?", id="help"),
    Binding("slash", "filter", "filter", key_display="/", id="filter"),
    Binding("a", "ticket('acknowledge')", "ack", id="acknowledge"),
    Binding("e", "ticket('escalate')", "escalate", id="escalate"),
    Binding("v", "ticket('resolve')", "resolve", id="resolve"),
    Binding("s", "sort", "sort", id="sort"),
    Binding("V", "next_view", "view", id="next-view"),
    Binding("x", "privacy", "privacy", id="privacy"),
    Binding("q", "quit", "quit", id="quit"),
    Binding("p", "ticket('priority')", "set priority (SOP 2C)", show=False, id="priority"),
    Binding("A", "ticket('assign')", "assign to a technician", show=False, id="assign"),
    Binding("m", "ticket('assign_to_me')", "assign to me", show=False, id="assign-to-me"),
    Binding("n", "ticket('note')", "internal note (SOP 2D)", show=False, id="note"),
    Binding("R", "ticket('reply')", "public reply to the client", show=False, id="reply"),
    Binding("w", "ticket('waiting')", "waiting on the client, on/off", show=False, id="waiting"),
    Binding("t", "ticket('step')", "current troubleshooting step done (SOP 4C)", show=False, id="step"),
    Binding("c", "ticket('close')", "close a resolved ticket (SOP 2E)", show=False, id="close"),
    Binding("o", "ticket('reopen')", "reopen a resolved or closed ticket", show=False, id="reopen"),
    Binding("O", "other_ticket", "the requester's next other ticket", show=False, id="other-ticket"),
    Binding("space", "mark", "mark for a bulk action", show=False, id="mark"),
    Binding("N", "new_ticket", "new ticket", show=False, id="new-ticket"),
    Binding("E", "edit_ticket", "edit subject, category or requester", show=False, id="edit-ticket"),
    Binding("M", "ticket('manager_acknowledge')", "manager acknowledges the flag (SOP 6B)", show=False, id="manager-acknowledge"),
    Binding("tab", "next_pane", "next pane", show=False, id="next-pane"),
    Binding("shift+tab", "previous_pane", "previous pane", show=False, id="previous-pane"),
    Binding("1", "focus_pane('queue')", "queue pane", show=False, id="pane-queue"),
    Binding("2", "focus_pane('detail')", "ticket detail pane", show=False, id="pane-detail"),
    Binding("3", "focus_pane('escalations')", "escalations pane", show=False, id="pane-escalations"),
    Binding("colon", "go_to", "go to ticket #", key_display=":", show=False, id="go-to"),
    Binding("S", "reverse_sort", "reverse the sort", show=False, id="reverse-sort"),
    *(
        Binding(f"f{n}", f"view('{view.name}')", f"view: {view.title}", show=False, id=f"view-{view.name}")
        for n, view in enumerate(VIEWS, start=2)
    ),
    Binding("i", "stats", "SLA statistics for the last 4 weeks", show=False, id="stats"),
    Binding("r", "reload", "reload the store now", show=False, id="reload"),
    Binding("ctrl+p", "command_palette", "palette", show=False, priority=True, id="palette"),
]

LIST_BINDINGS = [
    Binding("down,j", "cursor_down", "down", show=False, id="cursor-down"),
    Binding("up,k", "cursor_up", "up", show=False, id="cursor-up"),
    Binding("g,home", "cursor_first", "top", show=False, id="cursor-top"),
    Binding("G,end", "cursor_last", "bottom", show=False, id="cursor-bottom"),
    Binding("pagedown", "page_down", "page down", show=False, id="page-down"),
    Binding("pageup", "page_up", "page up", show=False, id="page-up"),
    Binding("enter", "open", "open", show=False, id="open"),
]

DETAIL_BINDINGS = [
    Binding("down,j", "scroll_down", "down", show=False, id="cursor-down"),
    Binding("up,k", "scroll_up", "up", show=False, id="cursor-up"),
    Binding("g,home", "scroll_home", "top", show=False, id="cursor-top"),
    Binding("G,end", "scroll_end", "bottom", show=False, id="cursor-bottom"),
]

BINDING_IDS = frozenset(binding.id for binding in (*APP_BINDINGS, *LIST_BINDINGS, *DETAIL_BINDINGS) if binding.id)


def keymap(keys: Mapping[str, str]) -> dict[str, str]:
    """The config's `[keys]` table as a Textual keymap; ConfigError for an id no binding has."""
    unknown = sorted(set(keys) - BINDING_IDS)
    if unknown:
        raise ConfigError(f"keys.{unknown[0]}", f"no such binding (known: {', '.join(sorted(BINDING_IDS))})")
    return dict(keys)
