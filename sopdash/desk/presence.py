"""Presence as the faces see it: one dashboard's place on the board of who is on which ticket.

`Desk.presence()` gives the store's own board (files beside a store file, a table beside a database); a face
needs no more of it than this.
"""

from __future__ import annotations

from typing import Protocol

from sopdash.core.presence import Presence


class PresenceBoard(Protocol):
    """Announce what this dashboard shows, hear the others, and leave on exit."""

    def announce(self, ticket_id: int | None, activity: str = ...) -> bool:
        """Say which ticket this dashboard shows and what it does there; True if that was written."""
        ...

    def others(self) -> list[Presence]:
        """Every other dashboard's fresh entry."""
        ...

    def leave(self) -> None:
        """Remove this dashboard's entry."""
        ...
