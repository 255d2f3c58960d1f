"""A digest of everything in the desk's SLA policy that a clock reading or a report's grouping depends on.

Targets, warning rules, calendars (zone, hours, holidays), the named policies and their conditions, and the
organisations: two policies with the same fingerprint read every ticket alike, so figures derived under one hold
under the other (the report's kept month tallies are keyed by it). Made from the policy's own fields, every one of
them, so a field added later counts without a change here; a value it cannot spell out plainly gives no
fingerprint at all, and then nothing derived is kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

import msgspec

from sopdash.core.calendar import BusinessCalendar
from sopdash.core.policy import SlaPolicy


class _Unnamed(Exception):
    """A value with no plain spelling that compares across processes."""


def policy_fingerprint(policy: SlaPolicy) -> str | None:
    """The policy's fingerprint (hex), or None if some part of it cannot be spelled out (a zone without an IANA
    name, say)."""
    try:
        plain = _plain(policy)
    except _Unnamed:
        return None
    return hashlib.blake2b(msgspec.json.encode(plain, order="sorted"), digest_size=16).hexdigest()


def _plain(value: Any) -> Any:
    """value as JSON's plain values, the same in any process (sets sorted; a dataclass by the fields it compares)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, BusinessCalendar):
        identity = value.identity()
        if identity is None:
            raise _Unnamed
        return identity
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted((_plain(item) for item in value), key=repr)
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    raise _Unnamed
