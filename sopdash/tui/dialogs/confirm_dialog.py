"""A yes/no question before a step that is hard to undo (close, escalate, discard typed text)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from sopdash.tui.dialogs.base import Dialog, DialogAction
from sopdash.tui.bindings import screen_bindings


class ConfirmDialog(Dialog[bool]):
    """Ask one question; submits True for yes (`y`, `enter`), dismisses False for no (`n`, `esc`)."""

    BINDINGS = screen_bindings("confirm.yes", "confirm.no")
    FRAME_CLASS = "confirm-dialog"

    def __init__(self, question: str | Content, title: str = "Confirm", yes: str = "Yes", no: str = "No") -> None:
        """`question` is shown literally (a plain str is never parsed as markup)."""
        super().__init__()
        self.question = question if isinstance(question, Content) else Content(question)
        self.title_text = title
        self.yes_label = yes
        self.no_label = no

    @classmethod
    def discard(cls, what: str) -> ConfirmDialog:
        """The question `esc` asks before throwing away something the technician typed."""
        return cls(f"Discard the {what} you typed? It is not saved anywhere.", "Discard?", "Discard", "Keep editing")

    def frame_title(self) -> str:
        return self.title_text

    def compose_body(self) -> ComposeResult:
        yield Static(self.question, classes="question")

    def buttons(self) -> Iterable[DialogAction]:
        return (
            DialogAction("yes", f"{self.yes_label} (y)", "primary", "answer(True)"),
            DialogAction("no", f"{self.no_label} (n)", "default", "answer(False)"),
        )

    def action_answer(self, yes: bool) -> None:
        if yes:
            self.submit(True)
        else:
            self.dismiss(False)
