"""The shift's hand-over (SOP 2B) as a desk service: each technician's last look and hand-over notes, kept with the
desk, and what happened since (`core/handover`).

Each technician's record is one kept file, `handover/<login>.json` (beside a store file, or in the database's kept
files): when they acknowledged each hand-over (the last ones kept, newest last) and the notes they left. A record is
believed only if its owner is that technician (the file's owner; the database role that wrote it), so no colleague
can move someone's last look or sign a note in their name: one that is not theirs is ignored, and said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import msgspec

from sopdash.core import handover
from sopdash.core.errors import InputError
from sopdash.core.handover import Item, Note
from sopdash.core.limits import MAX_BODY
from sopdash.core.model import Time
from sopdash.desk.actions import Desk

FOLDER = "handover"
KEPT_LOOKS = 50
KEPT_NOTES = 20
FIRST_LOOK = timedelta(days=1)  # how far back a technician's first hand-over goes


class _Note(msgspec.Struct, frozen=True):
    at: Time
    text: str


class Record(msgspec.Struct, frozen=True):
    """One technician's hand-over record: the times they acknowledged a hand-over, oldest first, and their notes."""

    looked: tuple[Time, ...] = ()
    notes: tuple[_Note, ...] = ()

    @property
    def last_look(self) -> datetime | None:
        return self.looked[-1] if self.looked else None


@dataclass(frozen=True)
class Handover:
    """What a technician is handed: colleagues' notes (newest first), then what happened since their last look."""

    login: str
    since: datetime | None
    until: datetime
    notes: list[Note]
    items: list[Item]
    problems: list[str] = field(default_factory=list)


class HandoverBook:
    """The desk's hand-over records, for the technician at the desk."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.kept = desk.store.kept_files()

    def record(self, login: str) -> tuple[Record, str]:
        """login's record (empty if none), and what is wrong with the one kept (""), e.g. a colleague wrote it."""
        name = f"{FOLDER}/{login}.json"
        data = self.kept.find(name)
        if data is None:
            return Record(), ""
        owner = self.kept.owner(name)
        if owner != login:
            return Record(), f"{name} was written by {owner}, not {login}: ignored; have the desk's admin remove it"
        try:
            return msgspec.json.decode(data, type=Record), ""
        except msgspec.DecodeError as error:
            return Record(), f"{name} cannot be read ({error}): ignored; the next acknowledgement replaces it"

    def handover(self, since: datetime | None = None) -> Handover:
        """What this technician is handed now: since `since`, or else since their last acknowledged look (the last day
        before their first)."""
        mine, problem = self.record(self.desk.actor)
        until = self.desk.clock()
        since = since or mine.last_look or until - FIRST_LOOK
        notes, problems = self._notes(), [problem] if problem else []
        items = handover.since_last_look(self.desk.history(since), self.desk.actor, since, until, self.desk.policy)
        return Handover(self.desk.actor, since, until, handover.notes_to_read(notes, self.desk.actor, since), items,
                        problems)

    def unread_notes(self) -> list[Note]:
        """Colleagues' hand-over notes left since this technician's last look (the last day before their first)."""
        mine, _ = self.record(self.desk.actor)
        since = mine.last_look or self.desk.clock() - FIRST_LOOK
        return handover.notes_to_read(self._notes(), self.desk.actor, since)

    def acknowledge(self) -> datetime:
        """Record that this technician has taken the hand-over now; the time recorded."""
        now = self.desk.action_clock()
        mine, _ = self.record(self.desk.actor)
        self._save(Record(looked=(*mine.looked, now)[-KEPT_LOOKS:], notes=mine.notes))
        return now

    def leave_note(self, text: str) -> datetime:
        """Leave a hand-over note for the next shift; the time recorded."""
        text = text.strip()
        if not text:
            raise InputError("a hand-over note must not be empty")
        if len(text) > MAX_BODY:
            raise InputError(f"a hand-over note may have at most {MAX_BODY:,} characters")
        now = self.desk.action_clock()
        mine, _ = self.record(self.desk.actor)
        self._save(Record(looked=mine.looked, notes=(*mine.notes, _Note(now, text))[-KEPT_NOTES:]))
        return now

    def _notes(self) -> list[Note]:
        """Every technician's notes, from the records each of them wrote."""
        notes = []
        for name in self.kept.names():
            folder, _, file = name.partition("/")
            if folder != FOLDER or not file.endswith(".json") or "/" in file:
                continue
            login = file.removesuffix(".json")
            record, problem = self.record(login)
            if not problem:
                notes += [Note(note.at, login, note.text) for note in record.notes]
        return notes

    def _save(self, record: Record) -> None:
        kept = self.kept.keep(f"{FOLDER}/{self.desk.actor}.json", msgspec.json.encode(record))
        if kept != f"{FOLDER}/{self.desk.actor}.json":
            raise InputError(f"{FOLDER}/{self.desk.actor}.json beside the store belongs to someone else, so your "
                             f"hand-over was kept as {kept} and will not be read: have the desk's admin remove it")
