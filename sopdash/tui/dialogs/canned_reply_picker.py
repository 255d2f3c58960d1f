"""Pick a canned reply (the config's `[replies.NAME]`) by name; its first line is shown beside it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import OptionList, Static

from sopdash.core.canned import CannedReply
from sopdash.core.text import one_line
from sopdash.tui.dialogs.base import CANCEL, SUBMIT_LABEL, Dialog, DialogAction
from sopdash.tui.bindings import screen_bindings

_PREVIEW = 400  # characters; the list cuts each line to the dialog's width, with an ellipsis


class CannedReplyPicker(Dialog[CannedReply]):
    """Choose one of the canned replies; dismisses it, or None (esc)."""

    BINDINGS = screen_bindings("canned.pick", "canned.cancel")
    FRAME_CLASS = "canned-dialog"

    def __init__(self, replies: Sequence[CannedReply]) -> None:
        super().__init__()
        self.replies = tuple(replies)

    def frame_title(self) -> str:
        return "Canned reply"

    def compose_body(self) -> ComposeResult:
        yield Static(Content("Placeholders are filled from the ticket; edit the text before sending."), classes="hint")
        width = max(len(reply.name) for reply in self.replies)
        yield OptionList(
            *(Content(f"{reply.name:<{width}}  {one_line(reply.text, _PREVIEW)}") for reply in self.replies),
            compact=True,
        )

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("use", f"Use ({SUBMIT_LABEL})", "primary", "pick"), CANCEL)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.submit(self.replies[event.option_index])

    def action_pick(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None:
            self.submit(self.replies[highlighted])
