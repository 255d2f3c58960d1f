"""History a page at a time, newest first (`Store.history_page`): what the *all* view and `ticket list --all` show,
without reading the whole archive."""

from __future__ import annotations

from sopdash.core.model import Ticket
from sopdash.core.summary import Cursor
from sopdash.store.contract import Store

HISTORY_PAGE = 200
"""Tickets in one page of history: more than a screen holds, a small part of a year's archive."""


def recent_history(store: Store, pages: int) -> tuple[list[Ticket], Cursor | None]:
    """(the live tickets and those of the `pages` newest pages of history; where the next older page starts, None
    if no older one remains)."""
    tickets = store.live()
    cursor = None
    for page in range(pages):
        older, cursor = next_history_page(store, cursor, {ticket.id for ticket in tickets})
        tickets += older
        if cursor is None:
            break
    return tickets, cursor


def next_history_page(store: Store, cursor: Cursor | None, shown: set[int]) -> tuple[list[Ticket], Cursor | None]:
    """(the tickets of history's page below cursor that are not among shown, archived ones read one by one from
    their months; where the page after it starts, None if none remains)."""
    page, cursor = store.history_page(cursor, HISTORY_PAGE)
    return store.tickets([summary.id for summary in page if summary.id not in shown]), cursor
