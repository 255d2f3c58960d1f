"""Beside the store, what mail intake looks up instead of reading every ticket: which ticket holds each client
Message-ID and each kept original (to know an MTA's retry from another message reusing its Message-ID), which
ticket follows up a closed one, and when each sender opened tickets lately (the flood limit).

Both are kept files (`<store>.files/index/`, or rows of the kept-files table on PostgreSQL) in 256 shards chosen
by a hash of the key, each a small JSON object. They change only inside a `transact_by_id` plan, under the store's
write lock and before its commit: on PostgreSQL in the same transaction; on a file, a crash between the two can
leave an entry naming a ticket that lacks the message, so an entry is believed only once the ticket it names has
been read and holds the message. On a file a shard is replaced atomically but not synced on its own, which keeps
the lock short: the commit's fsync that follows carries the rename with it on a journalling file system, and a
shard lost in a power cut anyway would at worst let an MTA's retry of that one message open a second ticket.
A store without the index (older than it, or copied without its kept files) has it built once from its history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import PurePosixPath
from typing import Protocol

import orjson

from sopdash.core.inbound import MAIL, message_ids
from sopdash.core.model import Ticket

MESSAGES = "index/message-ids/{}.json"
SENDERS = "index/senders/{}.json"
BUILT = "index/built"


class Kept(Protocol):
    """What the index needs of the kept files (`KeptFiles` beside a file, `DatabaseFiles` in PostgreSQL)."""

    def keep(self, relative: str, data: bytes, durable: bool = True) -> str: ...

    def find(self, relative: str) -> bytes | None: ...


class MailIndex:
    """The Message-ID index and the senders' ledger in one store's kept files."""

    def __init__(self, kept: Kept) -> None:
        self.kept = kept

    @property
    def built(self) -> bool:
        """Whether the index covers the whole history (built, then kept up by every intake)."""
        return self.kept.find(BUILT) is not None

    def holder(self, message_id: str) -> int | None:
        """The ticket the index says holds the mail with this Message-ID: to be read and checked before believed."""
        return self._shard(MESSAGES, message_id).get(message_id)

    def record(self, message_id: str, ticket_id: int) -> None:
        """Note that the ticket holds this Message-ID (inside a `transact_by_id` plan)."""
        self._merge(_name(MESSAGES, message_id), {message_id: ticket_id})

    def opened(self, sender: str) -> list[datetime]:
        """When mail from sender opened tickets lately (within the window `record_opened` keeps)."""
        openings = self._shard(SENDERS, sender).get(sender)
        return [_time(at) for at in openings.values()] if isinstance(openings, dict) else []

    def record_opened(self, sender: str, ticket_id: int, at: datetime, keep_since: datetime) -> None:
        """Note that mail from sender opened the ticket at `at`, forgetting every opening before keep_since."""
        self.record_openings({sender: {ticket_id: at}}, keep_since)

    def record_openings(self, openings: dict[str, dict[int, datetime]], keep_since: datetime) -> None:
        """record_opened for many: {sender: {ticket id: when}}."""
        by_shard: dict[str, dict[str, dict[int, datetime]]] = {}
        for sender, tickets in openings.items():
            by_shard.setdefault(_name(SENDERS, sender), {})[sender] = tickets
        for name, senders in by_shard.items():
            shard = _load(self.kept.find(name))
            for sender, tickets in senders.items():
                known = shard.get(sender) if isinstance(shard.get(sender), dict) else {}
                shard[sender] = {**known, **{str(ticket_id): at.timestamp() for ticket_id, at in tickets.items()}}
            limit = keep_since.timestamp()
            shard = {who: kept for who, times in shard.items() if isinstance(times, dict)
                     and (kept := {key: at for key, at in times.items() if isinstance(at, (int, float)) and at >= limit})}
            self.kept.keep(name, orjson.dumps(shard), durable=False)

    def build(self, tickets: Iterable[Ticket], opened_since: datetime) -> None:
        """Index every client Message-ID the tickets hold and the tickets mail opened since opened_since, adding to
        what is indexed already (inside a `transact_by_id` plan); then mark the index built."""
        shards: dict[str, dict[str, int]] = {}
        openings: dict[str, dict[int, datetime]] = {}
        for ticket in tickets:
            keys = message_ids(ticket) | {content_key(e.inbound.eml) for e in ticket.timeline if e.inbound and e.inbound.eml}
            for key in keys:
                shards.setdefault(_name(MESSAGES, key), {})[key] = ticket.id
            if ticket.source.system == MAIL and ticket.created_at >= opened_since:
                openings.setdefault(ticket.requester.email.lower(), {})[ticket.id] = ticket.created_at
        for name, entries in shards.items():
            self._merge(name, entries)
        self.record_openings(openings, opened_since)
        self.kept.keep(BUILT, b"1\n")

    def _shard(self, template: str, key: str) -> dict:
        return _load(self.kept.find(_name(template, key)))

    def _merge(self, name: str, entries: dict) -> None:
        shard = _load(self.kept.find(name))
        shard.update(entries)
        self.kept.keep(name, orjson.dumps(shard), durable=False)


def content_key(eml: str) -> str:
    """The index key of a kept original: its name, a hash of its bytes (the same in whichever month it came)."""
    return f"content:{PurePosixPath(eml).stem}"


def _name(template: str, key: str) -> str:
    return template.format(hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:2])


def _time(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _load(data: bytes | None) -> dict:
    """A shard's entries; a damaged shard reads as empty (the index is a pointer, never the truth)."""
    if not data:
        return {}
    try:
        shard = orjson.loads(data)
    except orjson.JSONDecodeError:
        return {}
    return shard if isinstance(shard, dict) else {}
