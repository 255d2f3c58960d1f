"""A yes/no question before a step that is hard to undo (close, escalate, discard typed text)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from sopdash.tui.dialogs.buttons import DialogButton


class ConfirmDialog(ModalScreen[bool]):
    """Ask one question; dismisses True for yes (`y`, `enter`), False for no (`n`, `esc`)."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes", priority=True),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", priority=True),
    ]

    def __init__(self, question: str | Content, title: str = "Confirm", yes: str = "Yes", no: str = "No") -> None:
        """`question` is shown literally (a plain str is never parsed as markup)."""
        super().__init__(classes="dialog-screen")
        self.question = question if isinstance(question, Content) else Content(question)
        self.title_text = title
        self.yes_label = yes
        self.no_label = no

    @classmethod
    def discard(cls, what: str) -> ConfirmDialog:
        """The question `esc` asks before throwing away something the technician typed."""
        return cls(f"Discard the {what} you typed? It is not saved anywhere.", "Discard?", "Discard", "Keep editing")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog") as frame:
            frame.border_title = Content(self.title_text)
            yield Static(self.question, classes="question")
            with Horizontal(classes="dialog-buttons"):
                yield DialogButton(f"{self.yes_label} (y)", id="yes", variant="primary")
                yield DialogButton(f"{self.no_label} (n)", id="no")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
