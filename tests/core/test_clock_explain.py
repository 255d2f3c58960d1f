"""The explained clock: its intervals add up exactly to what the clocks show, whatever the ticket's history."""

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from sopdash.core import rules
from sopdash.core.clock_explain import COUNTED, OUT_OF_HOURS, explain_clocks, explanation_lines
from sopdash.core.clocks import ticket_clocks
from sopdash.core.model import PRIORITIES, Requester
from sopdash.core.policy import SlaPolicy
from sopdash.demo import demo_tickets

CONFIG = {"calendar": {"timezone": "America/New_York", "holidays": ["2026-11-26"]}}
POLICY = SlaPolicy.from_config(CONFIG)
T0 = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)  # Monday 09:00 in New York
NOW = datetime(2026, 12, 7, 15, 30, tzinfo=timezone.utc)


def assert_sums(ticket, policy, now):
    clocks = ticket_clocks(ticket, policy, now)
    explained = explain_clocks(ticket, policy, now)
    for clock, explanation in ((clocks.ack, explained.ack), (clocks.resolution, explained.resolution)):
        assert explanation.reading == clock
        assert explanation.counted_s == clock.target_s - clock.remaining_s
        assert all(i.counted_s == 0 for i in explanation.intervals if not i.counted)
        assert all(a.end_s <= b.start_s for a, b in zip(explanation.intervals, explanation.intervals[1:]) if a.start_s <= a.end_s)


def test_a_thursday_holiday_and_a_night_are_not_counted_and_waiting_pauses():
    t = rules.create(1, "VPN down", Requester("Ada"), T0 + timedelta(days=2, hours=7), "amara", priority="medium")  # Wed 16:00
    t = rules.acknowledge(t, "amara", T0 + timedelta(days=2, hours=7, minutes=30), "On it")
    t = rules.set_waiting(t, "amara", T0 + timedelta(days=4, hours=1))  # Fri 10:00
    t = rules.set_waiting(t, "amara", T0 + timedelta(days=4, hours=3), waiting=False)  # Fri 12:00
    now = T0 + timedelta(days=4, hours=5)  # Fri 14:00
    explained = explain_clocks(t, POLICY, now)
    whys = [i.why for i in explained.resolution.intervals]
    assert whys == [COUNTED, OUT_OF_HOURS, "holiday 2026-11-26", OUT_OF_HOURS, COUNTED, "waiting on the client", COUNTED]
    assert explained.resolution.counted_s == 3600 + 2 * 3600 + 2 * 3600
    assert [i.why for i in explained.ack.intervals] == [COUNTED, "acknowledged, stopped"]
    text = "\n".join(explanation_lines(explained, POLICY.calendar.tz, now))
    assert "medium: ack 4h, resolve 24h, on mon-fri 08:00-17:00 (America/New_York)" in text
    assert "not counted: holiday 2026-11-26" in text
    assert_sums(t, POLICY, now)


def test_a_resolved_ticket_says_the_clock_stopped():
    t = rules.create(1, "VPN down", Requester("Ada"), T0, "amara", priority="urgent")
    t = rules.resolve(t, "amara", T0 + timedelta(hours=1), "Restarted the VPN concentrator")
    explained = explain_clocks(t, POLICY, T0 + timedelta(days=1))
    assert explained.resolution.intervals[-1].why == "resolved, stopped"
    assert_sums(t, POLICY, T0 + timedelta(days=1))


minutes = st.integers(min_value=0, max_value=20 * 24 * 60)
AUTUMN = datetime(2026, 10, 20, 14, 0, tzinfo=timezone.utc)  # histories cross both DST changes and US holidays
actions = st.sampled_from(["ack", "wait", "resume", "resolve", "reopen", "close", "priority"])


@settings(max_examples=150, deadline=None)
@given(
    created=minutes,
    priority=st.sampled_from(PRIORITIES),
    steps=st.lists(st.tuples(st.integers(0, 3 * 24 * 60), actions, st.sampled_from(PRIORITIES)), max_size=8),
    later=minutes,
    pause=st.booleans(),
    seconds=st.integers(0, 59),
    micro=st.integers(0, 999_999),  # a live clock's now has fractions of a second, stored times do not
)
def test_the_explanation_sums_to_the_clock_for_any_history(created, priority, steps, later, pause, seconds, micro):
    policy = SlaPolicy.from_config(
        {"calendar": {**CONFIG["calendar"], "country": "US"}, "sla": {"pause_when_waiting": pause}}
    )
    at = AUTUMN + timedelta(minutes=created, seconds=seconds)
    t = rules.create(1, "Printer jammed", Requester("Ada"), at, "amara", priority=priority)
    for gap, action, new_priority in steps:
        at += timedelta(minutes=gap, seconds=seconds)
        try:
            t = {
                "ack": lambda: rules.acknowledge(t, "amara", at, "Hello"),
                "wait": lambda: rules.set_waiting(t, "amara", at),
                "resume": lambda: rules.set_waiting(t, "amara", at, waiting=False),
                "resolve": lambda: rules.resolve(t, "amara", at, "Fixed"),
                "reopen": lambda: rules.reopen(t, "amara", at),
                "close": lambda: rules.close(t, "amara", at),
                "priority": lambda: rules.set_priority(t, "amara", at, new_priority),
            }[action]()
        except Exception:  # an action the SOP refuses in this state: the history goes on without it
            continue
    assert_sums(t, policy, at + timedelta(minutes=later, microseconds=micro))


def test_the_explanation_sums_to_the_clock_for_1000_demo_tickets():
    for ticket in demo_tickets(NOW, POLICY, count=1000, seed=27):
        assert_sums(ticket, POLICY, NOW + timedelta(microseconds=250_001))
