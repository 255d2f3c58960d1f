"""The SLA policy from config: defaults, durations, warnings, and bad values naming their key."""

import pytest

from sopdash.core.durations import format_countdown, parse_duration
from sopdash.core.errors import ConfigError, InputError
from sopdash.core.policy import SlaPolicy
from sopdash.core.roster import Roster

NY = {"calendar": {"timezone": "America/New_York"}}


def test_defaults_are_the_product_table():
    policy = SlaPolicy.from_config(NY)
    table = {p: (t.ack_s, t.resolve_s, t.hours) for p, t in policy.targets.items()}
    assert table == {
        "urgent": (1800, 4 * 3600, "24x7"),
        "high": (3600, 8 * 3600, "business"),
        "medium": (4 * 3600, 24 * 3600, "business"),
        "low": (8 * 3600, 40 * 3600, "business"),
    }
    assert (policy.warn_at, policy.warn_before_s, policy.pause_when_waiting) == (0.75, None, True)


def test_days_are_business_days_of_the_calendar():
    policy = SlaPolicy.from_config({**NY, "sla": {"low": {"resolve": "3d"}, "urgent": {"resolve": "1d"}}})
    assert policy.targets["low"].resolve_s == 3 * 9 * 3600
    assert policy.targets["urgent"].resolve_s == 24 * 3600


@pytest.mark.parametrize(
    ("sla", "key"),
    [
        ({"high": {"ack": "0m"}}, "sla.high.ack"),
        ({"high": {"ack": "-5m"}}, "sla.high.ack"),
        ({"high": {"resolve": "soon"}}, "sla.high.resolve"),
        ({"high": {"hours": "weekends"}}, "sla.high.hours"),
        ({"high": {"respond": "1h"}}, "sla.high.respond"),
        ({"warn_at": 1.5}, "sla.warn_at"),
        ({"pause_when_waiting": "yes"}, "sla.pause_when_waiting"),
        ({"critical": {"ack": "1h"}}, "sla.critical"),
    ],
)
def test_bad_sla_values_name_their_key(sla, key):
    with pytest.raises(ConfigError) as error:
        SlaPolicy.from_config({**NY, "sla": sla})
    assert error.value.key == key


def test_durations():
    assert parse_duration("1h30m") == 5400
    assert parse_duration("3d", day_s=9 * 3600) == 27 * 3600
    with pytest.raises(InputError):
        parse_duration("90")


@pytest.mark.parametrize(
    ("seconds", "text"), [(8040, "2h14m"), (-2100, "-35m"), (-1, "-1s"), (59, "59s"), (-40, "-40s"), (-60, "-1m"), (3 * 86400 + 7200, "3d2h"), (3600, "1h00m")]
)
def test_countdowns(seconds, text):
    assert format_countdown(seconds) == text


def test_roster_tiers_and_managers():
    roster = Roster.from_config({"dana": {"tier": 3, "manager": True}})
    assert roster.is_manager("dana") and not roster.is_manager("amara")
    assert roster.member("amara").tier == 1
    with pytest.raises(ConfigError, match="roster.dana.tier"):
        Roster.from_config({"dana": {"tier": 4}})
