"""Several SLA policies by condition: first match wins, the ticket keeps its pick, the clocks count by it."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopdash.core import edit, rules
from sopdash.core.clocks import ticket_clocks
from sopdash.core.errors import ConfigError
from sopdash.core.model import PRIORITIES, Requester
from sopdash.core.policy import SlaPolicy
from sopdash.core.sla_policies import measured_by, organisation_of, pick, picked

T0 = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
DESK = {
    "calendar": {"timezone": "Europe/London"},
    "organisations": {
        "ACME": {"domains": ["acme.com"]},
        "Globex": {"members": ["ann@acme.com"]},
    },
    "sla": {
        "urgent": {"ack": "30m"},
        "policies": [
            {"name": "gold", "match": {"organisation": "ACME"}, "urgent": {"ack": "10m", "resolve": "2h"},
             "calendar": {"timezone": "America/New_York", "holidays": ["2026-11-26"]}},
            {"name": "globex", "match": {"organisation": "globex"}, "urgent": {"ack": "20m"}},
            {"name": "network", "match": {"category": ["Network", "wifi"], "priority": "high"}, "high": {"ack": "15m"}},
        ],
    },
}
POLICY = SlaPolicy.from_config(DESK)


def ticket(email="bob@example.org", priority="urgent", category=""):
    made = rules.create(1, "VPN down", Requester("Bob", email), T0, "amara", priority=priority, category=category)
    return picked(POLICY, None, made, "amara", T0)


def test_a_requester_in_two_organisations_is_measured_by_the_first_policy_that_matches():
    two = ticket("ann@acme.com")  # Globex by membership, ACME by domain: gold is listed first
    assert [o.key for o in POLICY.organisations.of("ann@acme.com")] == ["Globex", "ACME"]
    assert two.sla_policy == "gold"
    assert measured_by(POLICY, two) == ("gold", "organisation ACME")
    assert ticket_clocks(two, POLICY, T0).ack.target_s == 600
    reordered = SlaPolicy.from_config({**DESK, "sla": {**DESK["sla"], "policies": DESK["sla"]["policies"][::-1]}})
    assert picked(reordered, None, two.evolve(sla_policy=""), "amara", T0).sla_policy == "globex"


def test_conditions_all_hold_and_a_list_holds_when_any_word_does():
    assert ticket(priority="high", category="WiFi").sla_policy == "network"
    assert ticket(priority="low", category="wifi").sla_policy == "default"
    assert pick(POLICY, ticket(priority="low"))[1] == "no policy's conditions match"


def test_a_policy_inherits_the_desks_targets_and_keeps_its_own_calendar():
    gold = POLICY.policies[0]
    assert gold.targets["high"] == POLICY.targets["high"]
    assert str(gold.calendar.tz) == "America/New_York"
    assert POLICY.for_ticket(ticket()).name == "default"


def test_settings_without_policies_leave_tickets_unpicked():
    plain = SlaPolicy.from_config({})
    made = rules.create(1, "VPN down", Requester("Bob", "bob@acme.com"), T0, "amara", priority="urgent")
    assert picked(plain, None, made, "amara", T0).sla_policy == ""


def test_changing_the_rules_later_never_moves_a_ticket_already_picked():
    gold = ticket("bob@acme.com")
    everyone_first = {"policies": [{"name": "everyone", "match": {}}, *DESK["sla"]["policies"]]}
    changed = SlaPolicy.from_config({**DESK, "organisations": {"ACME": {"domains": ["acme.example"]}, "Globex": {}},
                                     "sla": everyone_first})
    assert changed.for_ticket(gold).name == "gold"
    assert measured_by(changed, gold) == ("gold", "kept from when it was opened; the rules would pick everyone now")
    assert organisation_of(changed, gold).key == "ACME"  # the organisation it was opened under, whatever the domains
    gone = SlaPolicy.from_config({"calendar": DESK["calendar"], "sla": {"urgent": {"ack": "30m"}}})
    assert measured_by(gone, gold)[0] == "default"
    assert "no longer in the desk's settings" in measured_by(gone, gold)[1]


def test_a_change_of_requester_category_or_priority_picks_again_with_an_audit_event():
    before = ticket("bob@example.org")
    after = edit.edit(before, "amara", T0 + timedelta(minutes=5), email="carol@acme.com")
    again = picked(POLICY, before, after, "amara", T0 + timedelta(minutes=5))
    assert again.sla_policy == "gold"
    assert again.timeline[-1].change == {"sla_policy": ["default", "gold"], "organisation": ["", "ACME"]}
    assert again.timeline[-1].text == "SLA policy gold (organisation ACME)"
    noted = rules.note(again, "amara", T0 + timedelta(minutes=6), "hello")
    assert picked(POLICY, again, noted, "amara", T0) is noted


@pytest.mark.parametrize("sla, key", [
    ({"policies": [{"match": {}}]}, "sla.policies[0].name"),
    ({"policies": [{"name": "default"}]}, "sla.policies.default.name"),
    ({"policies": [{"name": "a"}, {"name": "a"}]}, "sla.policies.a.name"),
    ({"policies": [{"name": "a", "match": {"organisation": "Umbrella"}}]}, "sla.policies.a.match.organisation"),
    ({"policies": [{"name": "a", "match": {"colour": "red"}}]}, "sla.policies.a.match.colour"),
    ({"policies": [{"name": "a", "match": {"priority": "asap"}}]}, "sla.policies.a.match.priority"),
    ({"policies": [{"name": "a", "high": {"ack": "soon"}}]}, "sla.policies.a.high.ack"),
    ({"policies": [{"name": "a", "calendar": {"timezone": "Mars/Base"}}]}, "sla.policies.a.calendar.timezone"),
    ({"policies": {"name": "a"}}, "sla.policies"),
])
def test_bad_policies_name_the_key(sla, key):
    with pytest.raises(ConfigError) as error:
        SlaPolicy.from_config({"sla": sla})
    assert error.value.key == key


emails = st.sampled_from(["ann@acme.com", "bob@eu.acme.com", "sam@example.org", ""])
minutes = st.integers(min_value=0, max_value=21 * 24 * 60)


@settings(max_examples=60, deadline=None)
@given(email=emails, priority=st.sampled_from(PRIORITIES), category=st.sampled_from(["", "wifi", "printing"]),
       later=minutes, waited=st.one_of(st.none(), minutes))
def test_the_desk_clocks_are_the_clocks_of_the_policy_the_ticket_keeps(email, priority, category, later, waited):
    made = ticket(email, priority, category)
    if waited is not None:
        made = rules.set_waiting(rules.acknowledge(made, "amara", T0, "On it"), "amara", T0 + timedelta(minutes=1), True)
        made = rules.set_waiting(made, "amara", T0 + timedelta(minutes=1 + waited), False)
    now = T0 + timedelta(minutes=later)
    own = POLICY.for_ticket(made)
    assert own.name == made.sla_policy
    assert ticket_clocks(made, POLICY, now) == ticket_clocks(made, own, now)
    emptied = SlaPolicy.from_config({**DESK, "organisations": {"ACME": {}, "Globex": {}}})
    assert ticket_clocks(made, emptied, now) == ticket_clocks(made, POLICY, now)


def test_mail_to_an_organisations_address_counts_under_it_whoever_sends_it():
    desk = {**DESK, "organisations": {**DESK["organisations"], "Initech": {"address": "Initech@Help.example"}},
            "sla": {"policies": [{"name": "initech", "match": {"organisation": "Initech"}}, *DESK["sla"]["policies"]]}}
    policy = SlaPolicy.from_config(desk)
    made = rules.create(1, "VPN down", Requester("Bob", "bob@acme.com"), T0, "mail", priority="urgent")
    received = picked(policy, None, made, "mail", T0, received_on="initech@help.example")
    assert (received.sla_policy, received.organisation) == ("initech", "Initech")
    raised = rules.set_priority(received, "amara", T0, "high")
    assert picked(policy, received, raised, "amara", T0).organisation == "Initech"  # kept on a change of priority
    moved = edit.edit(received, "amara", T0, email="sam@example.org")
    assert (picked(policy, received, moved, "amara", T0).organisation) == ""  # someone else's ticket now


@settings(max_examples=40, deadline=None)
@given(picks=st.lists(st.tuples(emails, st.sampled_from(PRIORITIES)), min_size=1, max_size=6), later=minutes)
def test_the_board_advances_each_ticket_on_the_calendar_of_its_own_policy(picks, later):
    from sopdash.core.board import Board

    tickets = [ticket(email, priority).evolve(id=n) for n, (email, priority) in enumerate(picks, 1)]
    board = Board.load(tickets, POLICY, T0)
    now = T0 + timedelta(minutes=later)
    moment = board.moment(now)
    for row in board.rows:
        assert row.clocks(moment) == ticket_clocks(row.ticket, POLICY, now)
