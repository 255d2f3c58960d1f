"""Adds notes to ticket 1 of a store, for the concurrency test: note_writer.py STORE AUTHOR COUNT (STORE: a file or a postgresql:// URL).

Waits for a line on stdin before writing, so that every writer starts at the same moment.
"""

import sys
from collections.abc import Callable
from datetime import datetime, timezone

from sopdash.core.model import Ticket, TimelineEntry
from sopdash.store.opening import open_store


def with_note(author: str, text: str) -> Callable[[Ticket], Ticket]:
    """A change that appends a note to a ticket's timeline, stamped once the ticket is held (a database refuses an
    entry older than the one before it, which a stamp taken before waiting for the row could be)."""
    def change(ticket: Ticket) -> Ticket:
        note = TimelineEntry(at=datetime.now(timezone.utc), author=author, kind="internal", text=text)
        return ticket.evolve(timeline=(*ticket.timeline, note))

    return change


def main(location: str, author: str, count: int) -> None:
    store = open_store(location)
    sys.stdin.readline()
    for n in range(count):
        store.update(1, with_note(author, f"{author} {n}"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
