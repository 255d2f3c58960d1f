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


def test_due_on_a_later_day_reads_as_when_not_as_business_days():
    friday = datetime(2026, 11, 27, 8, 12, tzinfo=NY)  # 35 business hours away, not "1d11h"
    assert clock_text(reading(RUNNING, friday, 35 * 3600), NOW, NY) == "· Fri 08:12"
    far = NOW + timedelta(days=9, hours=1)
    assert clock_text(reading(RUNNING, far, 60 * 3600), NOW, NY) == "· 9d"


def test_long_overdue_and_paused_values_fit_a_column():
    last_year = NOW - timedelta(days=337, hours=5)
    shown = clock_text(reading(BREACHED, last_year, -337 * 9 * 3600), NOW, NY)
    assert shown == "✖ -337d" and len(shown) <= 9
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
