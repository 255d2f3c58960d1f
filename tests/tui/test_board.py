"""The board advances clocks read once per load exactly as reading them again would, and counts by bisection."""

from __future__ import annotations

from datetime import timedelta

from dashboard_fixtures import NOW, fixture_settings, fixture_tickets, minutes_ago, new
from hypothesis import given, settings
from hypothesis import strategies as st

from sopdash.core import rules
from sopdash.core.clocks import BREACHED, WARNING, ticket_clocks
from sopdash.core.model import PRIORITIES, Requester, Ticket
from sopdash.core.board import Board

POLICY = fixture_settings().policy


@st.composite
def tickets(draw) -> Ticket:
    created = NOW - timedelta(minutes=draw(st.integers(0, 60 * 24 * 6)))
    ticket = rules.create(1, "Printer", Requester("Ann"), created, "intake", priority=draw(st.sampled_from(PRIORITIES)))
    if draw(st.booleans()):
        ticket = rules.acknowledge(ticket, "amara", created + timedelta(minutes=draw(st.integers(1, 600))), "Hi")
    if ticket.acknowledged_at is not None and draw(st.booleans()):
        ticket = rules.set_waiting(ticket, "amara", max(created, NOW - timedelta(minutes=draw(st.integers(0, 300)))))
    return ticket


@settings(max_examples=200, deadline=None)
@given(tickets(), st.integers(0, 60 * 24 * 4))
def test_a_clock_advanced_from_the_load_reads_as_if_read_again(ticket: Ticket, minutes_later: int):
    later = NOW + timedelta(minutes=minutes_later)
    board = Board.load([ticket], POLICY, NOW)
    advanced = board.rows[0].clocks(board.moment(later))
    fresh = ticket_clocks(ticket, POLICY, later)
    for mine, theirs in ((advanced.ack, fresh.ack), (advanced.resolution, fresh.resolution)):
        assert mine.state == theirs.state
        assert abs(mine.remaining_s - theirs.remaining_s) <= 1


@settings(max_examples=50, deadline=None)
@given(st.lists(tickets(), min_size=1, max_size=12), st.integers(0, 60 * 24 * 4))
def test_counts_by_bisection_match_counting_every_ticket(many: list[Ticket], minutes_later: int):
    many = [ticket.evolve(id=n) for n, ticket in enumerate(many, start=1)]
    later = NOW + timedelta(minutes=minutes_later)
    board = Board.load(many, POLICY, NOW)
    counts = board.counts(board.moment(later))
    states = [{c.ack.state, c.resolution.state} for c in (ticket_clocks(t, POLICY, later) for t in many)]
    assert counts.breached == sum(BREACHED in s for s in states)
    assert counts.at_risk == sum(WARNING in s and BREACHED not in s for s in states)
    resolution = {t.id: ticket_clocks(t, POLICY, later).resolution.state for t in many}
    needs = {row.ticket.id for row in board.needs_escalation(board.moment(later))}
    counting = {t.id for t in many if t.status != "waiting" and not t.is_escalated}  # a paused clock is no breach
    assert needs == {n for n in counting if resolution[n] in (WARNING, BREACHED)}


def test_the_fixture_board_groups_what_the_sop_asks_for():
    board = Board.load(fixture_tickets(), POLICY, NOW)
    moment = board.moment(NOW)
    counts = board.counts(moment)
    assert (counts.unacknowledged, counts.at_risk, counts.breached) == (3, 1, 2)
    assert [row.ticket.id for row in board.needs_escalation(moment)] == [5]
    assert [row.ticket.id for row in board.escalated] == [7, 6]
    assert [row.ticket.id for row in board.manager_attention] == [7]


def test_needs_escalation_grows_as_time_passes():
    board = Board.load(fixture_tickets(), POLICY, NOW)
    later = board.moment(NOW + timedelta(hours=5))
    assert [row.ticket.id for row in board.needs_escalation(later)][:2] == [5, 1]


@settings(max_examples=100, deadline=None)
@given(tickets(), st.lists(st.integers(0, 60 * 24), min_size=1, max_size=5))
def test_a_row_carried_over_from_load_to_load_reads_as_if_read_again(ticket: Ticket, steps: list[int]):
    board = Board.load([ticket], POLICY, NOW)
    later = NOW
    for minutes in steps:
        later += timedelta(minutes=minutes)
        board = Board.load([ticket], POLICY, later, previous=board)
    carried = board.rows[0].clocks(board.moment(later))
    fresh = ticket_clocks(ticket, POLICY, later)
    assert (carried.ack.state, carried.resolution.state) == (fresh.ack.state, fresh.resolution.state)
    assert abs(carried.ack.remaining_s - fresh.ack.remaining_s) <= 1
    assert abs(carried.resolution.remaining_s - fresh.resolution.remaining_s) <= 1


def test_a_changed_ticket_gets_a_fresh_row():
    tickets = fixture_tickets()
    board = Board.load(tickets, POLICY, NOW)
    acknowledged = rules.acknowledge(tickets[0], "amara", NOW, "Hi").evolve(version=2)
    reloaded = Board.load([acknowledged, *tickets[1:]], POLICY, NOW + timedelta(minutes=1), previous=board)
    assert reloaded.by_id[1].ticket is acknowledged
    assert reloaded.by_id[1].clocks(reloaded.moment(NOW)).ack.state == "met_late"  # acknowledged after its deadline
    assert reloaded.by_id[2].ticket is board.by_id[2].ticket


def test_needs_escalation_again_after_a_breach_at_the_new_tier_but_not_while_paused():
    tickets = {t.id: t for t in fixture_tickets()}
    # Created Tuesday 12:00 in New York; escalated Wednesday 09:55 with 6h55m of its 8 business hours used.
    at_risk = rules.acknowledge(new(20, "Escalated at warning", "Al Bo", 22 * 60, "high"), "bo", minutes_ago(1300), "Hi")
    at_risk = rules.escalate(at_risk, "bo", minutes_ago(5), "timing")
    waiting = rules.set_waiting(tickets[5], "bo", minutes_ago(1), True)  # breached, now waiting on the client
    board = Board.load([at_risk, waiting], POLICY, NOW)
    assert board.needs_escalation(board.moment(NOW)) == []
    later = board.moment(NOW + timedelta(hours=2))  # breached at 11:00, now at tier 2
    assert [row.ticket.id for row in board.needs_escalation(later)] == [20]
