"""Organisations: who belongs where, by explicit membership first and then by domain (subdomains included)."""

import pytest

from sopdash.core.errors import ConfigError
from sopdash.core.organisations import Organisations

ORGS = Organisations.from_config({
    "ACME": {"name": "Acme Corp", "domains": ["acme.com"], "address": "acme@help.example", "notes": "gold client"},
    "Globex": {"domains": ["globex.org"], "members": ["Ann@Acme.com", "sam@gmail.example"]},
    "Initech": {"members": ["ann@acme.com"]},
})


def keys(email):
    return [o.key for o in ORGS.of(email)]


def test_explicit_membership_comes_first_then_the_domain():
    assert keys("ann@acme.com") == ["Globex", "Initech", "ACME"]
    assert keys("ANN@ACME.COM") == ["Globex", "Initech", "ACME"]


def test_a_domain_takes_its_subdomains_but_not_lookalikes():
    assert keys("bob@acme.com") == ["ACME"]
    assert keys("bob@eu.mail.acme.com") == ["ACME"]
    assert keys("eve@notacme.com") == []
    assert keys("eve@acme.com.evil.example") == []


def test_a_member_from_a_free_mail_domain_and_no_one():
    assert keys("sam@gmail.example") == ["Globex"]
    assert keys("") == []


def test_names_and_keys_name_an_organisation_without_case():
    assert ORGS.named("acme").key == "ACME"
    assert ORGS.named("ACME CORP").key == "ACME"
    assert ORGS.named("umbrella") is None
    assert ORGS.named("globex").name == "Globex"  # the key when no name is given


@pytest.mark.parametrize("table, key", [
    ({"A": {"domains": "acme.com"}}, "organisations.A.domains"),
    ({"A": {"domains": ["not a domain"]}}, "organisations.A.domains"),
    ({"A": {"members": ["nobody"]}}, "organisations.A.members"),
    ({"A": {"address": "x@@y"}}, "organisations.A.address"),
    ({"A": {"colour": "red"}}, "organisations.A.colour"),
    ({"A": "acme.com"}, "organisations.A"),
])
def test_bad_tables_name_the_key(table, key):
    with pytest.raises(ConfigError) as error:
        Organisations.from_config(table)
    assert error.value.key == key


def test_the_o_filter_keeps_the_requesters_of_an_organisation():
    from datetime import datetime, timezone

    from sopdash.core import rules
    from sopdash.core.model import Requester
    from sopdash.core.policy import SlaPolicy
    from sopdash.core.queue import parse_query
    from sopdash.core.board import Board

    now = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
    policy = SlaPolicy.from_config({"organisations": {"ACME": {"domains": ["acme.com"]},
                                                      "Globex": {"members": ["ann@acme.com"]}}})
    emails = ["bob@acme.com", "ann@acme.com", "sam@example.org"]
    tickets = [rules.create(n, "Help", Requester("R", e), now, "amara") for n, e in enumerate(emails, 1)]
    board = Board.load(tickets, policy, now)
    moment = board.moment(now)

    def shown(text):
        return [row.ticket.id for row in board.rows if parse_query(text, "amara").matches(row, moment)]

    assert shown("o:acme") == [1, 2]
    assert shown("o:glob") == [2]
    assert shown("o:none") == [3]
    assert shown("o:globex,none") == [2, 3]
    assert board.rows[1].organisations == ("Globex", "ACME")
