"""Breach alerts: one alert per clock entering at-risk or breached, never repeated, scoped to the technician."""

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from sopdash.core import rules
from sopdash.core.alerts import ClockAlert, clock_states, new_alerts, watched
from sopdash.core.clocks import CLOCK_STATES, ticket_clocks
from sopdash.core.model import Requester
from sopdash.core.policy import SlaPolicy

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)  # a Monday
POLICY = SlaPolicy.from_config({"calendar": {"timezone": "UTC"}})


def ticket(ticket_id: int = 1, assignee: str = ""):
    made = rules.create(ticket_id, "VPN drops", Requester("Ada", "ada@example.com"), T0, "amara", priority="urgent")
    return made.evolve(assignee=assignee)


def states_at(tickets, minutes: int, scope: str = "mine", me: str = "amara"):
    now = T0 + timedelta(minutes=minutes)
    return clock_states(((t, ticket_clocks(t, POLICY, now)) for t in tickets), scope, me)


def test_urgent_ticket_alerts_once_at_risk_and_once_breached_as_time_passes():
    tickets = [ticket()]
    previous, raised = None, []
    for minute in range(0, 40):  # urgent: acknowledge within 30 min, at risk from 75%
        current = states_at(tickets, minute)
        raised += new_alerts(previous, current)
        previous = current
    assert raised == [ClockAlert(1, "ack", "warning"), ClockAlert(1, "ack", "breached")]


def test_first_look_alerts_nothing_even_when_already_breached():
    assert new_alerts(None, states_at([ticket()], 60)) == []


def test_scope_mine_is_mine_and_unassigned_all_is_every_one_off_is_none():
    mine, theirs, nobody = ticket(1, "amara"), ticket(2, "dana"), ticket(3)
    assert [t.id for t in (mine, theirs, nobody) if watched(t, "mine", "amara")] == [1, 3]
    assert {key[0] for key in states_at([mine, theirs, nobody], 0, "all")} == {1, 2, 3}
    assert states_at([mine, theirs, nobody], 0, "off") == {}


def test_a_clock_first_seen_sets_its_baseline():
    assert new_alerts({}, states_at([ticket()], 60)) == []


def test_message_names_ticket_clock_and_state():
    assert ClockAlert(12, "resolution", "warning").message("VPN") == "#12 resolution at risk: VPN"


@given(st.lists(st.sampled_from(CLOCK_STATES), min_size=1, max_size=30))
def test_alerts_equal_the_entries_into_an_alerting_state(history):
    key = (1, "ack")
    previous, raised = None, 0
    for state in history:
        raised += len(new_alerts(previous, {key: state}))
        previous = {key: state}
    entries = sum(1 for a, b in zip(history, history[1:]) if b != a and b in ("warning", "breached"))
    assert raised == entries
