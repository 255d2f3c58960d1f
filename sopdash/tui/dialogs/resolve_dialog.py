"""Resolve a ticket (SOP 4D/4F): a resolution summary, and the client told unless the technician says not to."""

from __future__ import annotations

from dataclasses import dataclass

from collections.abc import Callable, Iterable

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Checkbox, Static, TextArea

from sopdash.core.display import client_line, shown_requester
from sopdash.core.model import Ticket
from sopdash.core.presence import Activity
from sopdash.core.rules import resolution_message
from sopdash.tui.dialogs.base import CANCEL, DialogAction
from sopdash.tui.dialogs.confirm_dialog import ConfirmDialog
from sopdash.tui.dialogs.writing_area import WritingArea
from sopdash.tui.dialogs.disclosure_check import DisclosureCheck
from sopdash.tui.bindings import screen_bindings


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the technician chose: the resolution summary, whether the client is notified now, and whether the
    message goes although it looks sensitive (SOP 5A, "Send anyway")."""

    summary: str
    notify: bool = True
    allow_sensitive: bool = False


class MarkedCheckbox(Checkbox):
    """A checkbox whose tick is an X or blank, so its state reads without colour."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - the name Textual's ToggleButton reads
        return "X" if self.value else " "


class ResolveDialog(DisclosureCheck[Resolution]):
    """Write the summary (ctrl+s resolves); dismisses a Resolution, or None (esc, asking first if anything was typed)."""

    BINDINGS = screen_bindings("resolve.confirm", "resolve.notify", "resolve.cancel")
    FRAME_CLASS = "resolve-dialog"
    activity: Activity = "resolve"
    SEND_BUTTON = "resolve"
    DRAFT = "resolution"

    def __init__(self, ticket: Ticket, privacy: bool = False, route: str = "",
                 message: Callable[[Ticket, str], str] = resolution_message) -> None:
        """`message` writes the client's message from a ticket and a summary (the desk's resolution template)."""
        super().__init__(ticket, privacy, route)
        self.message_for = message

    def frame_title(self) -> str:
        return f"Resolve ticket #{self.ticket.id}"

    def compose_body(self) -> ComposeResult:
        yield self.heading()
        yield Static(Content("Resolution summary: what was wrong and what fixed it"), classes="label")
        yield WritingArea(id="summary")
        yield MarkedCheckbox("Notify client (send the message below)", value=True, compact=True, id="notify")
        yield from self.mail_route()
        yield self.findings_view()
        with VerticalScroll(classes="preview", can_focus=False):
            yield Static("", id="preview", markup=False)

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("resolve", self.send_label(), "primary", "resolve"), CANCEL)

    def send_label(self) -> str:
        return "Resolve (^s)"

    def on_mount(self) -> None:
        self._show_preview()

    @property
    def summary(self) -> str:
        return self.query_one(TextArea).text

    def draft(self) -> str:
        return self.summary

    def restore(self, draft: str) -> None:
        editor = self.query_one(WritingArea)
        editor.load_text(draft)
        editor.move_cursor(editor.document.end)

    @property
    def notify(self) -> bool:
        return self.query_one(MarkedCheckbox).value

    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    def _show_preview(self) -> None:
        """The message the client will get, or why there is none; names masked in privacy mode."""
        self.say("")
        self.text_changed(self._message())
        preview = self.query_one("#preview", Static)
        if not self.notify:
            preview.update(
                Content("The client is not notified now. Closing is refused until they are (SOP 4F).")
            )
            return
        shown = self.ticket.evolve(
            requester=shown_requester(self.ticket.requester, self.privacy),
            subject=client_line(self.ticket.subject, self.ticket.requester, self.privacy),
        )
        summary = self.summary.strip() or "…"
        preview.update(Content("Message to the client:\n" + self.message_for(shown, summary)))

    def action_toggle_notify(self) -> None:
        self.query_one(MarkedCheckbox).toggle()

    def _message(self) -> str:
        """What the client is sent, unmasked as it will go (nothing when not notifying)."""
        return self.message_for(self.ticket, self.summary.strip()) if self.notify else ""

    def action_resolve(self) -> None:
        if not self.summary.strip():
            self.say("A resolution summary is required (SOP 4D).")
            return
        message = self._message()
        if message and self.unconfirmed_findings(message):
            return
        self.submit(Resolution(self.summary.strip(), self.notify, allow_sensitive=self.sent_anyway(message)))

    def action_cancel(self) -> None:
        if not self.summary.strip():
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmDialog.discard("summary"), lambda discard: self.dismiss(None) if discard else None)
