"""The dashboard's `N` (new ticket) and `E` (edit ticket), and canned replies from the palette.

Both forms go through the desk exactly like `ticket new` and `ticket edit`; a refusal stays in the form.
"""

from __future__ import annotations

from dataclasses import replace

from textual import work
from textual.app import App

from sopdash.core.board import Board
from sopdash.core.canned import CannedReply
from sopdash.core.edit import categories_in_use
from sopdash.core.errors import SopdashError
from sopdash.core.requesters import known_requesters
from sopdash.desk import Desk
from sopdash.tui.dialogs import TextDialog
from sopdash.tui.dialogs.ticket_form_dialogs import EditTicketDialog, NewTicket, NewTicketDialog
from sopdash.tui.ticket_actions import ACTIONS, TicketAction

EDIT = TicketAction(
    call=lambda desk, t, changes: desk.edit(t.id, t.version, **changes),
    done=lambda desk, t, changes: f"#{t.id} edited: {', '.join(changes)}.",
)


class TicketForms(App[int]):
    """Part of the dashboard app (`SopdashApp`): creating and correcting tickets, and canned replies."""

    desk: Desk
    board: Board | None
    privacy: bool

    @property
    def canned_replies(self) -> tuple[CannedReply, ...]:
        """The config's `[replies.NAME]`, for the dialogs that write to a client."""
        return self.settings.replies  # type: ignore[attr-defined]

    @property
    def technician(self) -> str:
        """Who `{technician}` is in a canned reply: the roster's name for this login, else the login."""
        return self.desk.roster.member(self.desk.actor).name or self.desk.actor

    def _tickets_loaded(self) -> list:
        return [row.ticket for row in self.board.rows] if self.board else []

    def action_new_ticket(self) -> None:
        tickets = self._tickets_loaded()
        dialog = NewTicketDialog(known_requesters(tickets), categories_in_use(tickets), self.privacy)
        dialog.sender = lambda new: self._create(new, dialog)
        self.push_screen(dialog)

    @work(thread=True, group="create", exit_on_error=False)
    def _create(self, new: NewTicket, dialog: NewTicketDialog) -> None:
        try:
            ticket = self.desk.create(new.subject, new.requester, new.body, new.priority, new.category)
        except SopdashError as error:
            self.call_from_thread(dialog.refused, str(error))
            return
        self.call_from_thread(self._created, ticket.id, dialog)

    def _created(self, ticket_id: int, dialog: NewTicketDialog) -> None:
        if dialog in self.screen_stack:
            dialog.dismiss(None)
        self.notify(f"#{ticket_id} created.", markup=False)
        self.go_to_after_reload(ticket_id)  # type: ignore[attr-defined]

    async def action_edit_ticket(self) -> None:
        categories = categories_in_use(self._tickets_loaded())
        await self.act(replace(EDIT, ask=lambda desk, t, privacy: EditTicketDialog(t, categories, privacy)))  # type: ignore[attr-defined]

    def reply_with(self, reply: CannedReply) -> None:
        """Open the public-reply dialog on the current ticket with a canned reply filled in (from the palette)."""
        ask = lambda desk, t, privacy: TextDialog(t, "reply", reply.filled(t, self.technician), privacy)  # noqa: E731
        self.call_later(self.act, replace(ACTIONS["reply"], ask=ask))  # type: ignore[attr-defined]
