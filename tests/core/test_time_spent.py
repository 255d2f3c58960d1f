"""Time spent: durations as technicians type them, the bounds, the logged event, the totals; old entries load."""

from datetime import datetime, timezone

import msgspec
import pytest
from hypothesis import given, strategies as st

from sopdash.core import chain, rules
from sopdash.core.errors import InputError
from sopdash.core.model import Requester, Ticket
from sopdash.core.time_spent import MAX_LOGGED_S, log_time, parse_spent, time_by_author, time_totals

NOW = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)


def ticket() -> Ticket:
    return rules.create(1, "Printer", Requester(email="ann@example.com"), NOW, "dana")


@pytest.mark.parametrize("typed, minutes", [
    ("25m", 25), ("1h30m", 90), ("1.5h", 90), ("1h 30m", 90), ("90", 90), ("2h", 120), ("24h", 1440), (" 15M ", 15),
])
def test_durations_as_typed(typed, minutes):
    assert parse_spent(typed) == minutes * 60


@pytest.mark.parametrize("typed", ["", "abc", "-5m", "0m", "20s", "24h1m", "2d", "1e9h", "m"])
def test_what_is_not_a_time_spent_is_refused_with_the_examples(typed):
    with pytest.raises(InputError, match="^time: "):
        parse_spent(typed)


@given(st.integers(min_value=1, max_value=MAX_LOGGED_S // 60))
def test_any_whole_minutes_up_to_a_day_read_back(minutes):
    assert parse_spent(f"{minutes}m") == parse_spent(str(minutes)) == minutes * 60


def test_logged_time_is_an_event_with_its_structured_fields_and_the_totals_add_up():
    t = log_time(ticket(), "dana", NOW, 25 * 60, "  drivers\nreinstalled ", billable=True)
    t = log_time(t, "omar", NOW, 90 * 60)
    t = log_time(t, "dana", NOW, 15 * 60)
    first = t.timeline[1]
    assert (first.kind, first.author, first.text) == ("event", "dana", "time spent: 25m (billable) — drivers reinstalled")
    assert time_totals(t) == (130 * 60, 25 * 60)
    assert time_totals(t).words() == "2h10m (25m billable)"
    assert time_by_author(t) == {"dana": (40 * 60, 25 * 60), "omar": (90 * 60, 0)}
    assert t.status == "new" and t.acknowledged_at is None  # logging time is no acknowledgement


def test_the_document_names_are_stable_and_an_old_document_loads():
    t = log_time(ticket(), "dana", NOW, 1500, billable=True)
    doc = msgspec.to_builtins(t)
    assert doc["timeline"][1]["time"] == {"seconds": 1500, "billable": True}
    assert "time" not in doc["timeline"][0]  # an entry without time says nothing of it
    assert Ticket.from_dict(doc) == t
    old = msgspec.to_builtins(ticket())  # written before time spent existed
    assert time_totals(Ticket.from_dict(old)) == (0, 0)


def test_a_stored_time_out_of_bounds_is_named():
    doc = msgspec.to_builtins(log_time(ticket(), "dana", NOW, 1500))
    doc["timeline"][1]["time"]["seconds"] = -5
    with pytest.raises(InputError, match=r"timeline\[1\]\.time\.seconds"):
        Ticket.from_dict(doc)


def test_time_entries_are_sealed_and_an_edited_duration_shows():
    before = chain.seal(ticket(), None)
    sealed = chain.seal(log_time(before, "dana", NOW, 1500), before)
    assert chain.ticket_problems(sealed) == []
    entry = sealed.timeline[1]
    forged = entry.__class__(**{**msgspec.structs.asdict(entry), "time": msgspec.structs.replace(entry.time, seconds=15000)})
    edited = sealed.evolve(timeline=(sealed.timeline[0], forged))
    assert chain.ticket_problems(edited)
