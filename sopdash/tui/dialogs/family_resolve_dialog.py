"""Resolving a parent ticket (an outage) offers to resolve its open children with the same summary, each child's
client told (SOP 4F), so each child's close gate is met."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.app import ComposeResult

from sopdash.core.model import Ticket
from sopdash.core.rules import resolution_message
from sopdash.tui.dialogs.resolve_dialog import MarkedCheckbox, Resolution, ResolveDialog


@dataclass(frozen=True, slots=True)
class FamilyResolution(Resolution):
    """A Resolution that also resolves and notifies the open children."""

    children: bool = True


class FamilyResolveDialog(ResolveDialog):
    """The resolve dialog with one more choice: the open children too (on unless unticked)."""

    def __init__(self, ticket: Ticket, children: Sequence[int], privacy: bool = False, route: str = "",
                 message: Callable[[Ticket, str], str] = resolution_message) -> None:
        super().__init__(ticket, privacy=privacy, route=route, message=message)
        self.child_ids = tuple(children)

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        shown = ", ".join(f"#{child}" for child in self.child_ids)
        yield MarkedCheckbox(f"Also resolve its {len(self.child_ids)} open children ({shown}), each client told",
                             value=True, compact=True, id="children")

    def submit(self, result: Resolution | None) -> None:  # type: ignore[override]
        if isinstance(result, Resolution) and not isinstance(result, FamilyResolution):
            with_children = self.query_one("#children", MarkedCheckbox).value and result.notify
            result = FamilyResolution(result.summary, result.notify, result.allow_sensitive, with_children)
        super().submit(result)
