"""When a mailed ticket's SLA clock starts: when the mail server received the message, not when sopdash fetched it.

The topmost `Received:` header is written by the server that holds the desk's mailbox, so it is believed within
`RECEIVED_BOUND` before the fetch (an intake that was down longer than that still starts the clock no earlier).
`Date:` is written by the client's program, so it is believed only within `DATE_BOUND`, and a clock never starts
in the future: a forged or wrong date can neither push a ticket up the queue nor stop its clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

RECEIVED_BOUND = timedelta(days=7)
DATE_BOUND = timedelta(days=1)


def clock_start(fetched: datetime, received: datetime | None, dated: datetime | None) -> datetime:
    """The instant a mailed ticket's clock starts: `received` within RECEIVED_BOUND of `fetched`, else `dated` if
    it lies within DATE_BOUND before it, else `fetched`; never after `fetched`."""
    if received is not None:
        return min(max(received, fetched - RECEIVED_BOUND), fetched)
    if dated is not None and fetched - DATE_BOUND <= dated <= fetched:
        return dated
    return fetched
