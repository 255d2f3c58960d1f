"""Set a ticket's priority (SOP 2C) with one key: 1 urgent, 2 high, 3 medium, 4 low."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static

from sopdash.core.model import PRIORITIES, Ticket
from sopdash.tui.dialogs.buttons import DialogButton
from sopdash.tui.dialogs.heading import ticket_heading

POINTER = "▸ "


class PriorityDialog(ModalScreen[str | None]):
    """Choose urgent/high/medium/low; dismisses the new priority, or None if cancelled or unchanged."""

    BINDINGS = [
        *(
            Binding(str(number), f"choose('{priority}')", priority, id=f"priority.{priority}")
            for number, priority in enumerate(PRIORITIES, start=1)
        ),
        Binding("enter", "choose_highlighted", "Set", id="priority.set", priority=True),
        Binding("escape", "cancel", "Cancel", id="priority.cancel"),
    ]

    def __init__(self, ticket: Ticket, privacy: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self.ticket = ticket
        self.privacy = privacy

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog priority-dialog") as frame:
            frame.border_title = Content(f"Priority of ticket #{self.ticket.id}")
            yield Static(ticket_heading(self.ticket, self.privacy), classes="ticket-heading")
            yield Static(Content(self._current_text()), classes="hint")
            yield OptionList(*self._prompts(PRIORITIES.index(self.ticket.priority)), compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield DialogButton("Set (enter)", id="set", variant="primary")
                yield DialogButton("Cancel (esc)", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = PRIORITIES.index(self.ticket.priority)

    def _current_text(self) -> str:
        untriaged = "" if self.ticket.triaged else " (untriaged: not yet set by a technician)"
        return f"Now: {self.ticket.priority}{untriaged}"

    def _prompts(self, highlighted: int | None) -> list[Content]:
        """One line per priority; the pointer marks the highlighted one so it reads without colour."""
        prompts = []
        for index, priority in enumerate(PRIORITIES):
            pointer = POINTER if index == highlighted else "  "
            current = "  ● current" if priority == self.ticket.priority else ""
            prompts.append(Content(f"{pointer}{index + 1}  {priority:<7}{current}"))
        return prompts

    @on(OptionList.OptionHighlighted)
    def _move_pointer(self, event: OptionList.OptionHighlighted) -> None:
        for index, prompt in enumerate(self._prompts(event.option_index)):
            event.option_list.replace_option_prompt_at_index(index, prompt)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(PRIORITIES[event.option_index])

    def on_button_pressed(self, event: DialogButton.Pressed) -> None:
        event.stop()
        if event.button.id == "set":
            self.action_choose_highlighted()
        else:
            self.action_cancel()

    def action_choose_highlighted(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None:
            self.action_choose(PRIORITIES[highlighted])

    def action_choose(self, priority: str) -> None:
        unchanged = self.ticket.triaged and priority == self.ticket.priority
        self.dismiss(None if unchanged else priority)

    def action_cancel(self) -> None:
        self.dismiss(None)
