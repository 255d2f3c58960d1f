"""Every dashboard key as Textual-free rows, and the config's `[keys]` table checked against their ids.

The CLI (`check`, `config`) must not import Textual, so the rows live here and `sopdash.tui.bindings`
builds its `Binding` objects from them. `[keys]` maps a binding id to one key or a comma-separated list,
e.g. `acknowledge = "ctrl+a"`. Quick views: `V` cycles them, F2–F9 jump straight to one (open, mine,
unassigned, new, breaching, waiting, escalated, all).

`SCREEN_KEYS` holds the keys of every other screen and dialog (not remappable): each builds its bindings from
its rows (`sopdash.tui.bindings.screen_bindings`), and `?` lists them all, so the help cannot drift from the keys.

A key that moves focus is a priority binding: Textual runs those as the key arrives, before the next key is
handed to the focused widget, so what is typed right after it lands where the focus went (type-ahead in order).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from sopdash.core.errors import ConfigError
from sopdash.core.model import ESCALATION_REASONS, PRIORITIES
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
    help: str = ""
    """What `?` says, when the footer's short description is not enough."""


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
    Key("time", "T", "ticket('time')", "log time spent (billable or not)"),
    Key("close", "c", "ticket('close')", "close a resolved ticket (SOP 2E)"),
    Key("reopen", "o", "ticket('reopen')", "reopen a resolved or closed ticket"),
    Key("other-ticket", "O", "other_ticket", "the requester's next other ticket"),
    Key("mark", "space", "mark", "mark for a bulk action"),
    Key("new-ticket", "N", "new_ticket", "new ticket"),
    Key("edit-ticket", "E", "edit_ticket", "edit subject, category or requester"),
    Key("cc", "C", "ticket('cc')", "who is copied on the ticket's public mail (Cc)"),
    Key("manager-acknowledge", "F", "ticket('manager_acknowledge')", "manager acknowledges the flag (SOP 6B)"),
    Key("merge", "M", "ticket('merge')", "merge into another ticket (a duplicate)"),
    Key("link", "L", "ticket('link')", "link to another ticket: related, parent, child"),
    Key("next-pane", "tab", "next_pane", "next pane", priority=True),
    Key("previous-pane", "shift+tab", "previous_pane", "previous pane", priority=True),
    Key("pane-queue", "1", "focus_pane('queue')", "queue pane"),
    Key("pane-detail", "2", "focus_pane('detail')", "ticket detail pane"),
    Key("pane-escalations", "3", "focus_pane('escalations')", "escalations pane"),
    Key("go-to", "colon", "go_to", "go to ticket # or search", key_display=":"),
    Key("reverse-sort", "S", "reverse_sort", "reverse the sort"),
    Key("saved-views", "W", "saved_views", "saved views with their counts (1–9 switch)"),
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
    Key("explain-clock", "K", "screen.explain_clock", "why the clocks read so: every interval, counted or not"),
)
SUBMIT = "ctrl+s"
"""The one key that sends, saves or confirms every dialog (a yes/no question answers with y or n); a one-line
dialog takes enter too, and its footer names ctrl+s (`key_display`) like every other dialog's."""
_CANCEL = "cancel (asks first if you typed something)"

def _scrolling(screen: str) -> tuple[Key, ...]:
    """The keys that scroll a screen of text, like the ticket detail's."""
    return tuple(
        Key(f"{screen}.{name}", keys, f"scroll('{where}')", name.title())
        for name, keys, where in (("down", "j,down", "down"), ("up", "k,up", "up"), ("top", "g,home", "home"),
                                  ("bottom", "G,end", "end"))
    )


SCREEN_KEYS: dict[str, tuple[Key, ...]] = {
    "Every dialog": (
        Key("dialog.submit", SUBMIT, "submit", "send, save or confirm: what the dialog's first button says"),
        Key("dialog.cancel", "escape", "cancel", _CANCEL),
        Key("dialog.next-field", "tab", "app.focus_next", "next field", priority=True),
        Key("dialog.previous-field", "shift+tab", "app.focus_previous", "previous field", priority=True),
        Key("dialog.complete", "right", "cursor_right", "take the suggested completion (login, requester, category)"),
    ),
    "Reply, acknowledgement, note": (
        Key("text.send", SUBMIT, "send", "Send", show=True, help="send (a reply the client reads)"),
        Key("text.save", SUBMIT, "save", "Save", show=True, help="save (an internal note)"),
        Key("dialog.canned_reply", "ctrl+r", "canned_reply", "Canned reply", show=True,
            help="fill in a canned reply (not in a note)"),
        Key("text.cancel", "escape", "cancel", "Cancel", show=True, help=_CANCEL),
        Key("text.undo", "ctrl+z", "undo", "undo"),
        Key("text.redo", "ctrl+y", "redo", "redo"),
    ),
    "Resolve": (
        Key("resolve.confirm", SUBMIT, "resolve", "Resolve", show=True),
        Key("resolve.notify", "ctrl+n", "toggle_notify", "Notify client", show=True, help="notify the client, on/off"),
        Key("resolve.cancel", "escape", "cancel", "Cancel", show=True, help=_CANCEL),
    ),
    "Escalate": (
        Key("escalate.confirm", SUBMIT, "escalate", "Escalate", show=True, help="escalate (or enter in the note)"),
        *(Key(f"escalate.{reason}", reason[0], f"choose('{reason}')", reason, priority=True,
              help=f"reason: {reason}, then on to the note")
          for reason in ESCALATION_REASONS),
        Key("escalate.choose", "enter", "choose_highlighted", "Choose", show=True, priority=True,
            help="the highlighted reason, then on to the note"),
        Key("escalate.cancel", "escape", "cancel", "Cancel", show=True),
    ),
    "Priority": (
        *(Key(f"priority.{priority}", str(number), f"choose('{priority}')", priority, show=True)
          for number, priority in enumerate(PRIORITIES, start=1)),
        Key("priority.set", f"enter,{SUBMIT}", "choose_highlighted", "Set", show=True, priority=True, key_display="^s",
            help="set the highlighted priority"),
        Key("priority.cancel", "escape", "cancel", "Cancel", show=True),
    ),
    "Assign": (
        Key("assign.confirm", f"enter,{SUBMIT}", "assign", "Assign", show=True, priority=True, key_display="^s"),
        Key("assign.cancel", "escape", "cancel", "Cancel", show=True),
    ),
    "New ticket (N), edit ticket (E)": (
        Key("form.save", SUBMIT, "save", "Save", show=True, help="create or save"),
        Key("form.next", "enter", "next_field", "next field (in a one-line field)", priority=True),
        Key("form.cancel", "escape", "cancel", "Cancel", show=True, help=_CANCEL),
    ),
    "Canned reply": (
        Key("canned.pick", f"enter,{SUBMIT}", "pick", "Use", show=True, priority=True, key_display="^s", help="use the highlighted reply"),
        Key("canned.cancel", "escape", "cancel", "Cancel", show=True),
    ),
    "Go to ticket (:)": (
        Key("goto.go", f"enter,{SUBMIT}", "submit", "Go", show=True, key_display="^s"),
        Key("goto.cancel", "escape", "cancel", "Cancel", show=True),
    ),
    "Cc (C)": (
        Key("cc.confirm", f"enter,{SUBMIT}", "change", "Change", show=True, priority=True, key_display="^s",
            help="add the typed address (or remove `-address`)"),
        Key("cc.cancel", "escape", "cancel", "Cancel", show=True),
    ),
    "Merge (M)": (
        Key("merge.confirm", f"enter,{SUBMIT}", "merge", "Merge", show=True, priority=True, key_display="^s",
            help="merge into the ticket typed"),
        Key("merge.cancel", "escape", "cancel", "Cancel", show=True),
    ),
    "Link (L)": (
        Key("link.confirm", f"enter,{SUBMIT}", "link", "Link", show=True, priority=True, key_display="^s"),
        Key("link.cancel", "escape", "cancel", "Cancel", show=True),
        *(Key(f"link.{kind}", kind[0], f"choose({number})", kind, priority=True, help=f"{kind}")
          for number, kind in enumerate(("related", "parent", "child", "unlink"))),
    ),
    "Saved views (W)": (
        *(Key(f"views.{number}", str(number), f"choose({number - 1})", f"view {number}", help=f"show view {number}")
          for number in range(1, 10)),
        Key("views.show", f"enter,{SUBMIT}", "choose_highlighted", "Show", show=True, priority=True, key_display="^s"),
        Key("views.cancel", "escape", "cancel", "Cancel", show=True),
    ),
    "Search results (words in / or :)": (
        Key("search.back", "escape,q", "back", "Back", show=True),
        Key("search.down", "j", "cursor('down')", "Down"),
        Key("search.up", "k", "cursor('up')", "Up"),
    ),
    "Time spent (T)": (
        Key("time.confirm", f"enter,{SUBMIT}", "log", "Log time", show=True, priority=True, key_display="^s"),
        Key("time.cancel", "escape", "cancel", "Cancel", show=True),
    ),
    "Question": (
        Key("confirm.yes", "y,enter", "answer(True)", "Yes", show=True, priority=True),
        Key("confirm.no", "n,escape", "answer(False)", "No", show=True, priority=True),
    ),
    "Filter bar (/) and step note (t)": (
        Key("query-keep", "enter", "submit", "keep the filter, record the step"),
        Key("query-cancel", "escape", "cancel", "cancel", show=True),
    ),
    "SLA statistics (i)": (
        Key("stats.close", "escape,q", "close", "Close", show=True),
        *_scrolling("stats"),
        Key("stats.earlier", "left_square_bracket", "step(-1)", "Earlier", show=True, key_display="[",
            help="the period before"),
        Key("stats.later", "right_square_bracket", "step(1)", "Later", show=True, key_display="]",
            help="the period after"),
        Key("stats.week", "w", "unit('week')", "Week", show=True, help="periods of a week"),
        Key("stats.month", "m", "unit('month')", "Month", show=True, help="periods of a month"),
        Key("stats.period", "slash", "ask_period", "Period", show=True, key_display="/", help="type a period"),
    ),
    "Why the clock says so (K)": (
        Key("clock.close", "escape,q", "close", "Close", show=True),
        *_scrolling("clock"),
    ),
    "Keys (?)": (
        Key("help.close", "escape,q,question_mark", "close", "Close", show=True),
        *_scrolling("help"),
        Key("help.page-down", "pagedown,space", "scroll('page_down')", "Page down"),
        Key("help.page-up", "pageup", "scroll('page_up')", "Page up"),
    ),
}
"""Every other screen's and dialog's keys, by the heading `?` lists them under."""
SCREEN_KEY_IDS = {key.id: key for keys in SCREEN_KEYS.values() for key in keys}
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
