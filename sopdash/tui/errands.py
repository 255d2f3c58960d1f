"""Ticket actions, from the key to the desk and back: the SOP refuses at once what it will not allow; else the
technician is asked (a dialog, or the step's note in the query bar), and the desk is told in a worker, on the
version of the ticket that was shown.

The worker reports `ActionDone`, or raises `NotDone`: a dialog stays open with everything typed and says why,
and a ticket that changed meanwhile is taken at its new version, so sending again applies to what the
technician now sees.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from sopdash.core.display import changes_since
from sopdash.core.errors import ConflictError, SopdashError, error_text
from sopdash.core.model import Ticket
from sopdash.desk import Desk
from sopdash.tui.dialogs.writing_dialog import WritingDialog
from sopdash.tui.messages import ActionDone
from sopdash.tui.ticket_actions import Errand, NotDone, TicketAction
from sopdash.tui.widgets.query_bar import Question

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

ACTING = "actions"  # worker group
NO_TICKET = "No ticket selected."
NOT_DONE_TIMEOUT_S = 6  # long enough to read a refusal, short enough not to sit on the detail pane


class Errands:
    """Runs ticket actions on the ticket `screen` shows."""

    def __init__(self, screen: DashboardScreen, desk: Desk) -> None:
        self.screen = screen
        self.desk = desk
        self.under_way = 0
        """Actions sent to the desk and not answered yet (the store watch waits for them: each reloads when done)."""

    async def act(self, action: TicketAction) -> None:
        """Refuse at once what the SOP will not allow; else ask (a dialog, or the step's note), then send."""
        screen = self.screen
        ticket = screen.current_ticket
        if ticket is None:
            self.say_not_done(NO_TICKET)
            return
        verdict = action.verdict(ticket) if action.verdict else None
        if verdict is not None and not verdict.allowed:
            self.say_not_done(f"cannot {action.verb} ticket #{ticket.id}: {'; '.join(verdict.refusals)}")
        elif action.note_prompt is not None:
            screen.query_bar.ask(
                Question(
                    action.note_prompt(ticket),
                    "optional internal note · enter records the step · esc cancels",
                    submitted=lambda note: self.send(Errand(action, ticket), note) and screen.focus_queue(),
                    cancelled=screen.focus_queue,
                )
            )
        else:
            dialog = action.ask(self.desk, ticket, screen.privacy) if action.ask else None
            errand = Errand(action, ticket, dialog)
            if dialog is None:
                self.send(errand, None)
                return
            dialog.sender = lambda value: self.send(errand, value)
            if isinstance(dialog, WritingDialog) and dialog.activity == "reply":
                screen.presence_watch.warn_if_answered(ticket.id, lambda: screen.app.push_screen(dialog))
            else:
                await screen.app.push_screen(dialog)  # mounted before the next key is handled: type-ahead reaches it

    def send(self, errand: Errand, value: Any) -> bool:
        """Tell the desk, in a worker, on the version of the ticket the errand holds."""
        errand.value = value
        self.under_way += 1
        self.screen.run_worker(partial(self._carry_out, errand), group=ACTING, thread=True, exit_on_error=False)
        return True

    def _carry_out(self, errand: Errand) -> None:
        """In the worker."""
        try:
            after = errand.action.call(self.desk, errand.ticket, errand.value)
        except Exception as error:
            raise NotDone(errand.dialog, errand, self._now(errand.ticket) if isinstance(error, ConflictError) else None) from error
        self.screen.post_message(ActionDone(errand, after))

    def _now(self, ticket: Ticket) -> Ticket | None:
        try:
            return self.desk.ticket(ticket.id)
        except SopdashError:
            return None

    def done(self, errand: Errand, after: object) -> None:
        """Close the dialog, say what changed, read the store again and send the mail the action queued."""
        self.under_way -= 1
        screen = self.screen
        if errand.dialog is not None and screen.app.screen is errand.dialog:
            errand.dialog.dismiss(errand.value)
        screen.notify(errand.action.said(self.desk, errand, after, screen.privacy), markup=False)
        screen.loader.reload()
        screen.mail.deliver()

    def not_done(self, failure: NotDone) -> None:
        """Say why, in the dialog that asked if it is still open, else as a message."""
        error = error_text(failure.reason)
        errand = failure.errand
        if errand is not None:
            self.under_way -= 1
            if failure.now is not None:
                seen, errand.ticket = errand.ticket, failure.now
                error = f"{error.rstrip('.')} — {changes_since(seen, errand.ticket)}."
                if errand.dialog is not None:
                    errand.dialog.ticket_changed(errand.ticket)
                    error += " Your text is kept: send again to apply it to the new version."
                self.screen.loader.reload()
        if failure.dialog is not None and failure.dialog in self.screen.app.screen_stack:
            failure.dialog.refused(error)
        else:
            self.say_not_done(error)

    def say_not_done(self, error: str) -> None:
        self.screen.notify(error, title="Not done", severity="error", timeout=NOT_DONE_TIMEOUT_S, markup=False)
