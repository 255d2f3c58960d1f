"""Set a ticket's priority (SOP 2C) with one key: 1 urgent, 2 high, 3 medium, 4 low."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import OptionList, Static

from sopdash.core.display import priority_label
from sopdash.core.model import PRIORITIES
from sopdash.tui.dialogs.base import CANCEL, SUBMIT_LABEL, DialogAction, TicketDialog
from sopdash.tui.bindings import screen_bindings

POINTER = "▸ "


class PriorityDialog(TicketDialog[str]):
    """Choose urgent/high/medium/low; dismisses the new priority, or None if cancelled or unchanged."""

    BINDINGS = screen_bindings(*(f"priority.{priority}" for priority in PRIORITIES), "priority.set", "priority.cancel")
    FRAME_CLASS = "priority-dialog"

    def frame_title(self) -> str:
        return f"Priority of ticket #{self.ticket.id}"

    def compose_body(self) -> ComposeResult:
        yield self.heading()
        yield Static(Content(f"Now: {self.marked.now if self.marked else priority_label(self.ticket)}"), classes="hint")
        yield OptionList(*self._prompts(PRIORITIES.index(self.ticket.priority)), compact=True)

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("set", f"Set ({SUBMIT_LABEL})", "primary", "choose_highlighted"), CANCEL)

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = PRIORITIES.index(self.ticket.priority)

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

    def action_choose_highlighted(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None:
            self.action_choose(PRIORITIES[highlighted])

    def action_choose(self, priority: str) -> None:
        if self.ticket.triaged and priority == self.ticket.priority:
            self.dismiss(None)
        else:
            self.submit(priority)
