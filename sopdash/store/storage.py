"""The store file format: a TinyDB document serialised with orjson, checked on read and replaced atomically on write."""

from __future__ import annotations

import os
import stat
from contextlib import nullcontext
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
import orjson
from tinydb.storages import Storage

from sopdash.core.errors import InputError, StoreError
from sopdash.core.model import OPEN_STATUSES, Ticket
from sopdash.core.summary import TicketSummary, summary_of
from sopdash.store.access_errors import access_error, group_name, membership_fix
from sopdash.store.safe_files import NEW_FILE_MODE, Folder, GroupRefused, store_directory

SCHEMA_VERSION = 3  # the live file with its archive index in `<store>.archive/`, and the archive's month files
STEM_ARCHIVE_SCHEMA = 2  # the same with the archive in `<stem>.archive/`; read as is, moved on the next write
SINGLE_FILE_SCHEMA = 1  # the store before the archive: every ticket in one file; read as is, split on the first write
KNOWN_SCHEMAS = (SINGLE_FILE_SCHEMA, STEM_ARCHIVE_SCHEMA, SCHEMA_VERSION)
TICKETS = "tickets"
META = "meta"
RESTORE_HINT = "restore it from a backup or point --db elsewhere"


class OrjsonStorage(Storage):
    """A TinyDB storage for the store's files (live file and archive months): read checked, written atomically.

    sopdash itself reads and writes through `read_store_file`, `read_raw_file` and `write_atomically`; this is
    what lets TinyDB (or a script using it) open any of the files as the document database they are.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, dict[str, Any]]:
        """The whole document, checked for our shape and schema version."""
        return parse_store(read_bytes(self.path), self.path)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file with data in one atomic step."""
        write_atomically(self.path, orjson.dumps(data))


def read_bytes(path: Path, folder: Folder | None = None) -> bytes:
    """The raw file, opened without following a link (in folder, a sidecar opened already, if given); a missing or
    unreadable file is a StoreError with the fix."""
    try:
        with nullcontext(folder) if folder is not None else store_directory(path) as home:
            return home.read(path.name)
    except FileNotFoundError:
        raise missing_store(path) from None
    except OSError as error:
        raise access_error(path, "read", error) from None


class _StoreFile(msgspec.Struct):
    """A file as `decode_file` reads it: the meta table and every ticket, typed."""

    meta: dict[str, Any]
    tickets: dict[int, Ticket]


_STORE_FILE = msgspec.json.Decoder(_StoreFile)


class StoreFile(NamedTuple):
    """A store file read and checked: its meta record and its tickets by id."""

    record: dict[str, Any]
    tickets: dict[int, Ticket]


def read_store_file(path: Path, folder: Folder | None = None) -> StoreFile:
    """The file at path (in folder, if given), every ticket validated; a StoreError naming the first problem."""
    raw = read_bytes(path, folder)
    return decode_file(raw, path) or careful_read(raw, path)


def decode_file(raw: bytes, path: Path) -> StoreFile | None:
    """The file in raw, parsed, built and checked in one pass in C; None if anything in it is off.

    None sends the caller down `careful_read`, which names the first problem.
    """
    try:
        document = _STORE_FILE.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    check_schema(document.meta, path)
    tickets = document.tickets
    if any(ticket.id != key for key, ticket in tickets.items()):
        return None
    return StoreFile(document.meta["1"], tickets)


class _SummaryFile(msgspec.Struct):
    """A file as `read_summaries` reads it: the meta table and each ticket's summary, the rest skipped unbuilt."""

    meta: dict[str, Any]
    tickets: dict[int, TicketSummary]


_SUMMARY_FILE = msgspec.json.Decoder(_SummaryFile)


def read_summaries(path: Path) -> tuple[dict[str, Any], list[TicketSummary]]:
    """(the meta record, every ticket's summary) of the file at path: a fraction of the memory of its tickets; a
    StoreError naming the first problem if a ticket is invalid."""
    raw = read_bytes(path)
    try:
        document = _SUMMARY_FILE.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        whole = careful_read(raw, path)
        return whole.record, [summary_of(ticket) for ticket in whole.tickets.values()]
    check_schema(document.meta, path)
    return document.meta["1"], list(document.tickets.values())


def tickets_as(raw: bytes, path: Path, kind: type) -> dict[int, Any]:
    """The tickets of a store file's bytes built as `kind`: `Ticket`, every ticket validated (`decode_file`), or a
    type with some of a ticket's fields (the report's `ReportTicket`), the rest skipped unread; a StoreError if they
    do not read (the file read as a whole with `read_store_file` names the problem)."""
    if kind is Ticket:
        return (decode_file(raw, path) or careful_read(raw, path)).tickets
    try:
        document = _decoder_for(kind).decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise not_a_store(path, f"a ticket does not read: {error}") from None
    check_schema(document.meta, path)
    if any(ticket.id != key for key, ticket in document.tickets.items()):
        raise not_a_store(path, "a ticket's id is not its key")
    return document.tickets


def record_of(raw: bytes, path: Path) -> dict[str, Any]:
    """The meta record of a store file's bytes, its schema checked, its tickets skipped unread."""
    try:
        meta = _META_ONLY.decode(raw).meta
    except (msgspec.DecodeError, msgspec.ValidationError):
        meta = parse_store(raw, path)[META]  # names the problem
    check_schema(meta, path)
    return meta["1"]


class _MetaOnly(msgspec.Struct):
    meta: dict[str, Any]


_META_ONLY = msgspec.json.Decoder(_MetaOnly)


@cache
def _decoder_for(kind: type) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(msgspec.defstruct(f"_{kind.__name__}File", [("meta", dict[str, Any]), ("tickets", dict[int, kind])]))


class RawFile(msgspec.Struct):
    """A file as a writer holds it: the meta table, and each ticket as the bytes stored (parsed only when needed).

    A write under the lock decodes the one ticket it changes and copies the others' bytes back verbatim: on a
    large live file that is a fraction of the time and memory of building every document (README: Speed).
    """

    meta: dict[str, Any]
    tickets: dict[str, msgspec.Raw]

    def encode(self) -> bytes:
        """The file's bytes, every unchanged ticket exactly as it was read."""
        return _RAW_ENCODER.encode(self)


_RAW_FILE = msgspec.json.Decoder(RawFile)
_RAW_ENCODER = msgspec.json.Encoder()


def read_raw_file(path: Path, folder: Folder | None = None) -> RawFile:
    """The file at path (in folder, if given) with its tickets as raw bytes, its shape and schema checked; a StoreError
    naming the problem."""
    raw = read_bytes(path, folder)
    try:
        document = _RAW_FILE.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        parse_store(raw, path)  # names the problem
        raise not_a_store(path, "unexpected layout") from None
    check_schema(document.meta, path)
    for key, doc in document.tickets.items():
        if not (key.isdigit() and memoryview(doc)[:1] == b"{"):
            raise not_a_store(path, f"tickets entry {key!r} is not a ticket document")
    return document


def raw_ticket(path: Path, key: str, doc: msgspec.Raw) -> Ticket:
    """The validated ticket stored as doc."""
    return ticket_from_doc(path, int(key), orjson.loads(bytes(doc)))


class _StatusOnly(msgspec.Struct):
    status: str = "new"


_STATUS = msgspec.json.Decoder(_StatusOnly)
_TICKET = msgspec.json.Decoder(Ticket)


def open_tickets_of(path: Path) -> list[Ticket]:
    """The tickets of the file at path still being worked on (new, open, waiting), validated; the others are only
    looked at for their status, never built."""
    tickets = []
    for key, doc in read_raw_file(path).tickets.items():
        try:
            if _STATUS.decode(doc).status not in OPEN_STATUSES:
                continue
            ticket = _TICKET.decode(doc)
        except (msgspec.DecodeError, msgspec.ValidationError):
            ticket = None
        if ticket is None or ticket.id != int(key):
            ticket = raw_ticket(path, key, doc)  # the careful read, which names the problem
        if ticket.status in OPEN_STATUSES:
            tickets.append(ticket)
    return tickets


def careful_read(raw: bytes, path: Path) -> StoreFile:
    """The file in raw read document by document, so that the error names the ticket and the problem."""
    data = parse_store(raw, path)
    tickets = {int(key): ticket_from_doc(path, int(key), doc) for key, doc in data[TICKETS].items()}
    return StoreFile(data[META]["1"], tickets)


def ticket_from_doc(path: Path, ticket_id: int, doc: dict) -> Ticket:
    """The validated ticket in doc; a StoreError naming the file, the ticket and the problem otherwise."""
    try:
        ticket = Ticket.from_dict(doc)
    except (InputError, TypeError, ValueError, AttributeError) as error:
        raise bad_ticket(path, ticket_id, str(error)) from None
    if ticket.id != ticket_id:
        raise bad_ticket(path, ticket_id, f"its id field says {ticket.id}")
    return ticket


def bad_ticket(path: Path, ticket_id: int, problem: str) -> StoreError:
    """The error for one invalid ticket document."""
    problem = problem.removeprefix(f"ticket {ticket_id}: ")
    return StoreError(f"{path}: ticket {ticket_id} is invalid ({problem}); correct it in the file or restore it from a backup")


def missing_store(path: Path) -> StoreError:
    """The error for a store file that does not exist: it may be a real store on a path typed wrong, so init first."""
    return StoreError(
        f"no ticket store at {path}; create an empty one with `sopdash init --db {path}`"
        f" (or `sopdash demo --db {path}` to try sopdash on sample data)"
    )


def parse_store(raw: bytes, path: Path) -> dict[str, dict[str, Any]]:
    """The document in raw, or a one-line StoreError saying what is wrong with it."""
    if not raw.strip():
        raise not_a_store(path, "the file is empty")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise not_a_store(path, f"invalid JSON at line {error.lineno}") from None
    if not isinstance(data, dict):
        raise not_a_store(path, "the top level is not a JSON object")
    check_schema(data.get(META), path)
    check_tickets_table(data.get(TICKETS), path)
    return data


def check_schema(meta: Any, path: Path) -> None:
    """Refuse a file without our schema version, or with one this sopdash does not understand."""
    record = meta.get("1") if isinstance(meta, dict) else None
    version = record.get("schema") if isinstance(record, dict) else None
    if version is None:
        raise not_a_store(path, "no schema version")
    if version not in KNOWN_SCHEMAS:
        if isinstance(version, int) and version > SCHEMA_VERSION:
            raise StoreError(f"{path} has schema version {version}; this sopdash understands {SCHEMA_VERSION} — upgrade sopdash")
        raise not_a_store(path, f"unknown schema version {version!r}")


def check_tickets_table(table: Any, path: Path) -> None:
    """Refuse a tickets table that TinyDB could not read as documents keyed by id."""
    if not isinstance(table, dict):
        raise not_a_store(path, "no tickets table")
    for key, doc in table.items():
        if not (key.isdigit() and isinstance(doc, dict)):
            raise not_a_store(path, f"tickets entry {key!r} is not a ticket document")


def not_a_store(path: Path, problem: str) -> StoreError:
    """The error for a file that is not a readable sopdash store."""
    return StoreError(f"{path} is not a sopdash store ({problem}); {RESTORE_HINT}")


def write_atomically(path: Path, data: bytes, like: Path | None = None, folder: Folder | None = None,
                     durable: bool = True) -> None:
    """Write a temp file beside path (in folder, a sidecar opened already, if given), fsync it, rename it over path
    and fsync the directory (without durable, no fsync: for a file whose loss in a power cut costs nothing that
    matters, written under the lock).

    The temp file takes the old file's mode and group (or, for a new file, those of `like`), so a save by one
    technician does not lock the others out of the shared store.
    """
    try:
        with nullcontext(folder) if folder is not None else store_directory(path) as home:
            current = home.entry(path.name)
            if current is not None and stat.S_ISREG(current.st_mode):
                refuse_read_only(path, current, home)
            else:
                current = _status(like)
            mode, gid = (stat.S_IMODE(current.st_mode), current.st_gid) if current is not None else (NEW_FILE_MODE, -1)
            try:
                temp = home.temp_file(path.name)
            except OSError as error:
                raise access_error(home.path, "write in", error) from None
            home.replace(temp, path.name, data, mode, gid, durable)
    except GroupRefused:
        raise StoreError(f"cannot keep group '{group_name(gid)}' on {path}: you are not in it; {membership_fix(gid)}") from None
    except OSError as error:
        raise access_error(path, "write", error) from None


def _status(path: Path | None) -> os.stat_result | None:
    try:
        return None if path is None else path.stat()
    except FileNotFoundError:
        return None


def refuse_read_only(path: Path, status: os.stat_result, folder: Folder) -> None:
    """A StoreError if path is read-only: a replace needs only the directory, so without this anyone could overwrite it."""
    mode = stat.S_IMODE(status.st_mode)
    if not mode & 0o222 or not os.access(path.name, os.W_OK, dir_fd=folder.fd):  # no write bit at all stops even root
        raise StoreError(
            f"{path} is read-only (mode {mode:04o}), so sopdash will not replace it; if it should take changes, "
            f"run `chmod ug+w {path}`"
        )
