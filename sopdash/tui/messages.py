"""Typed messages between the dashboard's workers, panes and app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from sopdash.core.board import Board
from sopdash.core.queue import Arrangement, Ordering, Query


@dataclass
class QueueArranged(Message):
    """A worker arranged the queue for `query` and `ordering`: after reading the store (`reloaded`, the archive
    too if `with_history`), or after a view, filter or sort change."""

    board: Board
    arrangement: Arrangement
    query: Query
    ordering: Ordering
    reloaded: bool = False
    with_history: bool = False


@dataclass
class TicketOpened(Message):
    """`enter` on a ticket in the list pane with the id `pane`."""

    pane: str
