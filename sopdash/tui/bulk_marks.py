"""Bulk actions in the dashboard: `space` marks queue rows; assign, priority, note, escalate and waiting then act
on every marked ticket, each checked on its own by the desk, with one summary of what was done and refused.

The dialog asks once, for all of them: it is opened on a stand-in ticket (untriaged, unassigned, tier 1) so
that nothing about the ticket under the cursor decides for the others, and says it acts on the marked ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.notifications import SeverityLevel

from sopdash.core.display import priority_label
from sopdash.core.model import Ticket
from sopdash.core.text import one_line
from sopdash.desk import Desk
from sopdash.desk.bulk import act_on_each
from sopdash.tui.dialogs.base import Dialog, MarkedTickets
from sopdash.tui.dialogs.confirm_dialog import ConfirmDialog
from sopdash.tui.messages import BulkDone
from sopdash.tui.ticket_actions import ACTIONS

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

BULK = "bulk"  # worker group
BULK_ACTIONS = ("assign", "assign_to_me", "priority", "note", "escalate", "waiting")
BULK_TITLES = {
    "assign": "Assign",
    "assign_to_me": "Take",
    "priority": "Priority of",
    "note": "Internal note (never shown to the client) on",
    "escalate": "Escalate",
}
_LISTED = 8

BulkCall = Callable[[Desk, Ticket, Any], object]


def _waiting(value: bool) -> BulkCall:
    return lambda desk, t, _: desk.set_waiting(t.id, value, seen_version=t.version)


def bulk_description(name: str, value: Any) -> str:
    """What a bulk action did, for its summary: `assign to bo`, `priority high`, `escalate (timing)`."""
    if name in ("assign", "assign_to_me"):
        return f"assign to {value}"
    if name == "priority":
        return f"priority {value}"
    if name == "escalate":
        return f"escalate ({value.reason})"
    return {"note": "internal note", "waiting": "waiting on the client"}.get(name, name)


class BulkMarks:
    """Acting on the tickets `screen` has marked (its `marked`)."""

    def __init__(self, screen: DashboardScreen, desk: Desk) -> None:
        self.screen = screen
        self.desk = desk

    def act(self, name: str) -> bool:
        """Run a bulk-capable action on the marked tickets; False if nothing is marked or it is not one of them."""
        screen = self.screen
        if name not in BULK_ACTIONS or not screen.marked or screen.board is None:
            return False
        tickets = [screen.board.by_id[i].ticket for i in sorted(screen.marked) if i in screen.board.by_id]
        if not tickets:
            screen.marked = frozenset()
            return False
        if name == "waiting":
            value = any(t.status != "waiting" for t in tickets)
            self._send(tickets, _waiting(value), "waiting on the client" if value else "no longer waiting", None, None)
            return True
        action = ACTIONS[name]
        if name == "assign_to_me":
            dialog = _take_over(tickets, self.desk.actor)
        else:
            stand_in = Ticket(id=0, subject=f"{len(tickets)} marked tickets", created_at=self.desk.clock())
            dialog = action.ask(self.desk, stand_in, screen.privacy) if action.ask else None
        if dialog is None:
            self._send(tickets, action.call, bulk_description(name, self.desk.actor), None, None)
            return True
        dialog.marked = _marked(BULK_TITLES[name], tickets, name)
        dialog.sender = lambda value: self._send(tickets, action.call, bulk_description(name, value), dialog, value)
        screen.app.push_screen(dialog)
        return True

    def _send(self, tickets: list[Ticket], call: BulkCall, what: str, dialog: Dialog | None, value: Any) -> None:
        work = partial(self._carry_out, tickets, call, what, dialog, value)
        self.screen.run_worker(work, group=BULK, thread=True, exit_on_error=False)

    def _carry_out(self, tickets: list[Ticket], call: BulkCall, what: str, dialog: Dialog | None, value: Any) -> None:
        """In the worker."""
        outcome = act_on_each([t.id for t in tickets], lambda i: call(self.desk, _by_id(tickets, i), value), what)
        self.screen.post_message(BulkDone(outcome, dialog))

    def done(self, result: BulkDone) -> None:
        """Close the dialog, keep the refused tickets marked to retry, and say what was done."""
        screen = self.screen
        if result.dialog is not None and result.dialog in screen.app.screen_stack:
            result.dialog.dismiss(None)
        screen.marked = frozenset(ticket_id for ticket_id, _ in result.outcome.refused)
        severity: SeverityLevel = "warning" if result.outcome.refused else "information"
        screen.notify(result.outcome.summary(), title="Bulk action", severity=severity, timeout=6, markup=False)
        screen.loader.reload()


def _take_over(tickets: list[Ticket], me: str) -> ConfirmDialog | None:
    """Taking marked tickets that others hold asks first, naming them (as taking one does)."""
    holders = sorted({one_line(t.assignee) for t in tickets if t.assignee not in ("", me)})
    if not holders:
        return None
    held = sum(t.assignee not in ("", me) for t in tickets)
    question = f"{held} of the marked tickets are assigned to {', '.join(holders)}. Take them?"
    return ConfirmDialog(question, "Take the tickets", "Take them", "Leave them")


def _by_id(tickets: list[Ticket], ticket_id: int) -> Ticket:
    return next(t for t in tickets if t.id == ticket_id)


def _marked(verb: str, tickets: list[Ticket], name: str) -> MarkedTickets:
    """What a dialog says to act on every marked ticket rather than on the stand-in."""
    ids = ", ".join(f"#{t.id}" for t in tickets[:_LISTED]) + (", …" if len(tickets) > _LISTED else "")
    return MarkedTickets(f"{verb} {len(tickets)} marked tickets", f"Each of {ids}, checked on its own", _now(tickets, name))


def _now(tickets: list[Ticket], name: str) -> str:
    """What the marked tickets have now, most common first: `dana (2), unassigned (1)`, `high (3)`."""
    if name == "priority":
        values = [priority_label(t) for t in tickets]
    elif name in ("assign", "assign_to_me"):
        values = [one_line(t.assignee) or "unassigned" for t in tickets]
    else:
        return ""
    counted = Counter(values).most_common()
    shown = ", ".join(f"{value} ({count})" for value, count in counted[:_LISTED])
    return shown + (", …" if len(counted) > _LISTED else "")
