"""The breach forecast: due in the next hour or by the end of the business day, likely anyway at the team's pace."""

from datetime import datetime, timedelta, timezone

from sopdash.core import rules
from sopdash.core.forecast import business_day_end, forecast, team_pace
from sopdash.core.model import Requester
from sopdash.core.policy import SlaPolicy

POLICY = SlaPolicy.from_config({"calendar": {"timezone": "UTC"}})
WED = datetime(2026, 11, 25, tzinfo=timezone.utc)  # business hours 08:00-17:00 UTC


def at(hours: float, day: datetime = WED) -> datetime:
    return day + timedelta(hours=hours)


def new(ticket_id: int, priority: str, created: datetime, assignee: str = ""):
    ticket = rules.create(ticket_id, f"Ticket {ticket_id}", Requester("Ada"), created, "amara", priority=priority)
    return rules.assign(ticket, "amara", created, assignee) if assignee else ticket


def resolved(ticket_id: int, priority: str, created: datetime, took: timedelta):
    ticket = rules.acknowledge(new(ticket_id, priority, created), "amara", created, "Hello")
    return rules.resolve(ticket, "amara", created + took, "Fixed")


PAST = [resolved(100 + n, "medium", at(9, WED - timedelta(days=7)), timedelta(hours=hours)) for n, hours in enumerate((2, 3, 4))]


def test_the_end_of_the_business_day_is_today_while_open_and_tomorrow_at_night():
    assert business_day_end(POLICY, at(9.5)) == at(17)
    assert business_day_end(POLICY, at(20)) == at(17 + 24)


def test_an_unanswered_ticket_breaches_in_the_next_hour_and_the_pace_says_why():
    pace = team_pace(PAST, POLICY, at(9.5))
    high = new(1, "high", at(9), "bjorn")  # reply due 10:00
    result = forecast([high, *PAST], POLICY, at(9.5), pace, ["amara", "bjorn"])
    assert [(t.ticket_id, t.clock, t.next_hour) for t in result.tickets] == [(1, "ack", True)]
    assert result.tickets[0].why.startswith("reply due 10:00 (30m left), typical time to answer a high ticket: none in the last 4 weeks")
    assert result.header_forms() == ("⌛ 1 due 1h · 1 today", "⌛ 1 due 1h", "⌛1", "")
    assert result.least_loaded == "amara (0 open)"


def test_at_the_teams_pace_a_ticket_makes_it_or_breaches_anyway():
    pace = team_pace(PAST, POLICY, at(9))
    assert pace.typical_resolve_s("medium") == 3 * 3600
    fine = rules.acknowledge(new(1, "medium", at(17, WED - timedelta(days=2)), "amara"), "amara", at(9), "Hello")
    # `fine` was created Monday at 17:00, so its 24 business hours run out on Thursday; `stuck` at 08:00, Wednesday 14:00
    stuck = rules.acknowledge(new(2, "medium", at(8, WED - timedelta(days=2))), "amara", at(8, WED - timedelta(days=2)), "Hi")
    result = forecast([fine, stuck, *PAST], POLICY, at(9), pace, ["amara"])
    by_id = {t.ticket_id: t for t in result.tickets}
    assert 1 not in by_id  # due tomorrow
    assert by_id[2].clock == "resolution" and by_id[2].due == at(14)
    assert by_id[2].likely_anyway
    assert "typical time to resolve a medium ticket 3h00m, unassigned" in by_id[2].why
    assert "slower than every medium ticket of the last 4 weeks" in by_id[2].why


def test_a_ticket_with_time_to_spare_is_not_likely_to_breach():
    pace = team_pace(PAST, POLICY, at(9))
    fresh = rules.acknowledge(new(3, "medium", at(8, WED - timedelta(days=2)), "amara"), "amara", at(8.5), "Hello")
    result = forecast([fresh, *PAST], POLICY, at(9), pace, ["amara"])
    assert [(t.ticket_id, t.likely_anyway) for t in result.tickets] == [(3, False)]
    assert "assigned to amara, those past 30m took 3h00m" in result.tickets[0].why


def test_nobody_on_shift_means_every_ticket_due_today_breaches_anyway():
    pace = team_pace(PAST, POLICY, at(9))
    high = new(1, "high", at(9), "bjorn")
    result = forecast([high], POLICY, at(9.25), pace, [])
    assert result.tickets[0].likely_anyway and "assigned to bjorn (not on shift), nobody on shift" in result.tickets[0].why
    assert result.least_loaded == ""


def test_waiting_and_breached_tickets_are_not_forecast():
    pace = team_pace(PAST, POLICY, at(9))
    waiting = rules.set_waiting(rules.acknowledge(new(1, "high", at(9)), "amara", at(9), "Hi"), "amara", at(9))
    late = new(2, "urgent", at(6))
    assert forecast([waiting, late], POLICY, at(10), pace, ["amara"]).tickets == ()
