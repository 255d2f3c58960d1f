"""Bulk actions in the dashboard: `space` marks queue rows; assign, priority, note, escalate and waiting then act
on every marked ticket, each checked on its own by the desk, with one summary of what was done and refused.

The dialog asks once, for all of them: it is opened on a stand-in ticket (untriaged, unassigned, tier 1) so
that nothing about the ticket under the cursor decides for the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import App
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from sopdash.desk.bulk import BulkOutcome, act_on_each
from sopdash.core.board import Board
from sopdash.core.model import Ticket
from sopdash.desk import Desk
from sopdash.core.text import one_line
from sopdash.tui.dialogs.base import Dialog
from sopdash.tui.dialogs.confirm_dialog import ConfirmDialog
from sopdash.tui.ticket_actions import ACTIONS

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


class BulkMarks(App[int]):
    """Part of the dashboard app (`SopdashApp`): marking queue rows and acting on all of them."""

    marked: var[frozenset[int]] = var(frozenset(), init=False)
    """The tickets marked with `space`, by id."""

    desk: Desk
    board: Board | None
    privacy: bool

    def action_mark(self) -> None:
        """`space`: mark or unmark the ticket under the queue cursor, and move down."""
        queue = self.queue  # type: ignore[attr-defined]
        ticket_id = queue.current_id
        if ticket_id is None:
            return
        self.marked = self.marked ^ {ticket_id}
        queue.action_cursor_down()

    def watch_marked(self, marked: frozenset[int]) -> None:
        if not self.query("#queue"):
            return  # a bulk action finished as the dashboard was closing
        self.queue.set_marked(marked)  # type: ignore[attr-defined]
        self._update_titles()  # type: ignore[attr-defined]

    def act_on_marked(self, name: str) -> bool:
        """Run a bulk-capable action on the marked tickets; False if nothing is marked or it is not one of them."""
        if name not in BULK_ACTIONS or not self.marked or self.board is None:
            return False
        tickets = [self.board.by_id[i].ticket for i in sorted(self.marked) if i in self.board.by_id]
        if not tickets:
            self.marked = frozenset()
            return False
        if name == "waiting":
            value = any(t.status != "waiting" for t in tickets)
            self._bulk(tickets, _waiting(value), "waiting on the client" if value else "no longer waiting", None, None)
            return True
        action = ACTIONS[name]
        if name == "assign_to_me":
            dialog = _take_over(tickets, self.desk.actor)
        else:
            stand_in = Ticket(id=0, subject=f"{len(tickets)} marked tickets", created_at=self.desk.clock())
            dialog = action.ask(self.desk, stand_in, self.privacy) if action.ask else None
        if dialog is None:
            self._bulk(tickets, action.call, bulk_description(name, self.desk.actor), None, None)
            return True
        _for_marked(dialog, BULK_TITLES[name], tickets)
        dialog.sender = lambda value: self._bulk(tickets, action.call, bulk_description(name, value), dialog, value)
        self.push_screen(dialog)
        return True

    @work(thread=True, group="bulk", exit_on_error=False)
    def _bulk(self, tickets: list[Ticket], call: BulkCall, what: str, dialog: Dialog | None, value: Any) -> None:
        outcome = act_on_each([t.id for t in tickets], lambda i: call(self.desk, _by_id(tickets, i), value), what)
        self.call_from_thread(self._bulk_done, outcome, dialog)

    def _bulk_done(self, outcome: BulkOutcome, dialog: Dialog | None) -> None:
        if dialog is not None and dialog in self.screen_stack:
            dialog.dismiss(None)
        self.marked = frozenset(ticket_id for ticket_id, _ in outcome.refused)  # refused ones stay marked to retry
        severity = "warning" if outcome.refused else "information"
        self.notify(outcome.summary(), title="Bulk action", severity=severity, timeout=10, markup=False)
        self.reload()  # type: ignore[attr-defined]


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


def _for_marked(dialog: Dialog, verb: str, tickets: list[Ticket]) -> None:
    """Make a ticket dialog say it acts on every marked ticket, not on the stand-in."""
    ids = ", ".join(f"#{t.id}" for t in tickets[:_LISTED]) + (", …" if len(tickets) > _LISTED else "")
    title = f"{verb} {len(tickets)} marked tickets"
    dialog.frame_title = lambda: title  # type: ignore[method-assign]
    dialog.heading = lambda: Static(Content(f"Each of {ids}, checked on its own"), classes="ticket-heading")  # type: ignore[method-assign]
