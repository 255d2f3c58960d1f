"""The courtesy check on a public reply (SOP 2A/4A, issue 27)."""

from __future__ import annotations

import pytest

from sopdash.core.courtesy import (
    NO_GREETING, NO_SIGN_OFF, PHRASE, PHRASES, SHOUTING, Advice, CourtesyRules, advise,
)
from sopdash.core.errors import ConfigError

ORDINARY = [
    "Hello Ann,\n\nthe new toner is in; please try printing again.\n\nKind regards,\nDana",
    "Hi Bo, I reset the VPN profile. Let me know if it connects. Thanks!",
    "Dear Mr Müller,\n\nyour laptop is ready at the IT desk (room 2.14). I have updated the BIOS and the VPN client.\n\n"
    "Best wishes\nDana",
    "Hello Ann,\n\nthe new toner is in. — Bo",
    "Good morning! I can see the HTTPS certificate expired; I renewed it. Have a nice day.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_replies_pass(text):
    assert advise(text) == []


@pytest.mark.parametrize("phrase", PHRASES)
def test_every_listed_phrase_is_flagged(phrase):
    assert advise(f"Hello Ann,\n\n{phrase.title()}, the printer needs toner.\n\nThanks") == [
        Advice(PHRASE, phrase.casefold())
    ]


@pytest.mark.parametrize("text, expected", [
    ("Hello Ann, PLEASE RESTART YOUR COMPUTER before calling. Thanks",
     [Advice(SHOUTING, "PLEASE RESTART YOUR COMPUTER")]),
    ("Hello, I DID NOT TOUCH IT AT ALL. Thanks", [Advice(SHOUTING, "DID NOT TOUCH IT AT ALL")]),
    ("the printer is fixed. Regards", [Advice(NO_GREETING)]),
    ("Hello Ann, the printer is fixed.", [Advice(NO_SIGN_OFF)]),
    ("Obviously it works now", [Advice(PHRASE, "obviously"), Advice(NO_GREETING), Advice(NO_SIGN_OFF)]),
    ("Hello, as I already SAID twice, you should’ve rebooted. Thanks",
     [Advice(PHRASE, "as i already said"), Advice(PHRASE, "you should've")]),
])
def test_the_cases_on_its_list_are_flagged(text, expected):
    assert advise(text) == expected


def test_the_desk_sets_its_own_lists():
    rules = CourtesyRules.from_config({"phrases": ["tough luck"], "greetings": ["moin"], "sign_offs": ["tschüss"],
                                       "shouting_letters": 30})
    assert advise("Moin Ann, tough luck. PLEASE RESTART YOUR COMPUTER. Tschuss", rules) == [Advice(PHRASE, "tough luck")]


@pytest.mark.parametrize("table, key", [({"phrase": []}, "courtesy.phrase"),
                                        ({"shouting_letters": 1}, "courtesy.shouting_letters")])
def test_bad_settings_name_the_key(table, key):
    with pytest.raises(ConfigError) as refused:
        CourtesyRules.from_config(table)
    assert refused.value.key == key

