"""SOP 5A: passwords, card numbers and private IP addresses are flagged before a public reply goes out."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopdash.core.sensitive import (
    CARD_NUMBER,
    PASSWORD,
    PRIVATE_IP,
    SensitiveText,
    check_disclosure,
    find_sensitive,
    luhn_valid,
)


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in find_sensitive(text)]


def with_check_digit(body: str) -> str:
    """`body` plus the digit that makes it pass the Luhn check."""
    return body + next(d for d in "0123456789" if luhn_valid(body + d))


def grouped(digits: str, sep: str) -> str:
    return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))


card_numbers = st.builds(
    lambda first, rest: with_check_digit(first + rest),
    st.sampled_from("23456"),
    st.text("0123456789", min_size=11, max_size=17),
)


@given(card_numbers, st.sampled_from(["", " ", "-"]), st.sampled_from(["card ", "", "Number: "]))
def test_every_luhn_valid_card_number_is_flagged(digits, sep, prefix):
    text = f"{prefix}{grouped(digits, sep)} thanks"
    findings = find_sensitive(text)
    assert [f.kind for f in findings] == [CARD_NUMBER]
    assert findings[0].excerpt == grouped(digits, sep)


@given(card_numbers)
def test_a_number_failing_the_luhn_check_is_not_a_card(digits):
    broken = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    assert CARD_NUMBER not in kinds(f"ref {broken}")


def test_known_test_cards_in_their_printed_groupings():
    assert kinds("Visa 4111 1111 1111 1111") == [CARD_NUMBER]
    assert kinds("Amex 3782 822463 10005") == [CARD_NUMBER]
    assert kinds("MC 5555-5555-5555-4444.") == [CARD_NUMBER]


@given(st.integers(min_value=1, max_value=10**12))
def test_a_ticket_number_is_not_flagged(number):
    assert find_sensitive(f"Re: ticket #{number} (ref {number})") == []


@given(
    st.integers(200, 999), st.integers(200, 999), st.integers(0, 9999),
    st.sampled_from(["+1 {a} {b} {c:04}", "({a}) {b}-{c:04}", "{a}-{b}-{c:04}", "+1-{a}-{b}-{c:04}"]),
)
def test_a_phone_number_is_not_flagged(a, b, c, form):
    assert find_sensitive("call me on " + form.format(a=a, b=b, c=c)) == []


def test_international_phone_numbers_are_not_flagged():
    for phone in ("+44 20 7946 0958", "+49 30 12345678", "+86 138 0013 8000", "+61 4 1234 5678", "0044 20 7946 0958"):
        assert find_sensitive(f"phone {phone}") == [], phone


def test_password_phrasings_are_flagged():
    for text in (
        "password: hunter2",
        "Your temporary password is Xk9-pq!",
        "pw=Secret123",
        "passwd: letmein",
        "PWD = abc",
        "The password for the guest wifi is Summer2024",
        "new passcode:4321",
    ):
        assert kinds(text) == [PASSWORD], text


def test_sentences_about_passwords_are_not_flagged():
    for text in (
        "Your password is expired, please reset it.",
        "I have reset your password.",
        "The password is case-sensitive.",
        "Please change your password at the portal.",
    ):
        assert find_sensitive(text) == [], text


def test_the_password_excerpt_names_the_phrase():
    [finding] = find_sensitive("Hi Jane, password: hunter2 works now")
    assert finding.excerpt == "password: hunter2"
    assert finding.start == len("Hi Jane, ")


def test_private_ipv4_ranges_are_flagged():
    for address in ("10.0.0.1", "10.255.3.4", "172.16.0.1", "172.31.255.254", "192.168.1.20"):
        assert kinds(f"the server at {address}.") == [PRIVATE_IP], address


def test_public_and_non_address_dotted_numbers_are_not_flagged():
    for text in ("8.8.8.8", "172.32.0.1", "172.15.9.9", "192.169.0.1", "version 1.10.0.0.1", "10.0.0.300", "11.0.0.1"):
        assert find_sensitive(text) == [], text


def test_unique_local_ipv6_is_flagged_and_global_is_not():
    assert kinds("fd12:3456:789a::1 is the printer") == [PRIVATE_IP]
    assert kinds("try FC00::10") == [PRIVATE_IP]
    assert find_sensitive("2001:db8::1 and fe80::1") == []


def test_findings_come_in_reading_order():
    text = "host 192.168.0.7, password: abc, card 4111111111111111"
    assert kinds(text) == [PRIVATE_IP, PASSWORD, CARD_NUMBER]


def test_plain_courteous_reply_is_clean():
    assert find_sensitive("Hello Jane,\n\nthank you for contacting support (ticket #4521).") == []


def test_check_disclosure_refuses_naming_each_finding_unless_allowed():
    text = "password: hunter2 and 10.1.2.3"
    with pytest.raises(SensitiveText) as refused:
        check_disclosure(text, action="send this mail")
    assert str(refused.value) == (
        "cannot send this mail: it may disclose client-sensitive information (SOP 5A): "
        "password “password: hunter2”, private IP address “10.1.2.3”"
    )
    assert refused.value.exit_code == 1
    assert [f.kind for f in check_disclosure(text, allow_sensitive=True)] == [PASSWORD, PRIVATE_IP]
    assert check_disclosure("Printer fixed, thanks!") == []
