"""The ticket model: read back from its stored document exactly as saved, and checked field by field."""

from datetime import datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopdash.core import rules
from sopdash.core.errors import InputError
from sopdash.core.model import TIMELINE_KINDS, Requester, Ticket, status_changes
from sopdash.core.documents import document

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
    return Ticket.from_dict(orjson.loads(orjson.dumps(document(ticket))))


def test_a_ticket_reads_back_equal_to_what_was_saved():
    original = worked()
    assert stored(original) == original
    assert document(stored(original)) == document(original)


def test_status_changes_are_the_status_events_in_order():
    expected = ((T0.timestamp(), "new"), (at(5).timestamp(), "open"), (at(10).timestamp(), "waiting"))
    assert status_changes(worked().timeline) == expected
    assert status_changes(stored(worked()).timeline) == expected


def test_tickets_are_immutable_and_change_through_evolve():
    ticket = worked()
    with pytest.raises(AttributeError):
        ticket.status = "closed"  # type: ignore[misc]
    assert ticket.evolve(status="closed").status == "closed" and ticket.status == "waiting"


@pytest.mark.parametrize(
    "entry, problem",
    [
        (
            {"at": "2026-11-23T14:00:00+00:00", "author": "amara", "kind": "gossip", "text": "x"},
            r"timeline\[1\].kind: 'gossip' is not one of public, internal, event",
        ),
        ({"at": "yesterday", "author": "amara", "kind": "internal", "text": "x"}, r"timeline\[1\].at: invalid RFC3339"),
        ({"at": "2026-11-23T14:00:00", "author": "amara", "kind": "internal", "text": "x"}, r"timeline\[1\].at: .*timezone"),
        ({"author": "amara", "kind": "internal", "text": "x"}, r"timeline\[1\]: object missing required field `at`"),
        (
            {"at": "2026-11-23T14:00:00Z", "author": "", "kind": "event", "text": "", "change": {"status": "open"}},
            r"timeline\[1\].change\[...\]: expected `array`",
        ),
        (
            {"at": "2026-11-23T14:00:00Z", "author": "", "kind": "event", "text": "", "change": {"status": ["open"]}},
            r"timeline\[1\].change\[...\]: expected `array` of length >= 2",
        ),
    ],
)
def test_a_bad_entry_makes_the_ticket_invalid_naming_the_field(entry, problem):
    doc = document(worked())
    doc["timeline"].insert(1, entry)
    with pytest.raises(InputError, match=rf"^ticket 7: {problem}"):
        Ticket.from_dict(doc)


@pytest.mark.parametrize(
    "field, value, problem",
    [
        ("priority", "hgh", r"priority: 'hgh' is not one of urgent, high, medium, low"),
        ("tier", 4, r"tier: expected `int` <= 3"),
        ("subject", None, r"subject: expected `str`, got `null`"),
        ("created_at", "2026-11-23T14:00:00", r"created_at: expected `datetime` with a timezone component \(ISO 8601"),
        ("created_at", "23/11/2026", r"created_at: invalid RFC3339 encoded datetime \(ISO 8601 with an offset, e.g. "),
    ],
)
def test_a_bad_field_makes_the_ticket_invalid_naming_it(field, value, problem):
    doc = {**document(worked()), field: value}
    with pytest.raises(InputError, match=rf"^ticket 7: {problem}"):
        Ticket.from_dict(doc)


def test_times_with_another_offset_are_read_as_the_same_instant_and_saved_in_utc():
    doc = document(worked())
    doc["created_at"] = "2026-11-23T15:00:00+01:00"
    doc["timeline"][0]["at"] = "2026-11-23T14:00:00Z"
    ticket = Ticket.from_dict(doc)
    assert ticket.created_at == T0 and ticket.timeline[0].at == T0
    assert document(ticket)["created_at"] == "2026-11-23T14:00:00+00:00"
    assert document(ticket)["timeline"][0]["at"] == "2026-11-23T14:00:00+00:00"


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
def test_a_stored_timeline_reads_back_as_saved(docs):
    docs = orjson.loads(orjson.dumps(docs))
    ticket = Ticket.from_dict({**document(worked()), "timeline": docs})
    assert document(ticket)["timeline"] == docs
    assert status_changes(ticket.timeline) == tuple(
        (datetime.fromisoformat(doc["at"]).timestamp(), doc["change"]["status"][1])
        for doc in docs
        if "change" in doc and doc["kind"] == "event"
    )
