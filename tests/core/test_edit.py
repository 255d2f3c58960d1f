"""Editing a ticket: each changed field is one audited event; nothing else moves."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopdash.core import rules
from sopdash.core.edit import EDITABLE, categories_in_use, current_values, edit
from sopdash.core.errors import InputError, RuleRefused
from sopdash.core.model import Requester

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)
LATER = T0 + timedelta(minutes=30)


def ticket(category: str = "Network"):
    return rules.create(7, "VPN drop", Requester("Ada", "ada@example.com", "555-0100"), T0, "amara", category=category)


def test_each_changed_field_is_one_event_with_old_and_new():
    edited = edit(ticket(), "lee", LATER, subject="VPN drops hourly", email="ada@corp.example", phone=None)
    assert (edited.subject, edited.requester.email, edited.requester.phone) == ("VPN drops hourly", "ada@corp.example", "555-0100")
    events = edited.timeline[-2:]
    assert [(e.author, e.at, e.kind, e.text) for e in events] == [
        ("lee", LATER, "event", "subject changed"),
        ("lee", LATER, "event", "requester e-mail changed"),
    ]
    assert events[1].change == {"requester.email": ["ada@example.com", "ada@corp.example"]}
    assert "ada@" not in events[1].text  # privacy mode masks requester details; event text never holds them


def test_a_field_set_to_what_it_is_adds_no_event():
    edited = edit(ticket(), "lee", LATER, subject="VPN drop", category="Hardware")
    assert [e.text for e in edited.timeline[1:]] == ["category changed"]


def test_nothing_to_change_is_refused():
    with pytest.raises(RuleRefused, match="nothing would change"):
        edit(ticket(), "lee", LATER, subject="  VPN drop ")


def test_closed_ticket_is_refused():
    closed = ticket().evolve(status="closed")
    with pytest.raises(RuleRefused, match="closed"):
        edit(closed, "lee", LATER, subject="x")


@pytest.mark.parametrize(("field", "value", "problem"), [("subject", "  ", "subject"), ("email", "ada at corp", "e-mail")])
def test_bad_values_are_input_errors(field, value, problem):
    with pytest.raises(InputError, match=problem):
        edit(ticket(), "lee", LATER, **{field: value})


def test_category_can_be_cleared():
    assert edit(ticket(), "lee", LATER, category="").category == ""


@given(st.dictionaries(st.sampled_from(list(EDITABLE)), st.text(alphabet="abc@ ", min_size=1, max_size=6)))
def test_edit_changes_exactly_what_it_says(changes):
    before = ticket()
    try:
        after = edit(before, "lee", LATER, **changes)
    except (InputError, RuleRefused):
        return
    old, new = current_values(before), current_values(after)
    moved = {field for field in EDITABLE if old[field] != new[field]}
    assert moved == {field for field, value in changes.items() if old[field] != value.strip()}
    assert len(after.timeline) - len(before.timeline) == len(moved)
    assert (after.status, after.priority, after.version) == (before.status, before.priority, before.version)


def test_categories_in_use_most_used_first():
    tickets = [ticket("Network"), ticket("Hardware"), ticket("Network"), ticket("")]
    assert categories_in_use(tickets) == ["Network", "Hardware"]
