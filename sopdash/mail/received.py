"""The times a message carries: when the topmost `Received:` header says the desk's mail server took it, and its
`Date:`; None for either that is missing or cannot be read (`core/received.py` decides which to believe)."""

from __future__ import annotations

from datetime import datetime, timezone
from email.message import Message
from email.utils import parsedate_to_datetime


def server_times(message: Message) -> tuple[datetime | None, datetime | None]:
    """(the topmost Received header's date, the Date header's), each aware, in UTC."""
    received = _header(message, "Received")
    stamp = received.rpartition(";")[2] if received is not None and ";" in received else None
    return _time(stamp), _time(_header(message, "Date"))


def _header(message: Message, name: str) -> str | None:
    try:
        value = message.get(name)
        return None if value is None else str(value)
    except Exception:  # the email package failing on a malformed header: that time is not known, nothing more
        return None


def _time(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = parsedate_to_datetime(" ".join(str(value).split()))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:  # "-0000": the zone is unknown, the time is UTC
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)
