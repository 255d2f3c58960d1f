"""The SOP's actions on the ticket in the detail pane (PRODUCT §7), as the dashboard app's actions.

Each action asks for what it needs in a dialog, then runs through the desk in a worker with the
version of the ticket on screen, so a change another technician made meanwhile is refused rather
than overwritten. A refusal is a notification and changes nothing; success reloads the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import App
from textual.screen import ModalScreen

from sopdash.core import rules
from sopdash.core.errors import SopdashError
from sopdash.core.model import Ticket
from sopdash.desk import Desk
from sopdash.tui.dialogs import AssignDialog, ConfirmDialog, EscalateDialog, PriorityDialog, ResolveDialog, TextDialog
from sopdash.tui.messages import ActionDone, ActionFailed
from sopdash.tui.widgets.query_bar import QueryBar

STEP_NOTE = "step-note"  # the query bar's mode while it asks for a step's note
TICKET_ACTIONS = frozenset(
    {
        "acknowledge",
        "priority",
        "assign",
        "assign_to_me",
        "note",
        "reply",
        "waiting",
        "step",
        "escalate",
        "resolve",
        "close",
        "reopen",
        "manager_acknowledge",
    }
)
"""The actions that need a ticket: their keys do nothing while no ticket is highlighted."""


class TicketActions(App[int]):
    """The ticket actions of the dashboard; the app provides the desk, the current ticket and the query bar."""

    desk: Desk
    privacy: bool
    _step_ticket: Ticket | None = None

    @property
    def current_ticket(self) -> Ticket | None:
        raise NotImplementedError

    @property
    def query_bar(self) -> QueryBar:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def _act(self, done: str, call: Callable[[Ticket], object]) -> None:
        ticket = self.current_ticket
        if ticket is not None:
            self._run_action(ticket, done, call)

    @work(thread=True, group="actions")
    def _run_action(self, ticket: Ticket, done: str, call: Callable[[Ticket], object]) -> None:
        try:
            call(ticket)
        except SopdashError as error:
            self.post_message(ActionFailed(str(error)))
            return
        self.post_message(ActionDone(ticket.id, done))

    def on_action_done(self, message: ActionDone) -> None:
        self.notify(message.done, markup=False)
        self.reload()

    def on_action_failed(self, message: ActionFailed) -> None:
        self.notify(message.error, title="Not done", severity="error", timeout=8, markup=False)

    def _refused(self, verdict: rules.Verdict, action: str, ticket: Ticket) -> bool:
        """Report a refusal before opening a dialog for an action the SOP will not allow anyway."""
        try:
            verdict.enforce(action, ticket.id)
        except SopdashError as error:
            self.on_action_failed(ActionFailed(str(error)))
            return True
        return False

    def _ask(self, dialog: ModalScreen, then: Callable[[Any], object]) -> None:
        """Open a dialog; `then` gets its result unless it was cancelled."""
        self.push_screen(dialog, lambda result: None if result is None or result is False else then(result))

    def action_acknowledge(self) -> None:
        ticket = self.current_ticket
        if ticket is None or self._refused(rules.verdict_acknowledge(ticket), "acknowledge", ticket):
            return
        self._ask(
            TextDialog(ticket, "acknowledge", privacy=self.privacy),
            lambda text: self._run_action(
                ticket,
                f"#{ticket.id} acknowledged.",
                # The dialog ran the SOP 5A check; text still flagged was confirmed with "Send anyway".
                lambda t: self.desk.acknowledge(t.id, text, seen_version=t.version, allow_sensitive=True),
            ),
        )

    def action_priority(self) -> None:
        ticket = self.current_ticket
        if ticket is None:
            return
        self._ask(
            PriorityDialog(ticket, privacy=self.privacy),
            lambda priority: self._run_action(
                ticket,
                f"#{ticket.id} priority set to {priority}.",
                lambda t: self.desk.set_priority(t.id, priority, seen_version=t.version),
            ),
        )

    def action_assign(self) -> None:
        ticket = self.current_ticket
        if ticket is None:
            return
        self._ask(
            AssignDialog(ticket, self.desk.roster.members.keys(), self.desk.actor, privacy=self.privacy),
            lambda login: self._run_action(
                ticket, f"#{ticket.id} assigned to {login}.", lambda t: self.desk.assign(t.id, login, seen_version=t.version)
            ),
        )

    def action_assign_to_me(self) -> None:
        me = self.desk.actor
        self._act(f"Assigned to you ({me}).", lambda t: self.desk.assign(t.id, me, seen_version=t.version))

    def action_note(self) -> None:
        ticket = self.current_ticket
        if ticket is None:
            return
        self._ask(
            TextDialog(ticket, "note", privacy=self.privacy),
            lambda text: self._run_action(ticket, f"Note added to #{ticket.id}.", lambda t: self.desk.note(t.id, text)),
        )

    def action_reply(self) -> None:
        ticket = self.current_ticket
        if ticket is None:
            return
        self._ask(
            TextDialog(ticket, "reply", privacy=self.privacy),
            lambda text: self._run_action(
                ticket, f"Reply sent on #{ticket.id}.", lambda t: self.desk.reply(t.id, text, allow_sensitive=True)
            ),
        )

    def action_waiting(self) -> None:
        ticket = self.current_ticket
        if ticket is None:
            return
        waiting = ticket.status != "waiting"
        done = f"#{ticket.id} is waiting on the client." if waiting else f"#{ticket.id} is no longer waiting."
        self._act(done, lambda t: self.desk.set_waiting(t.id, waiting, seen_version=t.version))

    def action_step(self) -> None:
        ticket = self.current_ticket
        if ticket is None:
            return
        step = ticket.current_step
        if step is None or not ticket.is_open:
            reason = "every troubleshooting step is done" if step is None else f"it is {ticket.status}"
            self.on_action_failed(ActionFailed(f"cannot record a step on ticket #{ticket.id}: {reason}"))
            return
        self._step_ticket = ticket
        self.query_bar.open(
            STEP_NOTE, f"step {step} done · note: ", "optional internal note · enter records the step · esc cancels"
        )

    def _complete_step(self, note_text: str) -> None:
        ticket = self._step_ticket
        step = ticket.current_step if ticket else None
        if ticket is None or step is None:
            return
        self._run_action(
            ticket,
            f"#{ticket.id}: step {step} done.",
            lambda t: self.desk.complete_step(t.id, step, note_text.strip(), seen_version=t.version),
        )

    def action_escalate(self) -> None:
        ticket = self.current_ticket
        # `unsatisfied` is refused only for a ticket that is no longer open: the one refusal every reason shares.
        if ticket is None or self._refused(rules.verdict_escalate(ticket, "unsatisfied"), "escalate", ticket):
            return
        self._ask(
            EscalateDialog(ticket, privacy=self.privacy),
            lambda request: self._run_action(
                ticket,
                f"#{ticket.id} escalated ({request.reason}).",
                lambda t: self.desk.escalate(t.id, request.reason, request.note, seen_version=t.version),
            ),
        )

    def action_resolve(self) -> None:
        ticket = self.current_ticket
        if ticket is None:
            return
        self._ask(
            ResolveDialog(ticket, privacy=self.privacy),
            lambda resolution: self._run_action(
                ticket,
                f"#{ticket.id} resolved" + (" and the client notified." if resolution.notify else "."),
                lambda t: self.desk.resolve(t.id, resolution.summary, resolution.notify, seen_version=t.version),
            ),
        )

    def action_close(self) -> None:
        ticket = self.current_ticket
        if ticket is None or self._refused(rules.verdict_close(ticket), "close", ticket):
            return
        self._ask(
            ConfirmDialog(f"Close ticket #{ticket.id}? It leaves the queue.", "Close ticket", "Close", "Keep open"),
            lambda _: self._run_action(
                ticket, f"#{ticket.id} closed.", lambda t: self.desk.close(t.id, seen_version=t.version)
            ),
        )

    def action_reopen(self) -> None:
        self._act("Ticket reopened.", lambda t: self.desk.reopen(t.id, seen_version=t.version))

    def action_manager_acknowledge(self) -> None:
        self._act(
            "Manager flag acknowledged.", lambda t: self.desk.acknowledge_manager_flag(t.id, seen_version=t.version)
        )
