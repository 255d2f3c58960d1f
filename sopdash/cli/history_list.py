"""`sopdash ticket list --all` as text: every ticket ever, newest first, a page at a time, each page printed as soon
as it is read (`| head` reads only the newest months)."""

from __future__ import annotations

from datetime import tzinfo

from sopdash.core.summary import TicketSummary
from sopdash.core.text import one_line, pad, truncate
from sopdash.desk import Desk
from sopdash.desk.history_pages import HISTORY_PAGE

MIN_SUBJECT_WIDTH = 20
LATER_PAGES = 5_000  # once the first screen is out, fewer and larger pages
_WIDTHS = (8, 8, 10, 12)  # PRIORITY, STATUS, CLOSED, ASSIGNEE (cut to fit): fixed, so every page lines up


def print_history(desk: Desk, width: int) -> bool:
    """Print history page by page, newest first (closed, or opened if later or still open); False if it is empty."""
    zone = desk.policy.calendar.tz
    id_width = len(str(desk.store.next_id())) + 1
    page, cursor = desk.history_page(None, HISTORY_PAGE)
    if not page:
        return False
    print(_line(("ID".rjust(id_width), "PRIORITY", "STATUS", "CLOSED", "ASSIGNEE"), "SUBJECT", width))
    while True:
        print("\n".join(_row(summary, id_width, zone, width) for summary in page), flush=True)
        if cursor is None:
            return True
        page, cursor = desk.history_page(cursor, LATER_PAGES)


def _row(summary: TicketSummary, id_width: int, zone: tzinfo, width: int) -> str:
    moment = summary.page_key[0].astimezone(zone)
    cells = (f"#{summary.id}".rjust(id_width), summary.priority, summary.status,
             f"{moment:%Y-%m-%d}" if summary.closed_at else "-", one_line(summary.assignee) or "-")
    return _line(cells, one_line(summary.subject), width)


def _line(cells: tuple[str, ...], subject: str, width: int) -> str:
    widths = (len(cells[0]), *_WIDTHS)
    aligned = [cells[0], *(pad(truncate(cell, w), w) for cell, w in zip(cells[1:], widths[1:]))]
    subject_width = max(MIN_SUBJECT_WIDTH, width - sum(widths) - 2 * len(widths))
    return "  ".join([*aligned, truncate(subject, subject_width)]).rstrip()
