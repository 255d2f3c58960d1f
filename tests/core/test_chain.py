"""The hash chain over a ticket's timeline: sealed as it is written, and any hand edit of a sealed entry found."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from sopdash.core import rules
from sopdash.core.chain import seal, ticket_problems, verify, without_seals
from sopdash.core.model import Delivery, Requester, Ticket

CREATED = datetime(2026, 11, 25, 9, 0, 0, 250_000, tzinfo=timezone.utc)  # a clock's microseconds, never stored
text = st.text(max_size=40).filter(str.strip)
writes = st.lists(st.tuples(st.sampled_from(["amara", "bo", "dana"]), text, st.booleans()), min_size=1, max_size=8)


def written(notes: list[tuple[str, str, bool]]) -> Ticket:
    """A ticket as a store holds it after one write per note (public ones as replies), each write sealing."""
    ticket = seal(rules.create(7, "VPN down", Requester("Ann", "ann@example.com"), CREATED, "amara"), None)
    for minute, (author, words, public) in enumerate(notes, 1):
        at = CREATED + timedelta(minutes=minute)
        if public:
            ticket = seal(rules.reply(ticket, author, at, words, allow_sensitive=True), ticket)
        else:
            ticket = seal(rules.note(ticket, author, at, words), ticket)
    return ticket


def replaced(ticket: Ticket, index: int, **changes) -> Ticket:
    timeline = list(ticket.timeline)
    timeline[index] = msgspec.structs.replace(timeline[index], **changes)
    return ticket.evolve(timeline=tuple(timeline))


@given(writes)
def test_a_timeline_written_through_seal_verifies(notes):
    ticket = written(notes)
    assert all(entry.seal for entry in ticket.timeline)
    assert ticket.timeline_seal == ticket.timeline[-1].seal
    assert verify([ticket]) == (1, [], [])


@given(writes, st.data())
def test_any_edit_of_a_sealed_entry_is_found_and_names_it(notes, data):
    ticket = written(notes)
    index = data.draw(st.integers(0, len(ticket.timeline) - 1))
    entry = ticket.timeline[index]
    field, value = data.draw(st.sampled_from([
        ("author", entry.author + "x"),
        ("text", entry.text + " (edited)"),
        ("at", entry.at - timedelta(days=180)),
        ("kind", "internal" if entry.kind != "internal" else "public"),
        ("change", {"status": [None, "closed"]}),
    ]))
    problems = ticket_problems(replaced(ticket, index, **{field: value}))
    assert problems and problems[0].startswith(f"timeline entry {index + 1} (")


@given(writes, st.data())
def test_a_delivery_record_moving_on_breaks_no_seal(notes, data):
    ticket = written(notes)
    index = data.draw(st.integers(0, len(ticket.timeline) - 1))
    moved = replaced(ticket, index, delivery=Delivery("failed", "<m@x>", "ann@example.com", 3, "refused"))
    assert ticket_problems(moved) == []


def test_seals_cover_the_time_as_stored_to_the_second():
    ticket = written([("bo", "hello", False)])
    timeline = tuple(msgspec.structs.replace(entry, at=entry.at.replace(microsecond=0)) for entry in ticket.timeline)
    stored = ticket.evolve(timeline=timeline)
    assert ticket_problems(stored) == []


def test_an_old_ticket_is_sealed_where_it_stands_and_its_old_entries_stay_unsealed():
    old = without_seals(written([("bo", "first", False), ("amara", "second", True)]))
    assert verify([old]) == (0, [7], [])
    later = seal(rules.note(old, "dana", CREATED + timedelta(hours=1), "third"), old)
    assert [bool(entry.seal) for entry in later.timeline] == [False] * len(old.timeline) + [True]
    assert later.timeline[-1].seal.startswith("1:") and verify([later]) == (1, [], [])
    assert ticket_problems(replaced(later, 1, text="edited before sealing, found after"))


def test_an_entry_added_by_hand_is_not_sealed_by_the_next_write():
    ticket = written([("bo", "hello", False)])
    forged_entry = msgspec.structs.replace(ticket.timeline[-1], text="forged", seal="")
    forged = ticket.evolve(timeline=(*ticket.timeline, forged_entry))
    after = seal(rules.note(forged, "amara", CREATED + timedelta(hours=1), "next"), forged)
    assert not after.timeline[-2].seal
    assert ticket_problems(after)


def test_removing_the_newest_entry_is_found():
    ticket = written([("bo", "hello", False), ("bo", "oops", False)])
    assert ticket_problems(ticket.evolve(timeline=ticket.timeline[:-1]))
