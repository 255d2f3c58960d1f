"""The dashboard's saved views: how many tickets each holds on the board now, and the palette's commands for them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sopdash.core.board import Board, Moment
from sopdash.core.queue import parse_query
from sopdash.core.saved_views import SavedView


def counted(views: Sequence[SavedView], board: Board | None, moment: Moment | None, me: str) -> list[tuple[SavedView, int]]:
    """Each view with how many of the board's tickets it holds at `moment` (0 before the board is read)."""
    if board is None or moment is None:
        return [(view, 0) for view in views]
    result = []
    for view in views:
        query = parse_query(view.view().filter_text, me)
        result.append((view, sum(1 for row in board.rows if query.matches(row, moment))))
    return result


def palette_entries(
    counts: Sequence[tuple[SavedView, int]], show: Callable[[SavedView], None]
) -> list[tuple[str, str, Callable[[], None]]]:
    """One palette command per saved view: its title, its query and count, and what switches to it."""
    return [(f"Saved view: {view.title}", f"{count} tickets · {view.query}", lambda v=view: show(v))
            for view, count in counts]
