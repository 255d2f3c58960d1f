"""Where now comes from: the system clock unless SOPDASH_NOW fixes it for a read; a write never goes by SOPDASH_NOW."""

from datetime import datetime, timezone

import pytest
import time_machine

from sopdash.clock import WHAT_IF_REFUSAL, clock_from_env, fixed_clock, system_clock, write_clock
from sopdash.core.model import Requester
from sopdash.core.policy import SlaPolicy
from sopdash.core.roster import Roster
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
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


@time_machine.travel(FROZEN, tick=False)
def test_writes_go_by_the_system_clock_and_refuse_sopdash_now():
    assert write_clock({})() == FROZEN
    refusing = write_clock({"SOPDASH_NOW": "2026-01-01T00:00:00+00:00"})
    with pytest.raises(InputError, match="SOPDASH_NOW is for read-only questions") as refusal:
        refusing()
    assert refusal.value.exit_code == 2 and str(refusal.value) == WHAT_IF_REFUSAL


def test_a_desk_reads_by_its_clock_and_stamps_by_its_stamp(tmp_path):
    what_if, real = datetime(2027, 1, 4, 9, 0, tzinfo=timezone.utc), datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)
    store = TicketStore(tmp_path / "t.json", create=True)
    desk = Desk(store, SlaPolicy.from_config({}), Roster(), "amara", fixed_clock(what_if), stamp=fixed_clock(real))
    ticket = desk.create("VPN", Requester("Ann", "ann@example.com"))
    assert ticket.created_at == real and desk.acknowledge(ticket.id).acknowledged_at == real
    assert desk.clocks(desk.ticket(ticket.id)).ack.state == "met"  # read at the what-if time, a month later
