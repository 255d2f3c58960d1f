"""`W`: the saved views (the desk's `[views.NAME]` and the technician's own), each with how many tickets it holds
now; a number key or enter switches the queue to one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import OptionList, Static

from sopdash.core.saved_views import SavedView
from sopdash.core.text import one_line
from sopdash.tui.dialogs.base import CANCEL, SUBMIT_LABEL, Dialog, DialogAction
from sopdash.tui.bindings import screen_bindings

NUMBERED = 9  # views 1–9 each have their number key


class SavedViewsDialog(Dialog[SavedView]):
    """Pick a saved view; dismisses it, or None on esc."""

    BINDINGS = screen_bindings(*(f"views.{number}" for number in range(1, 10)), "views.show", "views.cancel")
    FRAME_CLASS = "saved-views-dialog"

    def __init__(self, counted: Sequence[tuple[SavedView, int]]) -> None:
        """`counted`: each view with how many tickets it holds now."""
        super().__init__()
        self.counted = tuple(counted)

    def frame_title(self) -> str:
        return "Saved views"

    def compose_body(self) -> ComposeResult:
        if not self.counted:
            yield Static(Content('No saved views yet: add [views.NAME] query = "p:high a:me" to the desk\'s settings, '
                                 "or [ui.views.NAME] to your own config."), classes="hint")
            return
        yield OptionList(*(self._prompt(index, view, count) for index, (view, count) in enumerate(self.counted)),
                         compact=True)

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("show", f"Show ({SUBMIT_LABEL})", "primary", "choose_highlighted"), CANCEL)

    @staticmethod
    def _prompt(index: int, view: SavedView, count: int) -> Content:
        number = str(index + 1) if index < NUMBERED else " "
        return Content(f"{number}  {view.title:<28} {count:>5}  {one_line(view.query, 40)}")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(event.option_index)

    def action_choose_highlighted(self) -> None:
        lists = self.query(OptionList)
        if lists and lists.first().highlighted is not None:
            self.action_choose(lists.first().highlighted)

    def action_choose(self, index: int) -> None:
        if index < len(self.counted):
            self.submit(self.counted[index][0])
