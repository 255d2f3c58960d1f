"""The filter grammar, the quick views and the sort orders of the queue, without a screen."""

from __future__ import annotations

import pytest
from dashboard_fixtures import ME, NOW, fixture_settings, fixture_tickets

from sopdash.core.errors import InputError
from sopdash.core.board import Board
from sopdash.core.queue import VIEWS, Ordering, Query, arrange, parse_query, view_named
from sopdash.tui.widgets.ticket_queue import fit_columns

BOARD = Board.load(fixture_tickets(), fixture_settings().policy, NOW)
MOMENT = BOARD.moment(NOW)


def ids(text: str, view: str = "all", ordering: Ordering = Ordering()) -> list[int]:
    query = parse_query(text, ME).over(parse_query(view_named(view).filter_text, ME))
    return [row.ticket.id for row in arrange(BOARD, query, ordering, MOMENT).rows]


def test_the_grammar_reads_each_kind_of_term():
    query = parse_query("p:high,u a:me s:wait is:breached Printer #12", ME)
    assert query == Query(
        priorities=frozenset({"high", "urgent"}),
        assignees=frozenset({ME}),
        statuses=frozenset({"waiting"}),
        flags=frozenset({"breached"}),
        words=("printer", "#12"),
    )
    assert parse_query("a:none", ME).assignees == frozenset({""})
    assert parse_query("s:all", ME).statuses == frozenset({"new", "open", "waiting", "resolved", "closed"})
    assert parse_query("   ", ME) == Query()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p:huge", "priority 'huge' is not one of urgent, high, medium, low"),
        ("is:breach", "is: 'breach' is not one of"),  # breached or breaching: an ambiguous prefix
        ("is:late", "is: 'late' is not one of"),
        ("p:", "p needs a value"),
    ],
)
def test_a_term_it_cannot_read_is_an_input_error(text: str, message: str):
    with pytest.raises(InputError, match=message):
        parse_query(text, ME)


def test_values_may_be_unique_prefixes():
    assert parse_query("s:o p:m", ME) == Query(priorities=frozenset({"medium"}), statuses=frozenset({"open"}))


def test_free_text_matches_subject_requester_and_id():
    assert ids("payroll") == [5]
    assert ids("dana") == [1]
    assert ids("#7") == [7]
    assert ids("PRINTER offline") == [8]


def test_the_filter_on_top_of_a_view_replaces_what_both_restrict():
    assert ids("", view="open") == [5, 1, 2, 8, 7, 3, 6, 4, 9]
    assert ids("s:closed", view="open") == [10]
    assert ids("p:high", view="open") == [5, 2, 7]


def test_every_quick_view():
    expected = {
        "open": [5, 1, 2, 8, 7, 3, 6, 4, 9],
        "mine": [3],
        "unassigned": [5, 1, 2, 8, 7, 6, 4],
        "new": [1, 2, 8],
        "breaching": [5, 1, 2],
        "waiting": [4],
        "escalated": [7, 6],
        "all": [5, 1, 2, 8, 7, 3, 6, 4, 9, 10],
    }
    assert {view.name: ids("", view=view.name) for view in VIEWS} == expected


def test_flags():
    assert ids("is:breached") == [5, 1]
    assert ids("is:at-risk") == [2]
    assert ids("is:unacked") == [1, 2, 8]
    assert ids("is:untriaged") == [8]
    assert ids("is:manager") == [7]


def test_sort_keys_and_their_reverse():
    assert ids("", view="open", ordering=Ordering("id")) == [9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert ids("", view="open", ordering=Ordering("id", reverse=True)) == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert ids("", view="open", ordering=Ordering("priority")) == [1, 5, 2, 7, 8, 3, 6, 9, 4]
    assert ids("", view="open", ordering=Ordering("requester"))[:2] == [3, 1]  # Ann Lee, Dana Smith
    assert ids("", view="open", ordering=Ordering("updated"))[:2] == [8, 7]  # created 20, escalated 30 minutes ago


def test_sort_keys_cycle():
    keys = [Ordering().key]
    ordering = Ordering()
    for _ in range(5):
        ordering = ordering.next_key()
        keys.append(ordering.key)
    assert keys == ["urgency", "id", "priority", "updated", "requester", "urgency"]


def test_columns_fit_the_width():
    wide = [c.name for c in fit_columns(118, 2)]
    assert wide == ["id", "priority", "status", "subject", "requester", "assignee", "ack", "resolution"]
    narrow = fit_columns(78, 2)
    assert [c.name for c in narrow] == ["id", "priority", "status", "subject", "assignee", "ack", "resolution"]
    for columns, width in ((fit_columns(118, 2), 118), (narrow, 78)):
        assert sum(c.width + 1 for c in columns) == width
