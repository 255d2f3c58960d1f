"""The one-line input at the bottom of the screen: the queue filter (`/`) and a troubleshooting step's note (`t`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from sopdash.tui.bindings import screen_bindings


PROMPT_PADDING = 2  # cells around the prompt (see app.tcss)


@dataclass(frozen=True, slots=True)
class Question:
    """What the bar asks, and who hears what is typed: on every change, on enter (True closes the bar), on esc."""

    prompt: str
    placeholder: str | tuple[str, ...]
    """The hint shown while nothing is typed; given as forms from longest to shortest, the longest that fits."""
    submitted: Callable[[str], bool]
    changed: Callable[[str], None] = lambda value: None
    cancelled: Callable[[], None] = lambda: None
    value: str = ""


class QueryBar(Horizontal):
    """Hidden until asked a question; closes on enter (if the answer is taken) or esc, handing focus back."""

    BINDINGS = screen_bindings("query-cancel")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question: Question | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="query-prompt")
        yield Input(id="query-input", compact=True, select_on_focus=False)

    @property
    def is_open(self) -> bool:
        return self.has_class("-active")

    def ask(self, question: Question) -> None:
        """Show the bar with the question's prompt and value, and focus it."""
        self.question = question
        self.query_one("#query-prompt", Static).update(Text(question.prompt))
        field = self.query_one("#query-input", Input)
        field.placeholder = self._hint(question)
        with field.prevent(Input.Changed):
            field.value = question.value
        field.cursor_position = len(question.value)
        self.add_class("-active")
        field.focus()

    def _hint(self, question: Question) -> str:
        """The longest form of the question's hint that fits beside its prompt, measured in cells."""
        forms = (question.placeholder,) if isinstance(question.placeholder, str) else question.placeholder
        room = self.app.size.width - cell_len(question.prompt) - PROMPT_PADDING - 1  # the cursor's cell
        return next((form for form in forms if cell_len(form) <= room), forms[-1])

    def close(self) -> None:
        self.remove_class("-active")
        self.question = None

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.question is not None:
            self.question.changed(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.question is not None and self.question.submitted(event.value):
            self.close()

    def action_cancel(self) -> None:
        question = self.question
        self.close()
        if question is not None:
            question.cancelled()
