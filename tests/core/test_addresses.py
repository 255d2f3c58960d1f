"""One address check, by email-validator, for every address that enters, and for every one that goes into a header."""

from __future__ import annotations

import pytest

from sopdash.core.addresses import address_problem, ascii_form, checked_address
from sopdash.core.errors import InputError
from sopdash.mail.compose import BadAddress, mailbox

BAD = ["a@@b.example", "[@b.example", "a@b.example.", "ann", "ann@", "@example.com", "a b@example.com",
       "josé@example.com", "ann@localhost", "\"ann\"@example.com", "ann@example.com\r\nBcc: x@evil.example"]
GOOD = ["ann@example.com", "Ann.Lee+it@client.example.com", "a@b.c", "ann@exämple.com"]


@pytest.mark.parametrize("address", BAD)
def test_what_no_mail_can_carry_is_refused_with_the_reason(address):
    problem = address_problem(address)
    assert problem and problem[0].islower() and not problem.endswith(".")
    with pytest.raises(InputError, match=r"^requester: .* is not an e-mail address \(.+\)$"):
        checked_address(address, "requester")
    with pytest.raises(BadAddress):  # and never reaches a header, whatever slipped into a store
        mailbox("Ann", address)


@pytest.mark.parametrize("address", GOOD)
def test_addresses_mail_carries_pass_as_given(address):
    assert address_problem(address) == "" and checked_address(f" {address} ") == address
    assert mailbox("Ann", address).addr_spec == ascii_form(address)


def test_a_domain_in_another_script_is_carried_in_ascii():
    assert ascii_form("ann@exämple.com") == "ann@xn--exmple-cua.com"
    assert ascii_form("a@@b.example") == "a@@b.example"


def test_empty_is_unknown_not_wrong():
    assert checked_address("  ") == ""
