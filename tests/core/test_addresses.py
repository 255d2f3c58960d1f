"""One address check, by email-validator, for every address that enters, and for every one that goes into a header."""

from __future__ import annotations

import pytest
from email_validator import validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sopdash.core.addresses import _PLAIN_DOMAIN, _PLAIN_LOCAL, address_problem, ascii_form, checked_address, plainly_valid
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


PLAIN = st.from_regex(f"{_PLAIN_LOCAL.pattern}@{_PLAIN_DOMAIN.pattern}", fullmatch=True)
LOCAL = st.from_regex(_PLAIN_LOCAL.pattern, fullmatch=True) | st.sampled_from([".a", "a..b", "a" * 65, "a@b", "é"])
LABEL = st.sampled_from(["a", "Z9", "xn--a", "ab--c", "a-b", "-a", "a-", "0", "a" * 63, "a" * 64, "é", "a_b", ""])
TOP = st.sampled_from(["com", "test", "LOCAL", "arpa", "onion", "c0m", "c", "io", "localhost", "Invalid", "xn--p1ai"])
NEAR_MISS = st.builds(lambda local, labels, top: f"{local}@{'.'.join([*labels, top])}", LOCAL,
                      st.lists(LABEL, min_size=1, max_size=5), TOP)


@settings(max_examples=300, deadline=None)
@given(st.one_of(PLAIN, NEAR_MISS))
@example("ann@ab--c.example.com")
@example("ann@mail.Test")
@example("a" * 200 + "@" + "b" * 50 + ".com")
def test_the_library_passes_every_address_the_quick_pattern_passes(address):
    if plainly_valid(address):
        validate_email(address, check_deliverability=False, allow_smtputf8=False)


@pytest.mark.parametrize("address", [*BAD, "ann@mail.local", "ann@a--b.example", "ann@xn--exmple-cua.com",
                                     "ann@" + "a" * 64 + ".com", "ann@example.c0m"])
def test_what_the_quick_pattern_does_not_know_goes_to_the_library(address):
    assert not plainly_valid(address)


def test_a_plain_address_needs_no_library():
    assert plainly_valid("Ann.Lee+it@client.example.com") and plainly_valid("a@b.co")
