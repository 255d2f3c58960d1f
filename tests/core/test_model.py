"""The ticket model's timeline: read lazily from the store, equal to its entries, cheap to save and to add to."""

from datetime import datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopdash.core import rules
from sopdash.core.errors import InputError
from sopdash.core.model import (
    TIMELINE_KINDS,
    Requester,
    Ticket,
    Timeline,
    TimelineEntry,
    read_timeline,
    status_changes,
)

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def worked() -> Ticket:
    """A ticket with events, a note and a public reply: created, acknowledged, then waiting on the client."""
    ticket = rules.create(7, "VPN drops every hour", Requester("Ada Byron"), T0, "amara")
    ticket = rules.note(ticket, "amara", at(1), "checked the logs")
    ticket = rules.acknowledge(ticket, "amara", at(5), "Hello Ada, we have it.")
    return rules.set_waiting(ticket, "amara", at(10))


def stored(ticket: Ticket) -> Ticket:
    """The ticket as the store reads it back."""
    return Ticket.from_dict(orjson.loads(orjson.dumps(ticket.to_dict())))


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """The documents from which an entry was built, in order."""
    docs: list[dict] = []
    build = TimelineEntry.from_dict

    def counting(doc: dict) -> TimelineEntry:
        docs.append(doc)
        return build(doc)

    monkeypatch.setattr(TimelineEntry, "from_dict", counting)
    return docs


def test_a_stored_timeline_builds_each_entry_once_when_first_looked_at(built):
    original = worked()
    timeline = stored(original).timeline
    assert isinstance(timeline, Timeline) and len(timeline) == 5 and built == []
    assert timeline[-1] == original.timeline[-1] and len(built) == 1
    assert timeline[-1] is timeline[-1] and len(built) == 1
    assert list(timeline) == list(original.timeline) and len(built) == 5


def test_the_clocks_and_saving_build_no_entry(built):
    original = worked()
    ticket = stored(original)
    assert status_changes(ticket.timeline) == status_changes(original.timeline)
    assert ticket.to_dict() == original.to_dict()
    assert built == []


def test_status_changes_are_the_status_events_in_order():
    expected = ((T0.timestamp(), "new"), (at(5).timestamp(), "open"), (at(10).timestamp(), "waiting"))
    assert status_changes(worked().timeline) == expected
    assert status_changes(stored(worked()).timeline) == expected
    assert status_changes(tuple(worked().timeline)) == expected


def test_a_timeline_equals_the_tuple_of_its_entries_either_way_round():
    original = worked()
    timeline = stored(original).timeline
    entries = tuple(original.timeline)
    assert timeline == entries and entries == timeline and timeline == original.timeline
    assert timeline != entries[:-1] and entries[1:] != timeline
    assert timeline != list(entries)
    assert stored(original) == original
    assert Ticket(id=1, subject="s", created_at=T0).timeline == ()


def test_indexing_slicing_and_reversing_read_like_a_tuple():
    entries = tuple(worked().timeline)
    timeline = stored(worked()).timeline
    assert timeline[0].text == "ticket created" and timeline[-2] == entries[-2]
    assert timeline[1:3] == entries[1:3] and isinstance(timeline[1:3], tuple)
    assert timeline[::-2] == entries[::-2]
    assert list(reversed(timeline)) == list(reversed(entries))
    assert entries[2] in timeline and timeline.index(entries[3]) == 3
    with pytest.raises(IndexError):
        timeline[5]


def test_adding_entries_builds_none_of_the_stored_ones(built):
    ticket = stored(worked())
    noted = rules.note(ticket, "bo", at(20), "called back")
    assert isinstance(noted.timeline, Timeline) and built == []
    assert noted.timeline[-1].text == "called back" and noted.timeline[:-1] == ticket.timeline
    assert noted.to_dict()["timeline"] == [*ticket.to_dict()["timeline"], noted.timeline[-1].to_dict()]
    reopened = rules.set_waiting(noted, "bo", at(30), waiting=False)
    assert status_changes(reopened.timeline)[-1] == (at(30).timestamp(), "open")


def test_entries_join_either_side_of_a_timeline():
    timeline = stored(worked()).timeline
    first = TimelineEntry(at=T0, author="Ada Byron", kind="public", text="Anyone there?", client=True)
    assert (first,) + timeline == (first, *timeline)
    assert timeline + (first,) == (*timeline, first)
    assert timeline + timeline == (*timeline, *timeline)
    assert len(Timeline() + (first,)) == 1


@pytest.mark.parametrize(
    "entry, problem",
    [
        ({"at": "2026-11-23T14:00:00+00:00", "author": "amara", "kind": "gossip", "text": "x"}, "timeline.kind"),
        ({"at": "yesterday", "author": "amara", "kind": "internal", "text": "x"}, "timeline.at"),
        ({"author": "amara", "kind": "internal", "text": "x"}, "timeline.at"),
        ({"at": "2026-11-23T14:00:00+00:00", "kind": "event", "change": {"status": "open"}}, "timeline.change"),
        ({"at": "2026-11-23T14:00:00Z", "kind": "event", "change": {"status": ["open"]}}, "timeline.change"),
    ],
)
def test_a_bad_entry_makes_the_ticket_invalid_when_read(entry, problem):
    doc = worked().to_dict()
    doc["timeline"].insert(1, entry)
    with pytest.raises(InputError, match=rf"^ticket 7: {problem}: "):
        Ticket.from_dict(doc)


def test_entries_in_another_iso_form_are_read_at_once_and_saved_in_the_stored_form():
    created = {"at": "2026-11-23T14:00:00Z", "author": "amara", "kind": "event", "text": "created"}
    docs = [{**created, "change": {"status": [None, "new"]}}, {"at": "2026-11-23T14:05:00", "kind": "public"}]
    timeline = read_timeline(docs)
    assert [entry.at for entry in timeline] == [T0, at(5)]
    assert [doc["at"] for doc in timeline.to_dicts()] == ["2026-11-23T14:00:00+00:00", "2026-11-23T14:05:00+00:00"]
    assert status_changes(timeline) == ((T0.timestamp(), "new"),)


stored_times = st.datetimes(timezones=st.just(timezone.utc)).map(lambda moment: moment.isoformat(timespec="seconds"))
status_change = st.fixed_dictionaries({"status": st.tuples(st.none(), st.sampled_from(("open", "waiting")))})
entry_docs = st.lists(
    st.fixed_dictionaries(
        {"at": stored_times, "author": st.text(max_size=5), "kind": st.sampled_from(TIMELINE_KINDS), "text": st.text()},
        optional={"change": status_change},
    ),
    max_size=6,
)


@given(entry_docs)
def test_a_stored_timeline_reads_as_its_entries_built_at_once(docs):
    docs = orjson.loads(orjson.dumps(docs))
    timeline = read_timeline(docs)
    entries = tuple(TimelineEntry.from_dict(doc) for doc in docs)
    assert status_changes(timeline) == status_changes(entries)
    assert timeline == entries and timeline.to_dicts() == docs
