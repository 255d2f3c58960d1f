"""What the dialogs that write on a ticket share (reply, acknowledgement, note, resolution): while one is open
the technician's presence says they are writing, and those that reach the client take a canned reply."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar, cast

from textual.widgets import TextArea

from sopdash.core.canned import CannedReply
from sopdash.core.presence import Activity
from sopdash.core.templates import as_paragraph
from sopdash.tui.dialogs.base import TicketDialog
from sopdash.tui.dialogs.canned_reply_picker import CannedReplyPicker
from sopdash.tui.bindings import screen_bindings

ResultT = TypeVar("ResultT")


class CannedReplySource(Protocol):
    """What the app offers a writing dialog: the config's canned replies, and who `{technician}` is."""

    @property
    def canned_replies(self) -> Sequence[CannedReply]: ...

    @property
    def technician(self) -> str: ...


class WritingDialog(TicketDialog[ResultT]):
    """A ticket dialog with one text to write; ctrl+r fills in a canned reply where the client reads it.

    The app is a `CannedReplySource`. What is sent still goes through the dialog's own checks (SOP 5A for
    anything public).
    """

    BINDINGS = screen_bindings("dialog.canned_reply")

    activity: Activity = "reply"
    """What others see this technician doing while the dialog is open."""

    @property
    def takes_canned_replies(self) -> bool:
        return self.activity != "note"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "canned_reply":
            return self.takes_canned_replies
        return True

    @property
    def source(self) -> CannedReplySource:
        return cast(CannedReplySource, self.app)

    def action_canned_reply(self) -> None:
        replies = self.source.canned_replies
        if not replies:
            self.say('No canned replies yet: add [replies.NAME] with text = "…" to the config.')
            return
        self.app.push_screen(CannedReplyPicker(replies), self._use_canned)

    def _use_canned(self, reply: CannedReply | None) -> None:
        """Put the filled-in reply in the text: in place of an untouched template, else at the cursor."""
        if reply is None:
            return
        text = reply.filled(self.ticket, self.source.technician)
        editor = self.query_one(TextArea)
        if editor.text.strip() and editor.text != getattr(self, "initial_text", ""):
            before = editor.document.get_text_range((0, 0), editor.cursor_location)
            after = editor.document.get_text_range(editor.cursor_location, editor.document.end)
            editor.insert(as_paragraph(before, text, after))  # its own paragraph, never glued to a sentence
        else:
            editor.load_text(text)
            editor.move_cursor(editor.document.end)
        self.set_focus(editor)
