"""The roster decides who a typed login names: `me` is whoever acts; an unknown login is refused when there is a roster."""

import pytest

from sopdash.core.errors import InputError, RuleRefused
from sopdash.core.roster import Assignee, Member, Roster

TEAM = Roster({"bo": Member("bo", tier=2), "maria": Member("maria", tier=3, manager=True)})


@pytest.mark.parametrize("typed", ["me", " ME ", "Me"])
def test_me_is_the_technician_who_acts(typed):
    assert TEAM.assignee(typed, "amara") == Assignee("amara")
    assert Roster().assignee(typed, "amara") == Assignee("amara")


def test_a_roster_login_and_the_actor_are_taken_without_a_warning():
    assert TEAM.assignee("bo", "amara") == Assignee("bo")
    assert TEAM.assignee("amara", "amara") == Assignee("amara")  # at the keyboard, so known, listed or not


def test_an_unknown_login_is_refused_when_there_is_a_roster():
    with pytest.raises(RuleRefused) as refused:
        TEAM.assignee("zed", "amara")
    assert str(refused.value) == "'zed' is not in the roster (technicians: bo, maria); add [roster.zed] to the config"


def test_without_a_roster_any_login_is_taken_with_a_warning():
    assignee = Roster().assignee("zed", "amara")
    assert assignee.login == "zed"
    assert assignee.warning == "no roster lists the team, so 'zed' could not be checked; add [roster.zed] to the config"


def test_a_roster_of_only_the_actor_checks_nothing_either():
    alone = Roster().with_manager("amara", True)  # as on PostgreSQL: the database role, marked a manager
    assert alone.assignee("zed", "amara").warning.startswith("no roster lists the team")


def test_an_empty_login_is_an_input_error():
    with pytest.raises(InputError, match="or me for yourself"):
        TEAM.assignee("  ", "amara")
