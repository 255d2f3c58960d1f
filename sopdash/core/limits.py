"""The limits at sopdash's edges (see README, "Limits"): what times, lengths, durations and ids it accepts.

Input beyond them is refused where it enters (the command line, the config, an import), so no stored
value can send the clocks, the store or a screen somewhere they cannot come back from.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sopdash.core.errors import InputError

EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)
EARLIEST_S = EARLIEST.timestamp()
LATEST_S = LATEST.timestamp()

MAX_DURATION_S = 3650 * 86_400  # an SLA target, warning lead or labour entry: ten years
MAX_TICKET_ID = 2**63 - 1  # what a signed 64-bit integer holds, and so what JSON readers agree on

MAX_SUBJECT = 1_000
MAX_NAME = 200  # requester names, e-mail addresses, phone numbers, logins
MAX_CATEGORY = 200
MAX_BODY = 1_000_000  # descriptions, notes, replies, summaries


def in_range(moment: datetime) -> bool:
    """Whether moment lies within the times sopdash handles (1970 to 2200)."""
    return EARLIEST <= moment < LATEST


def check_time(moment: datetime, what: str) -> datetime:
    """moment if it is within 1970–2200, else an InputError naming `what`."""
    if not in_range(moment):
        raise InputError(f"{what}: {moment.date().isoformat()} is outside the years sopdash handles (1970 to 2199)")
    return moment

