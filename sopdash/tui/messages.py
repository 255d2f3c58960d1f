"""Typed messages between the dashboard's workers, panes and app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from sopdash.tui.board import Board
from sopdash.tui.queue_view import Arrangement, Ordering, Query


@dataclass
class BoardLoaded(Message):
    """A reload worker read the store; `arrangement` is the queue for the query and ordering it used."""

    board: Board
    arrangement: Arrangement
    query: Query
    ordering: Ordering


@dataclass
class LoadFailed(Message):
    """A reload worker could not read the store."""

    error: str


@dataclass
class QueueArranged(Message):
    """A filter, view or sort change was applied to the board in a worker."""

    board: Board
    arrangement: Arrangement
    query: Query
    ordering: Ordering


@dataclass
class TicketOpened(Message):
    """`enter` on a ticket in the `pane` list."""

    pane: str
    ticket_id: int


@dataclass
class ActionDone(Message):
    """A ticket action went through the desk; `done` says what happened, for the notification."""

    ticket_id: int
    done: str


@dataclass
class ActionFailed(Message):
    """A ticket action was refused or failed; nothing changed."""

    error: str
