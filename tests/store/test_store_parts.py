"""A store cut into parts: together the parts hold exactly the store's tickets, whatever text the tickets hold."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopdash.core import rules
from sopdash.core.errors import StoreError
from sopdash.core.model import Requester, Ticket
from sopdash.store import TicketStore
from sopdash.store.parts import split_store

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
TRICKY = ',"2":{"id":2,"subject":"x"}},"tickets":{"9":{"id":9,', 'a "quoted" \\ back\\slash \\",'


def tickets(subjects: list[str]) -> list[Ticket]:
    made = []
    for n, text in enumerate(subjects, start=1):
        subject = f"#{n} {text}"
        ticket = rules.create(n, subject, Requester(subject, "ann@example.com"), T0 + timedelta(minutes=n), "dana")
        made.append(rules.note(ticket, "dana", T0 + timedelta(hours=n), subject) if n % 2 else ticket)
    return made


def store_of(path: Path, subjects: list[str]) -> TicketStore:
    store = TicketStore(path, create=True)
    store.add_many(tickets(subjects))
    return store


def parts_of(store: TicketStore, count: int) -> list:
    return split_store(store.path.read_bytes(), store.path, count, min_bytes=1)


@pytest.mark.parametrize("count", [1, 2, 3, 5, 40])
def test_the_parts_together_are_the_store(tmp_path, count):
    store = store_of(tmp_path / "tickets.json", [f"Printer {n} jams" for n in range(30)])
    parts = parts_of(store, count)
    assert len(parts) == min(count, 30)
    assert [ticket for part in parts for ticket in part.load()] == store.load()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=40) | st.sampled_from(TRICKY), min_size=1, max_size=12), st.integers(2, 6))
def test_no_text_inside_a_ticket_is_taken_for_a_cut(tmp_path_factory, subjects, count):
    store = store_of(tmp_path_factory.mktemp("parts") / "tickets.json", subjects)
    parts = parts_of(store, count)
    assert [ticket for part in parts for ticket in part.load()] == store.load()


def test_a_small_store_is_one_part(tmp_path):
    store = store_of(tmp_path / "tickets.json", ["a", "b", "c"])
    assert len(store.parts(8)) == 1


def test_a_file_not_in_the_written_shape_is_one_part_read_whole(tmp_path):
    store = store_of(tmp_path / "tickets.json", ["a", "b", "c", "d"])
    document = orjson.loads(store.path.read_bytes())
    store.path.write_bytes(orjson.dumps({"tickets": document["tickets"], "meta": document["meta"]}, option=orjson.OPT_INDENT_2))
    parts = parts_of(store, 4)
    assert len(parts) == 1 and parts[0].load() == store.load()


def test_an_unknown_schema_version_is_refused_before_any_part_is_read(tmp_path):
    store = store_of(tmp_path / "tickets.json", ["a", "b"])
    store.path.write_bytes(store.path.read_bytes().replace(b'"schema":1', b'"schema":9'))
    with pytest.raises(StoreError, match="schema version 9"):
        parts_of(store, 2)


def test_a_part_with_a_bad_ticket_loads_as_none_and_the_careful_read_names_it(tmp_path):
    store = store_of(tmp_path / "tickets.json", ["a", "b", "c", "d"])
    store.path.write_bytes(store.path.read_bytes().replace(b'"id":4,"subject":"#4 d"', b'"id":4,"subject":7'))
    first, second = parts_of(store, 2)
    assert first.load() is not None and second.load() is None
    with pytest.raises(StoreError, match=r"ticket 4 is invalid \(subject: expected `str`, got `int`\)"):
        store.load()
