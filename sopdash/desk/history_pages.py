"""History a page at a time, newest first (`Store.history_page`): what the *all* view and `ticket list --all` show
before anyone asks for the whole archive."""

from __future__ import annotations

from sopdash.core.model import Ticket
from sopdash.store import Store

HISTORY_PAGE = 200
"""Tickets in one page of history: more than a screen holds, a small part of a year's archive."""


def recent_history(store: Store, pages: int) -> tuple[list[Ticket], bool]:
    """(the live tickets and those of the `pages` newest pages of history, archived ones read one by one from
    their months; whether older pages remain)."""
    live = store.live()
    known = {ticket.id for ticket in live}
    wanted: list[int] = []
    cursor = None
    for _ in range(pages):
        page, cursor = store.history_page(cursor, HISTORY_PAGE)
        wanted += [summary.id for summary in page if summary.id not in known]
        if cursor is None:
            break
    return [*live, *store.tickets(wanted)], cursor is not None
