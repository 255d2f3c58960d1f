"""Reading a client's answer to a resolution (SOP 6B by reply, issue 27)."""

from __future__ import annotations

import pytest

from sopdash.core.errors import ConfigError
from sopdash.core.model import Ticket
from sopdash.core.satisfaction import Answer, SatisfactionPhrases, answer


@pytest.mark.parametrize("text, expected", [
    ("5, thanks!", Answer(score=5)),
    ("5", Answer(score=5)),
    ("4/5 - quick work", Answer(score=4)),
    ("Thanks, I'd say 3 out of 5.", Answer(score=3)),
    ("1 star. It is still broken.", Answer(score=1, not_fixed=True)),
    ("It STILL doesn’t work", Answer(not_fixed=True)),
    ("I am quite unhappy with how long this took", Answer(unhappy=True)),
    ("Is not fixed. Dissatisfied.", Answer(not_fixed=True, unhappy=True)),
    ("1 more thing: can you also look at the scanner?", Answer()),
    ("Thanks, all good now", Answer()),
    ("Works now.\n> tell us if it is not fixed", Answer()),
    ("See ticket 12345 about the 3/50 pages", Answer()),
])
def test_an_answer_is_read_from_the_clients_own_words(text, expected):
    assert answer(text) == expected


def test_the_desk_adds_languages_folded_for_case_and_accents():
    phrases = SatisfactionPhrases.from_config({"not_fixed": {"fr": ["ça ne marche toujours pas"]},
                                               "unhappy": {"de": ["unzufrieden"]}})
    assert answer("CA NE MARCHE TOUJOURS PAS", phrases).not_fixed
    assert answer("Ich bin sehr Unzufrieden.", phrases).unhappy
    assert answer("still not working", phrases).not_fixed  # English stays


def test_a_language_the_desk_gives_replaces_its_default():
    phrases = SatisfactionPhrases.from_config({"not_fixed": {"en": ["kaput"]}})
    assert answer("it is kaput", phrases).not_fixed and not answer("still not working", phrases).not_fixed


@pytest.mark.parametrize("table, key", [({"not_fixed": {"en": [""]}}, "satisfaction.not_fixed.en"),
                                        ({"sad": {}}, "satisfaction.sad"),
                                        ({"unhappy": {"en": "sad"}}, "satisfaction.unhappy")])
def test_bad_settings_name_the_key(table, key):
    with pytest.raises(ConfigError) as refused:
        SatisfactionPhrases.from_config(table)
    assert refused.value.key == key


def test_a_ticket_stored_before_scores_loads_without_one():
    ticket = Ticket.from_dict({"id": 1, "subject": "x", "created_at": "2026-11-25T09:00:00+00:00"})
    assert ticket.satisfaction is None
