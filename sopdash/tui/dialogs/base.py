"""What every dialog shares: a titled frame, a line for refusals, buttons for the mouse, the footer, and how it hands
over its result.

A dialog `submit`s what the technician chose. Opened for a ticket action (`Errands.act`), it stays open
while the desk works, and closes only once the change is made: a refusal or a conflict is said on its error
line, with everything typed still there. Opened on its own, `submit` simply dismisses with the result.
Opened for a bulk action, its `marked` says so in its title and heading instead of the ticket it was opened on.

A dialog with something to write in names its `draft`: what the crash handler keeps when the dashboard stops on
an internal error (tui/crash.py), and what the dialog offers back when it next opens at the same place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, Protocol, TypeVar, cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Mount
from textual.screen import ModalScreen
from textual.widgets import Footer, Static
from textual.widgets.button import ButtonVariant

from sopdash.tui.dialogs.buttons import DialogButton
from sopdash.core.model import Ticket
from sopdash.tui.dialogs.error_line import ErrorLine
from sopdash.tui.dialogs.heading import ticket_heading
from sopdash.tui.bindings import screen_bindings

ResultT = TypeVar("ResultT")


class DialogAction(NamedTuple):
    """A button: its id, its label (with the key that does the same), its look, and the action it runs."""

    id: str
    label: str
    variant: ButtonVariant
    action: str


CANCEL = DialogAction("cancel", "Cancel (esc)", "default", "cancel")
SUBMIT_LABEL = "^s"
"""How a button names `sopdash.keys.SUBMIT`, the one key that sends, saves or confirms every dialog."""


class DraftKeeper(Protocol):
    """Where the app keeps a technician's drafts (`sopdash.desk.drafts.Drafts`)."""

    def keep(self, place: str, text: str) -> None: ...

    def take(self, place: str) -> str | None: ...


class MarkedTickets(NamedTuple):
    """What a dialog says when it acts on every marked ticket: its frame's title, the heading under it, and what
    the marked tickets have now, for a `Now:` line (`dana (2), unassigned (1)`)."""

    title: str
    heading: str
    now: str = ""


class Dialog(ModalScreen[ResultT]):
    """A modal dialog; subclasses say what goes in the frame (`compose_body`) and which buttons it has."""

    BINDINGS = screen_bindings("dialog.next-field", "dialog.previous-field")
    FRAME_CLASS = ""
    """The frame's own CSS class (its size), next to `dialog`."""
    DRAFT = ""
    """What a draft of this dialog is called ("reply", "resolution"…); empty for a dialog with nothing to keep."""

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        self.sender: Callable[[ResultT], None] | None = None
        self.sending = False
        self.marked: MarkedTickets | None = None
        self.draft_back = False
        """The dialog opened with a draft kept when the dashboard stopped, and says so."""

    def frame_title(self) -> str:
        raise NotImplementedError

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def buttons(self) -> Iterable[DialogAction]:
        return ()

    def compose(self) -> ComposeResult:
        with Vertical(classes=f"dialog {self.FRAME_CLASS}") as frame:
            frame.border_title = Content(self.marked.title if self.marked else self.frame_title())
            yield from self.compose_body()
            yield ErrorLine()
            buttons = list(self.buttons())
            if buttons:
                with Horizontal(classes="dialog-buttons"):
                    for button in buttons:
                        yield DialogButton(button.label, id=button.id, variant=button.variant)
        yield Footer()

    async def on_button_pressed(self, event: DialogButton.Pressed) -> None:
        event.stop()
        action = next(button.action for button in self.buttons() if button.id == event.button.id)
        await self.run_action(action)

    def say(self, message: str) -> None:
        """Say why the dialog cannot go on yet (an empty message clears the line, but for a draft given back)."""
        if message or not self.draft_back:
            self.query_one(ErrorLine).show(message)
        else:
            self.query_one(ErrorLine).show("Your draft from before the dashboard stopped is back.", mark="↺")

    # Drafts (tui/crash.py keeps them).

    def draft_place(self) -> str:
        """Where a draft of this dialog belongs: the dialog, and its ticket for a ticket dialog."""
        return self.DRAFT.replace(" ", "-")

    def draft_label(self) -> str:
        """The draft in words, as the crash message names it: `reply on #1042`."""
        return self.DRAFT

    def draft(self) -> str:
        """What the technician typed here that must not be lost (empty: nothing)."""
        return ""

    def restore(self, draft: str) -> None:
        """Put back a draft this dialog kept."""

    @on(Mount)
    def _offer_draft(self) -> None:
        """Give back the draft kept for this dialog's place, if there is one (it is then no longer kept)."""
        keeper = cast(DraftKeeper | None, getattr(self.app, "drafts", None))
        if not self.DRAFT or keeper is None:
            return
        draft = keeper.take(self.draft_place())
        if draft:
            self.restore(draft)
            self.draft_back = True
            self.say("")

    def submit(self, result: ResultT) -> None:
        """Hand over the result: to the action that opened the dialog (which closes it once done), else dismiss."""
        if self.sender is None:
            self.dismiss(result)
        elif not self.sending:
            self.sending = True
            self.say("")
            self.sender(result)

    def ticket_changed(self, ticket: Ticket) -> None:
        """The ticket changed while the dialog was open: what it says now is about `ticket`."""

    def refused(self, message: str) -> None:
        """The action was not done: keep everything typed, say why, and let the technician send again."""
        self.sending = False
        self.say(message)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TicketDialog(Dialog[ResultT]):
    """A dialog about one ticket, opening with its heading (masked in privacy mode)."""

    def __init__(self, ticket: Ticket, privacy: bool = False, route: str = "") -> None:
        """`route` says where a public message will go by mail (empty while mail is off)."""
        super().__init__()
        self.ticket = ticket
        self.privacy = privacy
        self.route = route

    def heading(self) -> Static:
        if self.marked:
            return Static(Content(self.marked.heading), classes="ticket-heading")
        return Static(ticket_heading(self.ticket, self.privacy), classes="ticket-heading")

    def ticket_changed(self, ticket: Ticket) -> None:
        self.ticket = ticket

    def draft_place(self) -> str:
        return f"{super().draft_place()}-{self.ticket.id}"

    def draft_label(self) -> str:
        return f"{self.DRAFT} on #{self.ticket.id}"

    def mail_route(self) -> Iterator[Static]:
        """The line that says where the mail goes, when mail is on."""
        if self.route:
            yield Static(self.route, classes="mail-route", markup=False)
