"""The acknowledgement and resolution clocks: states, pauses, deadlines through the business calendar."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sopdash.cli.render import ticket_document
from sopdash.core import rules
from sopdash.core.clocks import settled, ticket_clocks
from sopdash.core.model import Requester, Ticket
from sopdash.core.policy import SlaPolicy

NY = ZoneInfo("America/New_York")
POLICY = SlaPolicy.from_config({"calendar": {"timezone": "America/New_York"}})
T0 = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in New York


def ticket(priority: str = "urgent", created: datetime = T0) -> Ticket:
    return rules.create(1, "Printer jammed", Requester("Ada"), created, "amara", priority=priority)


def test_urgent_ack_clock_runs_warns_and_breaches_around_the_clock():
    t = ticket()
    readings = {m: ticket_clocks(t, POLICY, T0 + timedelta(minutes=m)).ack for m in (10, 23, 31)}
    assert [r.state for r in readings.values()] == ["running", "warning", "breached"]
    assert readings[10].remaining_s == 20 * 60
    assert readings[31].remaining_s == -60
    assert readings[10].due == T0 + timedelta(minutes=30)


def test_ack_met_and_met_late():
    on_time = rules.acknowledge(ticket(), "amara", T0 + timedelta(minutes=20), "Hello")
    late = rules.acknowledge(ticket(), "amara", T0 + timedelta(minutes=40), "Hello")
    later = T0 + timedelta(days=1)
    assert ticket_clocks(on_time, POLICY, later).ack.state == "met"
    assert ticket_clocks(late, POLICY, later).ack.state == "met_late"


def test_warning_can_be_minutes_before_the_deadline():
    policy = SlaPolicy.from_config({"calendar": {"timezone": "America/New_York"}, "sla": {"warn_before": "5m"}})
    assert ticket_clocks(ticket(), policy, T0 + timedelta(minutes=24)).ack.state == "running"
    assert ticket_clocks(ticket(), policy, T0 + timedelta(minutes=26)).ack.state == "warning"


def test_friday_afternoon_high_ticket_is_due_monday_morning():
    friday = datetime(2026, 11, 20, 16, 30, tzinfo=NY)
    reading = ticket_clocks(ticket("high", friday), POLICY, friday).ack
    assert reading.due.astimezone(NY) == datetime(2026, 11, 23, 8, 30, tzinfo=NY)


def test_a_monday_holiday_moves_the_deadline_to_tuesday():
    policy = SlaPolicy.from_config({"calendar": {"timezone": "America/New_York", "holidays": ["2026-11-23"]}})
    friday = datetime(2026, 11, 20, 16, 30, tzinfo=NY)
    assert ticket_clocks(ticket("high", friday), policy, friday).ack.due.astimezone(NY) == datetime(2026, 11, 24, 8, 30, tzinfo=NY)


def test_two_days_waiting_on_the_client_do_not_breach():
    start = datetime(2026, 11, 23, 9, 0, tzinfo=NY)  # Monday
    t = rules.acknowledge(ticket("high", start), "amara", start + timedelta(minutes=10), "Hello")
    t = rules.set_waiting(t, "amara", start + timedelta(hours=1))
    now = start + timedelta(days=2)
    reading = ticket_clocks(t, POLICY, now).resolution
    assert reading.state == "paused"
    assert reading.remaining_s == 7 * 3600
    resumed = rules.set_waiting(t, "amara", now, waiting=False)
    after = ticket_clocks(resumed, POLICY, now).resolution
    assert after.state == "running"
    assert after.due.astimezone(NY) == datetime(2026, 11, 25, 16, 0, tzinfo=NY)


def test_waiting_counts_when_pausing_is_off():
    policy = SlaPolicy.from_config({"calendar": {"timezone": "America/New_York"}, "sla": {"pause_when_waiting": False}})
    start = datetime(2026, 11, 23, 9, 0, tzinfo=NY)
    t = rules.acknowledge(ticket("high", start), "amara", start, "Hello")
    t = rules.set_waiting(t, "amara", start + timedelta(hours=1))
    assert ticket_clocks(t, policy, start + timedelta(days=2)).resolution.state == "breached"


def test_resolved_clock_stops_and_reopen_resumes():
    t = rules.resolve(ticket(), "amara", T0 + timedelta(hours=1), "fixed")
    assert ticket_clocks(t, POLICY, T0 + timedelta(days=3)).resolution.state == "met"
    reopened = rules.reopen(t, "amara", T0 + timedelta(days=3))
    reading = ticket_clocks(reopened, POLICY, T0 + timedelta(days=3, hours=1)).resolution
    assert reading.state == "running"
    assert reading.remaining_s == 2 * 3600
    assert reading.due == T0 + timedelta(days=3, hours=3)


def test_late_resolution_is_met_late_and_due_is_when_it_breached():
    t = rules.resolve(ticket(), "amara", T0 + timedelta(hours=5), "fixed")
    reading = ticket_clocks(t, POLICY, T0 + timedelta(days=1)).resolution
    assert (reading.state, reading.remaining_s, reading.due) == ("met_late", -3600, T0 + timedelta(hours=4))


def test_clock_document_shape():
    doc = ticket_document(ticket(), ticket_clocks(ticket(), POLICY, T0))["sla"]
    assert set(doc) == {"ack", "resolution"}
    assert set(doc["ack"]) == {"due", "state", "remaining_s", "target_s"}


offsets = st.integers(min_value=0, max_value=14 * 24 * 60)


@settings(max_examples=60, deadline=None)
@given(created=offsets, pauses=st.lists(st.tuples(offsets, st.integers(1, 3 * 24 * 60)), max_size=3))
def test_pausing_never_shortens_a_deadline(created, pauses):
    start = T0 + timedelta(minutes=created)
    plain = rules.acknowledge(ticket("medium", start), "amara", start, "Hello")
    paused = plain
    cursor = start
    for gap, length in sorted(pauses):
        cursor = max(cursor, start + timedelta(minutes=gap)) + timedelta(minutes=1)
        paused = rules.set_waiting(paused, "amara", cursor)
        cursor += timedelta(minutes=length)
        paused = rules.set_waiting(paused, "amara", cursor, waiting=False)
    now = cursor + timedelta(minutes=1)
    assert ticket_clocks(paused, POLICY, now).resolution.due >= ticket_clocks(plain, POLICY, now).resolution.due
    assert ticket_clocks(paused, POLICY, now).resolution.remaining_s >= ticket_clocks(plain, POLICY, now).resolution.remaining_s


maybe_offset = st.none() | offsets


@settings(max_examples=150, deadline=None)
@given(
    priority=st.sampled_from(["urgent", "high", "medium", "low"]),
    status=st.sampled_from(["new", "open", "waiting", "resolved", "closed"]),
    acknowledged=maybe_offset, resolved=maybe_offset, closed=maybe_offset, worked=st.booleans(),
    readings=st.lists(st.integers(-30 * 24 * 60, 60 * 24 * 60), min_size=2, max_size=2),
)
def test_a_settled_tickets_clocks_read_the_same_at_any_instant(priority, status, acknowledged, resolved, closed, worked,
                                                              readings):
    at = lambda minutes: None if minutes is None else T0 + timedelta(minutes=minutes)  # noqa: E731
    subject = ticket(priority)
    if worked:  # through the rules, with the timeline's status events; else as an import may have it, without them
        subject = rules.set_waiting(rules.acknowledge(subject, "amara", T0 + timedelta(minutes=5), "Hello"), "amara",
                                    T0 + timedelta(minutes=9))
    subject = subject.evolve(status=status, acknowledged_at=at(acknowledged), resolved_at=at(resolved), closed_at=at(closed))
    first, second = (ticket_clocks(subject, POLICY, T0 + timedelta(minutes=m)) for m in readings)
    if settled(subject):
        assert first == second
