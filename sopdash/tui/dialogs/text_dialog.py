"""Write an internal note or a public reply; SOP 5A checks the reply before it can reach the client, and the courtesy
check (SOP 2A/4A) advises on it as it is written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static, TextArea

from sopdash.core.courtesy import CourtesyRules
from sopdash.core.display import requester_label
from sopdash.core.model import Ticket
from sopdash.core.presence import Activity
from sopdash.core.rules import acknowledgement_message
from sopdash.core.templates import REPLY, filled, values, writing_point
from sopdash.core.text import printable
from sopdash.tui.dialogs.base import CANCEL, DialogAction
from sopdash.tui.dialogs.confirm_dialog import ConfirmDialog
from sopdash.tui.dialogs.courtesy_advice import CourtesyAdvice
from sopdash.tui.dialogs.writing_area import WritingArea
from sopdash.tui.dialogs.disclosure_check import DisclosureCheck
from sopdash.tui.bindings import screen_bindings

TextKind = Literal["note", "reply", "acknowledge"]


def reply_template(ticket: Ticket) -> str:
    """A courteous public reply with the requester's name filled in (SOP 2A), for the technician to complete: the
    default template (the dashboard passes the desk's own, filled in, as `text`)."""
    return filled(REPLY, values(ticket))


class TextDialog(DisclosureCheck[str]):
    """Edit a note or reply; dismisses the text (ctrl+s) or None (esc, after asking if anything was typed).

    Privacy mode masks the title and heading; the text itself is exactly what the client will get, so it is not.
    """

    # One key, two names: the footer says "Save" for a note and "Send" for anything the client reads.
    BINDINGS = screen_bindings("text.save", "text.send", "text.cancel")

    def __init__(
        self, ticket: Ticket, kind: TextKind, text: str | None = None, privacy: bool = False, route: str = "",
        courtesy: CourtesyRules | None = None,
    ) -> None:
        """`kind` says who will read it; `text` replaces the template (a reply's greeting, an acknowledgement);
        with `courtesy`, a reply shows the courtesy check's advice as it is written."""
        super().__init__(ticket, privacy, route)
        self.kind = kind
        self.courtesy = courtesy if kind == "reply" else None
        self.initial_text = printable(self._template() if text is None else text)

    @property
    def is_public(self) -> bool:
        return self.kind != "note"

    @property
    def DRAFT(self) -> str:  # noqa: N802 - the name Dialog reads
        return "acknowledgement" if self.kind == "acknowledge" else self.kind

    def draft(self) -> str:
        return "" if self.text == self.initial_text else self.text

    def restore(self, draft: str) -> None:
        editor = self.query_one(WritingArea)
        editor.load_text(draft)
        editor.move_cursor(editor.document.end)

    @property
    def activity(self) -> Activity:
        return "reply" if self.is_public else "note"

    def _template(self) -> str:
        if self.kind == "acknowledge":
            return acknowledgement_message(self.ticket)
        if self.kind == "reply":
            return reply_template(self.ticket)
        return ""

    def _title(self) -> str:
        who = requester_label(self.ticket.requester, self.privacy, nobody="the client")
        return {
            "note": "Internal note (never shown to the client)",
            "reply": f"Public reply to {who}",
            "acknowledge": f"Acknowledge: public reply to {who}",
        }[self.kind]

    def _audience(self) -> str:
        return {
            "note": "INTERNAL · only technicians see this note.",
            "reply": "PUBLIC · the client reads every word of this.",
            "acknowledge": "PUBLIC · the client reads this; it stops the acknowledgement clock.",
        }[self.kind]

    @property
    def FRAME_CLASS(self) -> str:  # noqa: N802 - the name Dialog reads
        return f"text-dialog {'public' if self.is_public else 'internal'}"

    def frame_title(self) -> str:
        return self._title()

    def compose_body(self) -> ComposeResult:
        yield self.heading()
        yield Static(Content(self._audience()), classes="audience")
        if self.is_public:
            yield from self.mail_route()
        yield WritingArea(self.initial_text, id="text")
        yield self.findings_view()
        if self.courtesy is not None:
            yield CourtesyAdvice(self.courtesy)

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("save", self.send_label(), "primary", "save"), CANCEL)

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        point = writing_point(self.initial_text) if self.kind == "reply" else None
        if point is not None:
            editor.move_cursor(point)  # the empty lines under the greeting of an untouched template
        else:
            editor.move_cursor(editor.document.end)
        if self.courtesy is not None:
            self.query_one(CourtesyAdvice).show(self.initial_text)

    def send_label(self) -> str:
        return "Send (^s)" if self.is_public else "Save note (^s)"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return not self.is_public
        if action == "send":
            return self.is_public
        return super().check_action(action, parameters)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    @on(TextArea.Changed)
    def _edited(self) -> None:
        self.say("")
        self.text_changed(self.text)
        if self.courtesy is not None:
            self.query_one(CourtesyAdvice).text_changed(self.text)

    def action_save(self) -> None:
        """Save a note; send a public text once SOP 5A's check is passed or explicitly overridden."""
        text = self.text
        if not text.strip():
            self.say("Nothing to save: the text is empty.")
            return
        findings = self.unconfirmed_findings(text) if self.is_public else []
        if findings:
            editor = self.query_one(TextArea)
            editor.move_cursor(editor.document.get_location_from_index(findings[0].start))
            self.set_focus(editor)
            return
        self.submit(text)

    action_send = action_save  # ctrl+s under its public name

    def action_cancel(self) -> None:
        if self.text == self.initial_text:
            self.dismiss(None)
            return
        what = "note" if self.kind == "note" else "reply"
        self.app.push_screen(ConfirmDialog.discard(what), lambda discard: self.dismiss(None) if discard else None)
