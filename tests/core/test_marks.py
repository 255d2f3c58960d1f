"""How clocks read (the one countdown of the CLI and the dashboard): business time today, the calendar beyond."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sopdash.core.clocks import BREACHED, MET, PAUSED, RUNNING, WARNING, ClockReading, TicketClocks
from sopdash.core.detail import plain_lines, ticket_detail
from sopdash.core.display import local_time
from sopdash.core.marks import clock_text
from sopdash.core.model import Ticket

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 23, 16, 0, tzinfo=NY)  # a Monday afternoon


def reading(state: str, due: datetime | None, left_s: float) -> ClockReading:
    return ClockReading(state, due.timestamp() if due else None, round(left_s), 8 * 3600)


def test_due_today_reads_as_business_time_left():
    assert clock_text(reading(WARNING, NOW + timedelta(minutes=42), 42 * 60), NOW, NY) == "▲ 42m"
    assert clock_text(reading(BREACHED, NOW - timedelta(minutes=35), -35 * 60), NOW, NY) == "✖ -35m"


def test_under_a_minute_the_seconds_show_not_0m():
    """Issue 24: `▲ 0m` for half a minute before a breach, `✖ 0m` for a 40-second breach."""
    assert clock_text(reading(WARNING, NOW + timedelta(seconds=40), 40), NOW, NY) == "▲ 40s"
    assert clock_text(reading(BREACHED, NOW - timedelta(seconds=40), -40), NOW, NY) == "✖ -40s"
    assert clock_text(reading(BREACHED, NOW - timedelta(seconds=60), -60), NOW, NY) == "✖ -1m"


def test_a_breach_reads_as_the_business_time_over_as_the_urgency_order_counts_it():
    """Issue 24: `✖ -2d` (calendar days) sorted below `✖ -1h11m` (business time); both now read business time,
    so the longer breach reads longer."""
    over_a_weekend = reading(BREACHED, NOW - timedelta(days=3), -3 * 3600)  # 3 business hours, 3 calendar days
    this_morning = reading(BREACHED, NOW - timedelta(hours=4), -4 * 3600 - 11 * 60)
    assert clock_text(over_a_weekend, NOW, NY) == "✖ -3h00m"
    assert clock_text(this_morning, NOW, NY) == "✖ -4h11m"


def test_due_on_a_later_day_reads_as_when_not_as_business_days():
    friday = datetime(2026, 11, 27, 8, 12, tzinfo=NY)  # 35 business hours away, not "1d11h"
    assert clock_text(reading(RUNNING, friday, 35 * 3600), NOW, NY) == "· Fri 08:12"
    far = NOW + timedelta(days=9, hours=1)
    assert clock_text(reading(RUNNING, far, 60 * 3600), NOW, NY) == "· 9d"


def test_long_overdue_and_paused_values_fit_a_column():
    last_year = NOW - timedelta(days=337, hours=5)
    shown = clock_text(reading(BREACHED, last_year, -337 * 9 * 3600), NOW, NY)
    assert shown == "✖ -3033h" and len(shown) <= 9
    assert clock_text(reading(PAUSED, None, 40 * 3600), NOW, NY) == "‖ 40h"
    assert clock_text(reading(MET, None, 600), NOW, NY) == "✔ met"


def test_a_date_not_in_the_current_year_shows_its_year():
    assert local_time(datetime(2023, 6, 16, 12, 12, tzinfo=timezone.utc), NY, now=NOW) == "Fri 16 Jun 2023 08:12 EDT"
    assert local_time(datetime(2026, 6, 16, 12, 12, tzinfo=timezone.utc), NY, now=NOW) == "Tue 16 Jun 08:12 EDT"


def test_a_resolved_ticket_says_resolved_not_paused():
    created = NOW - timedelta(hours=3)
    ticket = Ticket(id=1, subject="Printer", created_at=created, status="resolved", resolved_at=NOW, resolution="Fixed")
    clocks = TicketClocks(reading(MET, None, 600), reading(MET, None, 5 * 3600))
    text = plain_lines(ticket_detail(ticket, clocks, NOW, NY, privacy=False))
    assert "Resolve   ✔ met · done Mon 16:00" in text and "paused" not in text
