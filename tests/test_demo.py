"""The demo store: realistic tickets whose clocks show every state, whenever it is made."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopdash.core.chain import ChainCheck, verify, without_seals
from sopdash.core.clocks import CLOCK_STATES, PAUSED, ticket_clocks
from sopdash.core.errors import InputError
from sopdash.core.model import ESCALATION_REASONS, PRIORITIES, STATUSES, Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.demo import DEFAULT_MIX, demo_tickets, write_demo_store
from sopdash.store.ticket_store import TicketStore
from sopdash.core.documents import document

NY = ZoneInfo("America/New_York")
POLICY = SlaPolicy.from_config({"calendar": {"timezone": "America/New_York"}})
# The week after the clocks went back, so the default store's history crosses a DST change.
WEEKDAY_AFTERNOON = datetime(2026, 11, 4, 14, 30, tzinfo=NY)
SATURDAY_NIGHT = datetime(2026, 11, 7, 23, 10, tzinfo=NY)
MONDAY_MORNING = datetime(2026, 11, 9, 8, 5, tzinfo=NY)
NOWS = pytest.mark.parametrize(
    "now", [WEEKDAY_AFTERNOON, SATURDAY_NIGHT, MONDAY_MORNING], ids=["weekday", "saturday-night", "monday-0805"]
)


def missing_from_the_mix(tickets: list[Ticket], policy: SlaPolicy, now: datetime) -> list[str]:
    """Everything the dashboard should be able to show that these tickets lack."""
    clocks = [ticket_clocks(t, policy, now) for t in tickets]
    wanted = {
        **{f"ack {s}": any(c.ack.state == s for c in clocks) for s in CLOCK_STATES if s != PAUSED},
        **{f"resolution {s}": any(c.resolution.state == s for c in clocks) for s in CLOCK_STATES},
        **{f"status {s}": any(t.status == s for t in tickets) for s in STATUSES},
        **{f"priority {p}": any(t.priority == p and t.triaged for t in tickets) for p in PRIORITIES},
        **{
            f"{reason} to tier {tier}": any(
                e.reason == reason and e.to_tier == tier for t in tickets for e in t.escalations
            )
            for reason in ESCALATION_REASONS
            for tier in (2, 3)
        },
        "pending manager flag": any(t.needs_manager for t in tickets),
        "acknowledged manager flag": any(t.manager_flag and t.manager_flag.acknowledged_at for t in tickets),
        "untriaged new": any(not t.triaged and t.status == "new" for t in tickets),
        "untriaged open": any(not t.triaged and t.status == "open" for t in tickets),
        "resolved, client notified": any(t.status == "resolved" and t.client_notified_at for t in tickets),
        "resolved, client not notified": any(t.status == "resolved" and not t.client_notified_at for t in tickets),
        "reopened": any(t.is_open and any(e.text == "reopened" for e in t.timeline) for t in tickets),
        "waiting, then resumed": any(
            t.status == "open" and any(e.text == "no longer waiting on client" for e in t.timeline) for t in tickets
        ),
    }
    return [what for what, present in wanted.items() if not present]


@NOWS
def test_default_store_shows_every_state(now: datetime) -> None:
    tickets = demo_tickets(now, POLICY)
    assert len(tickets) == len(DEFAULT_MIX)
    assert missing_from_the_mix(tickets, POLICY, now) == []


@NOWS
def test_every_ticket_has_the_clock_states_its_shape_asks_for(now: datetime) -> None:
    tickets = demo_tickets(now, POLICY)
    wanted_ack = sorted(s.ack for s in DEFAULT_MIX)
    got_ack = sorted(ticket_clocks(t, POLICY, now).ack.state for t in tickets)
    assert got_ack == wanted_ack
    wanted_resolution = sorted(s.resolution for s in DEFAULT_MIX if s.acknowledged)
    got_resolution = sorted(ticket_clocks(t, POLICY, now).resolution.state for t in tickets if t.acknowledged_at)
    assert got_resolution == wanted_resolution


@settings(max_examples=25, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(timezone.utc)),
    seed=st.integers(0, 10_000),
)
def test_the_mix_holds_at_any_instant_and_seed(now: datetime, seed: int) -> None:
    tickets = demo_tickets(now, POLICY, seed=seed)
    assert missing_from_the_mix(tickets, POLICY, now) == []


def test_the_mix_holds_when_warnings_are_minutes_before_the_deadline() -> None:
    policy = SlaPolicy.from_config({"calendar": {"timezone": "America/New_York"}, "sla": {"warn_before": "10m"}})
    assert missing_from_the_mix(demo_tickets(SATURDAY_NIGHT, policy), policy, SATURDAY_NIGHT) == []


@NOWS
def test_history_is_in_the_past_in_order_and_numbered_by_creation(now: datetime) -> None:
    tickets = demo_tickets(now, POLICY)
    assert [t.id for t in tickets] == list(range(1, len(tickets) + 1))
    assert [t.created_at for t in tickets] == sorted(t.created_at for t in tickets)
    for ticket in tickets:
        times = [entry.at for entry in ticket.timeline]
        assert times == sorted(times) and times[0] == ticket.created_at and times[-1] <= now


def test_acknowledgement_is_the_first_technician_reply() -> None:
    for ticket in demo_tickets(WEEKDAY_AFTERNOON, POLICY):
        replies = [e for e in ticket.timeline if e.kind == "public"]
        assert ticket.acknowledged_at == (replies[0].at if replies else None)


def test_realistic_content_with_literal_markup_in_subjects() -> None:
    tickets = demo_tickets(WEEKDAY_AFTERNOON, POLICY)
    subjects = [t.subject for t in tickets]
    assert len(set(subjects)) > len(tickets) * 0.7
    assert any("[/b]" in s for s in subjects) and any(s.startswith("[URGENT]") for s in subjects)
    assert all(t.requester.email.endswith(("@example.com", "@example.org")) for t in tickets)
    assert all(" 555 01" in t.requester.phone for t in tickets if t.requester.phone)
    assert {t.assignee for t in tickets} >= {"amara", "bjorn", "chen", "dana"}
    assert all(t.category for t in tickets)


def test_same_seed_and_now_give_identical_tickets() -> None:
    assert demo_tickets(WEEKDAY_AFTERNOON, POLICY, seed=7) == demo_tickets(WEEKDAY_AFTERNOON, POLICY, seed=7)
    assert demo_tickets(WEEKDAY_AFTERNOON, POLICY) == demo_tickets(WEEKDAY_AFTERNOON, POLICY, seed=1)
    assert demo_tickets(WEEKDAY_AFTERNOON, POLICY, seed=7) != demo_tickets(WEEKDAY_AFTERNOON, POLICY, seed=8)


def test_a_later_now_moves_the_whole_story() -> None:
    june = datetime(2026, 6, 10, 14, 30, tzinfo=NY)
    earlier = demo_tickets(june, POLICY)
    later = demo_tickets(june + timedelta(days=7), POLICY)
    assert [t.created_at + timedelta(days=7) for t in earlier] == [t.created_at for t in later]


def test_a_large_store_keeps_the_mix() -> None:
    tickets = demo_tickets(WEEKDAY_AFTERNOON, POLICY, count=500)
    assert [t.id for t in tickets] == list(range(1, 501))
    assert missing_from_the_mix(tickets, POLICY, WEEKDAY_AFTERNOON) == []
    assert sum(t.status == "closed" for t in tickets) > 250


@pytest.mark.parametrize("count", [0, 1, 5])
def test_small_counts(count: int) -> None:
    assert [t.id for t in demo_tickets(WEEKDAY_AFTERNOON, POLICY, count=count)] == list(range(1, count + 1))


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(InputError, match="count"):
        demo_tickets(WEEKDAY_AFTERNOON, POLICY, count=-1)


def test_every_ticket_round_trips_through_its_document() -> None:
    for ticket in demo_tickets(SATURDAY_NIGHT, POLICY, count=500):
        assert Ticket.from_dict(document(ticket)) == ticket


def test_write_demo_store_writes_a_store_that_reads_back_equal(tmp_path) -> None:
    path = tmp_path / "demo" / "tickets.json"
    assert write_demo_store(path, MONDAY_MORNING, POLICY, count=120, seed=3) == 120
    stored = TicketStore(path).history()
    assert [without_seals(ticket) for ticket in stored] == demo_tickets(MONDAY_MORNING, POLICY, count=120, seed=3)
    assert verify(stored) == ChainCheck(sealed=120, unsealed=[], problems=[])


def test_write_demo_store_refuses_a_store_that_has_tickets(tmp_path) -> None:
    path = tmp_path / "tickets.json"
    write_demo_store(path, MONDAY_MORNING, POLICY, count=3)
    with pytest.raises(InputError, match="already holds tickets"):
        write_demo_store(path, MONDAY_MORNING, POLICY, count=3)
    assert len(TicketStore(path).history()) == 3
