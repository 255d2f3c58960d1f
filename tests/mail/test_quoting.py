"""Quoted history folded away from what the client wrote now; forwarded mail kept whole."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sopdash.mail.quoting import fold_quoted


def test_gmail_attribution_and_quotes_are_folded():
    text = "Works now, thanks.\n\nOn Wed, 25 Nov 2026 at 09:00, Help Desk <help@desk.example.org>\nwrote:\n> Hello Ann,\n> try again"
    assert fold_quoted(text) == ("Works now, thanks.", True)


def test_outlook_original_message_separator_is_folded():
    text = "Still broken.\r\n\r\n-----Original Message-----\r\nFrom: Help Desk\r\nSent: Wednesday\r\n\r\nHello"
    assert fold_quoted(text) == ("Still broken.", True)


def test_outlook_header_block_without_a_rule_is_folded():
    text = "See below.\n\nFrom: Help Desk <help@desk.example.org>\nSent: Wednesday, 25 November 2026 10:30\nTo: Ann"
    assert fold_quoted(text) == ("See below.", True)


def test_german_attribution_is_folded():
    assert fold_quoted("Danke!\n\nAm 25.11.2026 um 09:00 schrieb Help Desk <help@desk.example.org>:\n> Hallo")[0] == "Danke!"


def test_forwarded_message_is_content():
    text = "Is this phishing?\n\n---------- Forwarded message ---------\nFrom: x@example.com\n\nClick here"
    assert fold_quoted(text) == (text, False)


def test_a_message_of_nothing_but_quotes_is_kept_whole():
    assert fold_quoted("> only\n> quotes") == ("> only\n> quotes", False)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_folding_never_invents_text(text):
    folded, _ = fold_quoted(text)
    assert folded in text.replace("\r\n", "\n") or folded == text.strip()
