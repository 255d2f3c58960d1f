"""Bulk actions: one SOP action on every marked ticket, each checked on its own, and one summary of the lot.

Each ticket goes through its own `Desk` action (and its own rule check and version check); a refusal of
one does not stop the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sopdash.core.errors import SopdashError
from sopdash.core.model import Ticket


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What one bulk action did: the tickets changed, and those refused with the reason."""

    what: str
    done: tuple[int, ...]
    refused: tuple[tuple[int, str], ...]

    def summary(self) -> str:
        """`assign to dana: 4 done; refused #9: it is closed`."""
        total = len(self.done) + len(self.refused)
        parts = [f"{self.what}: {len(self.done)} of {total} done"]
        parts += [f"#{ticket_id} refused: {reason}" for ticket_id, reason in self.refused]
        return "; ".join(parts)


def act_on_each(ticket_ids: Iterable[int], act: Callable[[int], Ticket], what: str) -> BulkOutcome:
    """Run `act` (a Desk action on one ticket id) on every id in order, collecting what was done and refused."""
    done: list[int] = []
    refused: list[tuple[int, str]] = []
    for ticket_id in ticket_ids:
        try:
            act(ticket_id)
        except SopdashError as error:
            refused.append((ticket_id, _reason(str(error), ticket_id)))
        else:
            done.append(ticket_id)
    return BulkOutcome(what, tuple(done), tuple(refused))


def _reason(message: str, ticket_id: int) -> str:
    """The reason alone: `cannot assign ticket #9: it is closed` → `it is closed`."""
    _, found, reason = message.partition(f"#{ticket_id}: ")
    return reason if found else message
