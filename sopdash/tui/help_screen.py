"""`?`: every key of the dashboard, pane by pane, then of every other screen and dialog (`sopdash.keys`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from sopdash.tui.bindings import screen_bindings


class HelpScreen(ModalScreen[None]):
    """A scrollable table of key → what it does for each pane; `esc`, `q` or `?` closes it."""

    BINDINGS = screen_bindings(
        "help.close", "help.down", "help.up", "help.page-down", "help.page-up", "help.top", "help.bottom"
    )

    def __init__(self, bindings: Mapping[str, Sequence[Binding]]) -> None:
        """`bindings` maps a pane's name to its bindings, in the order to show them."""
        super().__init__(classes="dialog-screen")
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-screen") as frame:
            frame.border_title = Content("Keys")
            with VerticalScroll(id="help-tables"):
                for pane, bindings in self.bindings.items():
                    yield Static(Content.styled(pane, "bold underline"), classes="help-pane")
                    yield Static(self._table(bindings), classes="help-table")
        yield Footer()

    def _keys(self, binding: Binding) -> str:
        """All the keys of one binding as the footer shows them, e.g. `j / ↓`."""
        keys = [key.strip() for key in binding.key.split(",")]
        return " / ".join(self.app.get_key_display(Binding(key, binding.action)) for key in keys)

    def _table(self, bindings: Sequence[Binding]) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(min_width=12, style="bold", no_wrap=True)
        table.add_column()
        for binding in bindings:
            description = binding.tooltip or binding.description or binding.action
            if description[1:2].islower():
                description = description[:1].lower() + description[1:]  # the footer's "Cancel" reads "cancel" here
            table.add_row(Text(self._keys(binding)), Text(description))
        return table

    def action_scroll(self, where: str) -> None:
        """Scroll the keys: `down`, `up`, `page_down`, `page_up`, `home` or `end`."""
        getattr(self.query_one("#help-tables", VerticalScroll), f"scroll_{where}")()

    def action_close(self) -> None:
        self.dismiss(None)
