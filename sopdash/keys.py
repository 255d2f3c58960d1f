"""Every dashboard key as Textual-free rows, and the config's `[keys]` table checked against their ids.

The CLI (`check`, `config`) must not import Textual, so the rows live here and `sopdash.tui.bindings`
builds its `Binding` objects from them. `[keys]` maps a binding id to one key or a comma-separated list,
e.g. `acknowledge = "ctrl+a"`. Quick views: `V` cycles them, F2–F9 jump straight to one (open, mine,
unassigned, new, breaching, waiting, escalated, all).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from sopdash.core.errors import ConfigError
from sopdash.core.queue import VIEWS


class Key(NamedTuple):
    """One dashboard binding: its `[keys]` id, default keys, Textual action and help text."""

    id: str
    keys: str
    action: str
    description: str
    show: bool = False
    """Shown in the footer."""
    key_display: str | None = None
    priority: bool = False


APP_KEYS = (
    # The footer shows the keys with show=True in this order: the SOP's actions first, quit last.
    Key("help", "question_mark", "help", "help", show=True, key_display="?"),
    Key("filter", "slash", "filter", "filter", show=True, key_display="/"),
    Key("acknowledge", "a", "ticket('acknowledge')", "ack", show=True),
    Key("escalate", "e", "ticket('escalate')", "escalate", show=True),
    Key("resolve", "v", "ticket('resolve')", "resolve", show=True),
    Key("sort", "s", "sort", "sort", show=True),
    Key("next-view", "V", "next_view", "view", show=True),
    Key("privacy", "x", "privacy", "privacy", show=True),
    Key("quit", "q", "quit", "quit", show=True),
    Key("priority", "p", "ticket('priority')", "set priority (SOP 2C)"),
    Key("assign", "A", "ticket('assign')", "assign to a technician"),
    Key("assign-to-me", "m", "ticket('assign_to_me')", "assign to me"),
    Key("note", "n", "ticket('note')", "internal note (SOP 2D)"),
    Key("reply", "R", "ticket('reply')", "public reply to the client"),
    Key("waiting", "w", "ticket('waiting')", "waiting on the client, on/off"),
    Key("step", "t", "ticket('step')", "current troubleshooting step done (SOP 4C)"),
    Key("close", "c", "ticket('close')", "close a resolved ticket (SOP 2E)"),
    Key("reopen", "o", "ticket('reopen')", "reopen a resolved or closed ticket"),
    Key("other-ticket", "O", "other_ticket", "the requester's next other ticket"),
    Key("mark", "space", "mark", "mark for a bulk action"),
    Key("new-ticket", "N", "new_ticket", "new ticket"),
    Key("edit-ticket", "E", "edit_ticket", "edit subject, category or requester"),
    Key("manager-acknowledge", "M", "ticket('manager_acknowledge')", "manager acknowledges the flag (SOP 6B)"),
    Key("next-pane", "tab", "next_pane", "next pane"),
    Key("previous-pane", "shift+tab", "previous_pane", "previous pane"),
    Key("pane-queue", "1", "focus_pane('queue')", "queue pane"),
    Key("pane-detail", "2", "focus_pane('detail')", "ticket detail pane"),
    Key("pane-escalations", "3", "focus_pane('escalations')", "escalations pane"),
    Key("go-to", "colon", "go_to", "go to ticket #", key_display=":"),
    Key("reverse-sort", "S", "reverse_sort", "reverse the sort"),
    *(Key(f"view-{view.name}", f"f{n}", f"view('{view.name}')", f"view: {view.title}") for n, view in enumerate(VIEWS, start=2)),
    Key("stats", "i", "stats", "SLA statistics for the last 4 weeks"),
    Key("handover", "H", "handover", "shift hand-over: since you last looked (SOP 2B)"),
    Key("reload", "r", "reload", "reload the store now"),
    Key("palette", "ctrl+p", "command_palette", "palette", priority=True),
)
LIST_KEYS = (
    Key("cursor-down", "down,j", "cursor_down", "down"),
    Key("cursor-up", "up,k", "cursor_up", "up"),
    Key("cursor-top", "g,home", "cursor_first", "top"),
    Key("cursor-bottom", "G,end", "cursor_last", "bottom"),
    Key("page-down", "pagedown", "page_down", "page down"),
    Key("page-up", "pageup", "page_up", "page up"),
    Key("open", "enter", "open", "open"),
)
DETAIL_KEYS = (
    Key("cursor-down", "down,j", "scroll_down", "down"),
    Key("cursor-up", "up,k", "scroll_up", "up"),
    Key("cursor-top", "g,home", "scroll_home", "top"),
    Key("cursor-bottom", "G,end", "scroll_end", "bottom"),
)
HANDOVER_KEYS = (
    Key("handover-acknowledge", "a", "acknowledge", "acknowledge the hand-over", show=True),
    Key("handover-note", "n", "note", "leave a note for the next shift", show=True),
    Key("handover-close", "escape,q", "close", "close", show=True),
    Key("handover-down", "down,j", "scroll('down')", "down"),
    Key("handover-up", "up,k", "scroll('up')", "up"),
)
BINDING_IDS = frozenset(key.id for key in (*APP_KEYS, *LIST_KEYS, *DETAIL_KEYS, *HANDOVER_KEYS))
_KEY = re.compile(r"[^\s,\x00-\x1f\x7f-\x9f]+")  # a Textual key name: `a`, `ctrl+a`, `f2`, `question_mark`


def check_keys(keys: Mapping[str, Any]) -> dict[str, str]:
    """The `[keys]` table as {binding id: keys}; ConfigError naming `keys.ID` for an unknown id or a bad key list."""
    unknown = sorted(set(keys) - BINDING_IDS)
    if unknown:
        raise ConfigError(f"keys.{unknown[0]}", f"no such binding (known: {', '.join(sorted(BINDING_IDS))})")
    for binding_id, value in keys.items():
        parts = value.split(",") if isinstance(value, str) else []
        if not parts or not all(_KEY.fullmatch(part.strip()) for part in parts):
            raise ConfigError(f"keys.{binding_id}", f"{value!r} is not a key or comma-separated keys like \"ctrl+a,F\"")
    return dict(keys)
