"""`sopdash store copy`: a whole desk moved to the other backend (file ⇄ PostgreSQL), exactly, and checked.

Exactly means every ticket with its id and version, the id the next new ticket gets (so that ids are never
reused after a move), and everything kept beside the tickets: the original of every client mail, its
attachments, held and rejected mail, and the mail log. The copy is read back from the destination and
compared with the source by count and by SHA-256 checksums; a destination that already holds tickets or
kept mail is refused.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import orjson

from sopdash.core.documents import json_bytes
from sopdash.core.errors import InputError, StoreError
from sopdash.store.contract import Store


class Contents(NamedTuple):
    """What a copy must carry over: how many tickets and the SHA-256 of their documents, the next id, every kept
    file (by name, its SHA-256) and the mail log's records. Its counts and checksum prove a copy."""

    count: int
    tickets_sha256: str
    next_id: int
    kept: dict[str, str]
    log: list[dict]

    @property
    def checksum(self) -> str:
        """SHA-256 over the next id, the tickets' SHA-256, the kept files' names and checksums, and the log's
        records."""
        digest = hashlib.sha256(str(self.next_id).encode())
        digest.update(self.tickets_sha256.encode())
        digest.update(orjson.dumps(sorted(self.kept.items())))
        for record in self.log:
            digest.update(orjson.dumps(record, option=orjson.OPT_SORT_KEYS))
        return digest.hexdigest()

    def describe(self) -> str:
        return (f"{self.count} tickets, next id {self.next_id}, {len(self.kept)} kept files, "
                f"{len(self.log)} mail log records, sha256 {self.checksum[:16]}")


def contents(store: Store) -> Contents:
    """Every ticket of store, live and archived (streamed: each document, keys sorted, in id order into one
    SHA-256), its next id, and what is kept beside it (each file read once)."""
    digest, count = hashlib.sha256(), 0
    for ticket in store.every_ticket():
        digest.update(json_bytes(ticket, orjson.OPT_SORT_KEYS))
        count += 1
    kept = store.kept_files()
    files = {name: hashlib.sha256(kept.read(name)).hexdigest() for name in kept.names()}
    return Contents(count, digest.hexdigest(), store.next_id(), files, kept.read_log())


def copy_store(source: Store, destination: Store) -> tuple[Contents, Contents]:
    """Copy source into the empty destination; returns (what was read, what the destination holds now).

    StoreError if the two differ after the copy; InputError if the destination was not empty.
    """
    refuse_kept_files(destination)
    read = contents(source)
    destination.restore(source.every_ticket(), read.next_id)
    copy_kept_files(source, destination)
    written = contents(destination)
    if written != read:
        raise StoreError(f"the copy in {destination.location} does not match {source.location}: "
                         f"{written.describe()} against {read.describe()}")
    return read, written


def refuse_kept_files(store: Store) -> None:
    """InputError if store keeps mail or a mail log already: a copy goes into a new store."""
    kept = store.kept_files()
    if kept.names() or kept.read_log(1):
        raise InputError(f"{store.location} keeps mail already; copy into a new store")


def copy_kept_files(source: Store, destination: Store) -> None:
    """Every kept file, one at a time, and the mail log in its order."""
    from_files, to_files = source.kept_files(), destination.kept_files()
    for name in from_files.names():
        to_files.keep(name, from_files.read(name))
    for record in from_files.read_log():
        to_files.append_log(record)

