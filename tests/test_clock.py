"""Where now comes from: the system clock unless SOPDASH_NOW fixes it."""

from datetime import datetime, timezone

import pytest
import time_machine

from sopdash.clock import clock_from_env, system_clock
from sopdash.core.errors import InputError

FROZEN = datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)


@time_machine.travel(FROZEN, tick=False)
def test_the_system_clock_is_aware_utc():
    assert system_clock() == FROZEN
    assert system_clock().tzinfo is timezone.utc


@time_machine.travel(FROZEN, tick=False)
def test_sopdash_now_fixes_the_clock_and_its_absence_reads_the_system():
    assert clock_from_env({"SOPDASH_NOW": "2026-12-24T09:00:00-05:00"})() == datetime(
        2026, 12, 24, 14, 0, tzinfo=timezone.utc
    )
    assert clock_from_env({})() == FROZEN


def test_a_bad_sopdash_now_names_the_variable():
    with pytest.raises(InputError, match="SOPDASH_NOW"):
        clock_from_env({"SOPDASH_NOW": "tomorrow"})
