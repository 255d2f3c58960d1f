"""Issue 22: a mailed ticket's SLA clock starts when the mail server received the message, bounded by sanity."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

from hypothesis import given
from hypothesis import strategies as st

from sopdash.core.received import DATE_BOUND, RECEIVED_BOUND, clock_start
from sopdash.mail.received import server_times

UTC = timezone.utc
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC))
maybe = st.none() | instants


@given(instants, maybe, maybe)
def test_the_clock_never_starts_after_the_fetch_nor_more_than_the_bound_before_it(fetched, received, dated):
    start = clock_start(fetched, received, dated)
    assert fetched - RECEIVED_BOUND <= start <= fetched


@given(instants, st.timedeltas(min_value=timedelta(0), max_value=RECEIVED_BOUND), maybe)
def test_a_received_time_within_the_bound_is_believed_whatever_the_date_says(fetched, before, dated):
    assert clock_start(fetched, fetched - before, dated) == fetched - before


@given(instants, st.timedeltas(min_value=timedelta(0), max_value=DATE_BOUND))
def test_without_received_a_date_within_a_day_before_the_fetch_is_believed(fetched, before):
    assert clock_start(fetched, None, fetched - before) == fetched - before


@given(instants, st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=3650)), st.booleans())
def test_a_date_in_the_future_or_too_old_starts_the_clock_at_the_fetch(fetched, off, future):
    assert clock_start(fetched, None, fetched + off if future else fetched - DATE_BOUND - off) == fetched


@given(instants, instants, instants)
def test_a_later_receipt_never_starts_the_clock_earlier(fetched, one, other):
    early, late = sorted((one, other))
    assert clock_start(fetched, early, None) <= clock_start(fetched, late, None)


def test_the_topmost_received_header_and_the_date_are_read_in_utc():
    raw = (b"Received: from mx.example.org by imap.desk.example.org; Wed, 25 Nov 2026 10:12:00 +0100\r\n"
           b"Received: from client by mx.example.org; Wed, 25 Nov 2026 09:00:00 +0000\r\n"
           b"Date: Wed, 25 Nov 2026 08:59:00 -0000\r\nSubject: x\r\n\r\nhi\r\n")
    received, dated = server_times(message_from_bytes(raw, policy=policy.default))
    assert received == datetime(2026, 11, 25, 9, 12, tzinfo=UTC)
    assert dated == datetime(2026, 11, 25, 8, 59, tzinfo=UTC)


def test_unreadable_times_are_unknown():
    raw = b"Received: by nowhere\r\nDate: the day after tomorrow\r\nSubject: x\r\n\r\nhi\r\n"
    assert server_times(message_from_bytes(raw, policy=policy.default)) == (None, None)
