"""Beside each archive month file, a small index derived from it (`2026-03.index`): where each ticket's document
lies in the month's bytes, and each ticket's summary (what a list of history shows).

It lets `ticket show` of an archived ticket read and decode only that ticket's bytes, and a page of history read
summaries instead of whole months. It is written under the lock whenever its month is (`encode_month` gives the
spans), never the source of truth: it records the month file's size and modification time, and each span the
hash of its bytes, so an index that does not match its month (a crash between the two writes, a month restored
from a backup, a hand edit) is never believed; a reader then reads the whole month as before and writes the
index again (best effort: a reader without write access just goes on without it). It is opened like every other
file beside the store (`safe_files`): no link is followed, only a regular file is read; a link or FIFO there is
left alone for `check --fix`, which removes it, and rebuilds what is missing or stale.
"""

from __future__ import annotations

import hashlib
import os
import stat
from typing import Any

import msgspec

from sopdash.core.errors import StoreError
from sopdash.core.model import Ticket
from sopdash.core.summary import TicketSummary
from sopdash.store.safe_files import Folder
from sopdash.store.storage import RawFile, write_atomically

INDEX_SUFFIX = ".index"
_ENCODER = msgspec.json.Encoder()
_DIGEST_BYTES = 8
_DIGEST_CHARS = 2 * _DIGEST_BYTES
_RAW_FILE = msgspec.json.Decoder(RawFile)
_SUMMARY = msgspec.json.Decoder(TicketSummary)
_TICKET = msgspec.json.Decoder(Ticket)


class Span(msgspec.Struct, frozen=True, gc=False):
    """Where one ticket's document lies in its month file, and the hash of its bytes."""

    id: int
    offset: int
    length: int
    digest: str


class _Spans(msgspec.Struct, frozen=True):
    """The index as `ticket show` reads it: the month file it was made from (size, mtime) and each ticket's span, as
    columns (a list of numbers decodes in a fraction of the time of as many small objects); summaries skipped."""

    size: int
    mtime_ns: int
    ids: list[int]
    offsets: list[int]
    lengths: list[int]
    digests: str  # each span's, _DIGEST_CHARS apiece

    def spans(self) -> list[Span]:
        """Each ticket's span, in file order."""
        return [self.span(n) for n in range(len(self.ids))]

    def whole(self) -> bool:
        """Whether every column holds a value for every ticket (a damaged index may not)."""
        count = len(self.ids)
        return len(self.offsets) == len(self.lengths) == count and len(self.digests) == count * _DIGEST_CHARS

    def span(self, n: int) -> Span:
        return Span(self.ids[n], self.offsets[n], self.lengths[n], self.digests[n * _DIGEST_CHARS:(n + 1) * _DIGEST_CHARS])


class MonthIndex(_Spans, frozen=True):
    """The whole index: the spans, and each ticket's summary in the same order."""

    summaries: list[TicketSummary]

    def whole(self) -> bool:
        return super().whole() and len(self.summaries) == len(self.ids)


def _index(size: int, mtime_ns: int, spans: list[Span], summaries: list[TicketSummary]) -> MonthIndex:
    return MonthIndex(size, mtime_ns, [s.id for s in spans], [s.offset for s in spans], [s.length for s in spans],
                      "".join(s.digest for s in spans), summaries)


_SPANS = msgspec.json.Decoder(_Spans)
_INDEX = msgspec.json.Decoder(MonthIndex)


def index_name(month: str) -> str:
    """The index file of a month ("2026-03" -> "2026-03.index")."""
    return f"{month}{INDEX_SUFFIX}"


def encode_month(meta: dict[str, Any], docs: dict[str, msgspec.Raw]) -> tuple[bytes, list[Span]]:
    """A month file's bytes (exactly `RawFile(meta, docs).encode()`) and where each document lies in them."""
    parts = [b'{"meta":', _ENCODER.encode(meta), b',"tickets":{']
    offset = sum(map(len, parts))
    spans = []
    for n, (key, doc) in enumerate(docs.items()):
        head = (b"," if n else b"") + _ENCODER.encode(key) + b":"
        body = bytes(doc)
        offset += len(head)
        spans.append(Span(int(key), offset, len(body), _digest(body)))
        parts += [head, body]
        offset += len(body)
    parts.append(b"}}")
    return b"".join(parts), spans


def write_index(folder: Folder, month: str, data: bytes, spans: list[Span]) -> None:
    """Write the month's index, its month file `data` just written with these spans (under the lock, or best effort)."""
    status = folder.entry(f"{month}.json")
    if status is None or status.st_size != len(data):
        return
    try:
        summaries = [_SUMMARY.decode(data[span.offset:span.offset + span.length]) for span in spans]
    except (msgspec.DecodeError, msgspec.ValidationError):
        return  # an invalid ticket in the month: no index, and `check` names the ticket
    _write(folder, month, _index(status.st_size, status.st_mtime_ns, spans, summaries))


def indexed_ticket(folder: Folder, month: str, ticket_id: int) -> Ticket | None:
    """The ticket read from its own bytes in the month file, as the index says; None if the index cannot vouch for
    them (missing, stale, planted, not listing it): then the whole month must be read."""
    return indexed_tickets(folder, month, [ticket_id]).get(ticket_id)


def indexed_tickets(folder: Folder, month: str, ids: list[int]) -> dict[int, Ticket]:
    """`indexed_ticket` for several tickets of one month, the index read once; those it cannot vouch for left out."""
    try:
        fd = folder.open_file(f"{month}.json")
    except (OSError, StoreError):
        return {}
    try:
        index = _matching(folder, month, os.fstat(fd), _SPANS)
        wanted = set(ids)
        spans = [] if index is None else [index.span(n) for n, ticket_id in enumerate(index.ids) if ticket_id in wanted]
        docs = [(span, os.pread(fd, span.length, span.offset)) for span in spans]
    finally:
        os.close(fd)
    found = {}
    for span, doc in docs:
        if _digest(doc) != span.digest:
            continue
        try:
            ticket = _TICKET.decode(doc)
        except (msgspec.DecodeError, msgspec.ValidationError):
            continue  # the whole month's read names the problem
        if ticket.id == span.id:
            found[ticket.id] = ticket
    return found


def month_summaries(folder: Folder, month: str) -> list[TicketSummary] | None:
    """Every summary in the month's index, made again first if it is missing or stale; None if the month cannot be
    indexed (then read the month itself, which names its problem)."""
    index = read_index(folder, month)
    if index is None:
        index = rebuild_index(folder, month)
    return None if index is None else index.summaries


def read_index(folder: Folder, month: str) -> MonthIndex | None:
    """The month's index if it matches the month file as it is now; None if it is missing, stale, planted or damaged."""
    status = folder.entry(f"{month}.json")
    return None if status is None else _matching(folder, month, status, _INDEX)


def rebuild_index(folder: Folder, month: str) -> MonthIndex | None:
    """Index the month file as it is now and write the index (best effort); None if the month cannot be indexed: it
    is missing, invalid, or not in the form sopdash writes (a hand edit: it is indexed when next written)."""
    try:
        fd = folder.open_file(f"{month}.json")
    except (OSError, StoreError):
        return None
    with open(fd, "rb") as file:
        status = os.fstat(fd)
        data = file.read()
    try:
        month_file = _RAW_FILE.decode(data)
        encoded, spans = encode_month(month_file.meta, month_file.tickets)
        if encoded != data:
            return None
        summaries = [_SUMMARY.decode(data[span.offset:span.offset + span.length]) for span in spans]
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
        return None
    index = _index(status.st_size, status.st_mtime_ns, spans, summaries)
    try:
        _write(folder, month, index)
    except (OSError, StoreError):
        pass  # a reader who may not write the archive goes on without the index
    return index


def index_problem(folder: Folder, month: str) -> str | None:
    """What is wrong with the month's index for `check` ("missing", "stale"), None if it is right (a planted link or
    FIFO is named by the sidecar lines)."""
    present = folder.entry(index_name(month))
    if folder.entry(f"{month}.json") is None:
        return None  # the month's own lines say it is missing
    if present is None:
        return "missing"
    if not _regular(present):
        return None
    return None if read_index(folder, month) is not None else "stale"


def _matching(folder: Folder, month: str, status: os.stat_result, decoder: msgspec.json.Decoder) -> Any:
    """The month's index decoded by decoder, if it was made from the month file whose status is given; else None."""
    try:
        index = decoder.decode(folder.read(index_name(month)))
    except (OSError, StoreError):  # missing, or a link or FIFO (UnsafeEntry): never followed
        return None
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return index if (index.size, index.mtime_ns) == (status.st_size, status.st_mtime_ns) and index.whole() else None


def _write(folder: Folder, month: str, index: MonthIndex) -> None:
    """Replace the month's index (not durable: a lost one is made again); a link or FIFO planted there is left for
    `check --fix`, never written through."""
    present = folder.entry(index_name(month))
    if present is None or _regular(present):
        write_atomically(folder.path / index_name(month), _ENCODER.encode(index), like=folder.path / f"{month}.json",
                         folder=folder, durable=False)


def _regular(status: os.stat_result) -> bool:
    return stat.S_ISREG(status.st_mode)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=_DIGEST_BYTES).hexdigest()
