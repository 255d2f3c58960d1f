"""History in pages on PostgreSQL: migration 9 (an index in history's order, newest first) and the query of a page.

History's order is `summary.page_key`: when a ticket was closed, or created if that is later or it is not closed,
then its id. In the server that is `(greatest(created_at, closed_at), id)` (greatest skips a NULL closing time), and
the index on it lets a page of the *all* view or `ticket list --all` read its rows only, wherever in the history it
starts, instead of every ticket.
"""

from __future__ import annotations

from typing import Any

from sopdash.core.summary import Cursor

KEY = "greatest(created_at, closed_at)"

# and technicians may read how far ticket ids went (`ticket list --all` sizes its id column by it), as they may see
# every ticket anyway; they still only draw ids (nextval), never set them
MIGRATION = (
    9,
    "history in pages: an index in history's order, newest first; technicians read the id sequence's position",
    f"""CREATE INDEX tickets_history_order ON sopdash.tickets (({KEY}), id);
GRANT SELECT ON SEQUENCE sopdash.ticket_ids TO sopdash_technician;""",
)


def page_sql(before: Cursor | None, limit: int) -> tuple[str, dict[str, Any]]:
    """The statement that reads (id, document) of history's next `limit` + 1 tickets below `before` (the one more
    says whether another page follows), and its parameters."""
    below = "" if before is None else f"WHERE ({KEY}, id) < (%(at)s, %(id)s) "
    statement = f"SELECT id, doc FROM sopdash.tickets {below}ORDER BY {KEY} DESC, id DESC LIMIT %(limit)s"
    params = {"limit": limit + 1} if before is None else {"at": before[0], "id": before[1], "limit": limit + 1}
    return statement, params
