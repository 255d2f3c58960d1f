"""Typed messages to the dashboard screen: how every worker reports back, and how panes say what happened.

A worker posts one of these when it has done its work (posting is safe from any thread); a worker that fails
raises instead, and `DashboardScreen.on_worker_state_changed` hears it.
"""

from __future__ import annotations

from sopdash.core.summary import Cursor

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.notifications import SeverityLevel

from sopdash.config import Settings
from sopdash.core.alerts import ClockAlert, ClockKey
from sopdash.core.board import Board
from sopdash.core.presence import Presence
from sopdash.core.queue import Arrangement, Ordering, Query
from sopdash.core.requesters import TicketsByRequester
from sopdash.desk.bulk import BulkOutcome

if TYPE_CHECKING:
    from sopdash.tui.dialogs.base import Dialog
    from sopdash.tui.dialogs.ticket_form_dialogs import NewTicketDialog
    from sopdash.tui.ticket_actions import Errand


@dataclass
class DeskSettingsChanged(Message):
    """The desk's settings changed: `settings` now in effect (None: the new ones cannot be used), and what to say."""

    settings: Settings | None
    news: str


@dataclass
class QueueArranged(Message):
    """A worker arranged the queue for `query` and `ordering`: after reading the store (`reloaded`, with history's
    newest pages if asked), or after a view, filter or sort change."""

    board: Board
    arrangement: Arrangement
    query: Query
    ordering: Ordering
    reloaded: bool = False
    history_pages: int = 0  # how many of history's newest pages the board holds
    next_page: Cursor | None = None  # where the next older page starts; None if none remains
    pinned: frozenset[int] = frozenset()  # tickets asked for by number that the read took in besides


class StoreAnnounced(Message):
    """The store announced a change (sent from the store's listening thread)."""


@dataclass
class ActionDone(Message):
    """The desk carried out a ticket action; `after` is what the desk returned (the ticket as it is now)."""

    errand: Errand
    after: object = None


@dataclass
class TicketCreated(Message):
    """The desk created ticket `ticket_id` from the new-ticket form `dialog`."""

    ticket_id: int
    dialog: NewTicketDialog


@dataclass
class BulkDone(Message):
    """A bulk action went through every marked ticket; `dialog` asked for it, if one did."""

    outcome: BulkOutcome
    dialog: Dialog | None


@dataclass
class MailDelivered(Message):
    """A delivery run sent, retried or failed some mail: `summary` says how many, at `severity`."""

    summary: str
    severity: SeverityLevel


@dataclass
class PresenceHeard(Message):
    """Every other dashboard's fresh presence entry, just read."""

    others: tuple[Presence, ...]


@dataclass
class ClocksRead(Message):
    """The watched clocks of `board`, read: their states now, and the alerts their changes raise."""

    board: Board
    states: dict[ClockKey, str]
    alerts: list[ClockAlert]


class HandoverNotesLeft(Message):
    """Colleagues left hand-over notes this technician has not seen (SOP 2B)."""


@dataclass
class RequestersGrouped(Message):
    """The tickets of `board`, grouped by requester."""

    board: Board
    index: TicketsByRequester


@dataclass
class TicketOpened(Message):
    """`enter` on a ticket in the list pane with the id `pane`."""

    pane: str
