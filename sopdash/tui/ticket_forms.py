"""The dashboard's `N` (new ticket) and `E` (edit ticket), and canned replies from the palette.

Both forms go through the desk exactly like `ticket new` and `ticket edit`; a refusal stays in the form.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, cast

from sopdash.core.canned import CannedReply
from sopdash.core.edit import categories_in_use
from sopdash.core.model import Ticket
from sopdash.core.requesters import known_requesters
from sopdash.desk import Desk
from sopdash.tui.dialogs import TextDialog
from sopdash.tui.dialogs.ticket_form_dialogs import EditTicketDialog, NewTicket, NewTicketDialog
from sopdash.tui.dialogs.writing_dialog import CannedReplySource
from sopdash.tui.messages import TicketCreated
from sopdash.tui.ticket_actions import ACTIONS, NotDone, TicketAction

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

CREATE = "create"  # worker group
EDIT = TicketAction(
    call=lambda desk, t, changes: desk.edit(t.id, t.version, **changes),
    done=lambda desk, t, changes: f"#{t.id} edited: {', '.join(changes)}.",
)


class TicketForms:
    """Creating and correcting tickets from `screen`, and filling in a canned reply."""

    def __init__(self, screen: DashboardScreen, desk: Desk) -> None:
        self.screen = screen
        self.desk = desk

    def _tickets_loaded(self) -> list[Ticket]:
        board = self.screen.board
        return [row.ticket for row in board.rows] if board else []

    def new_ticket(self) -> None:
        tickets = self._tickets_loaded()
        privacy, policy = self.screen.privacy, self.desk.policy
        dialog = NewTicketDialog(known_requesters(tickets), categories_in_use(tickets), privacy, policy)
        dialog.sender = lambda new: self._create(new, dialog)
        self.screen.app.push_screen(dialog)

    def _create(self, new: NewTicket, dialog: NewTicketDialog) -> None:
        self.screen.run_worker(partial(self._carry_out, new, dialog), group=CREATE, thread=True, exit_on_error=False)

    def _carry_out(self, new: NewTicket, dialog: NewTicketDialog) -> None:
        """In the worker."""
        try:
            ticket = self.desk.create(new.subject, new.requester, new.body, new.priority, new.category)
        except Exception as error:
            raise NotDone(dialog) from error
        self.screen.post_message(TicketCreated(ticket.id, dialog))

    def created(self, ticket_id: int, dialog: NewTicketDialog) -> None:
        """Close the form, say so, and put the cursor on the new ticket once the store is read again."""
        if dialog in self.screen.app.screen_stack:
            dialog.dismiss(None)
        self.screen.notify(f"#{ticket_id} created.", markup=False)
        self.screen.go_to_after_reload(ticket_id)

    async def edit(self) -> None:
        categories = categories_in_use(self._tickets_loaded())
        ask = lambda desk, t, privacy: EditTicketDialog(t, categories, privacy, desk.policy)  # noqa: E731
        await self.screen.errands.act(replace(EDIT, ask=ask))

    def reply_with(self, reply: CannedReply) -> None:
        """Open the public-reply dialog on the current ticket with a canned reply filled in (from the palette)."""
        technician = cast(CannedReplySource, self.screen.app).technician
        ask = lambda desk, t, privacy: TextDialog(t, "reply", reply.filled(t, technician), privacy)  # noqa: E731
        self.screen.call_later(self.screen.errands.act, replace(ACTIONS["reply"], ask=ask))
