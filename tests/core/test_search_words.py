"""The search query and the folding of words: case, accents and word forms folded, phrases kept, filters apart."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from sopdash.core.search import fold, fts_expression, index_text, matching_line, parse_search, words


def test_case_and_accents_fold_away() -> None:
    assert fold("Ça DÉBORDE à Zoë's Straße") == "ca deborde a zoe's strasse"


def test_word_forms_share_a_stem() -> None:
    assert words("printers printing printed") == words("printer print print")


def test_field_filters_stay_filters_and_the_rest_is_text() -> None:
    query = parse_search('p:high a:me Printers "blank Pages" s:closed', "amara")
    assert query.terms == tuple(words("printers"))
    assert query.phrases == (tuple(words("blank pages")),)
    assert query.filters.priorities == {"high"}
    assert query.filters.assignees == {"amara"}
    assert query.filters.statuses == {"closed"}
    assert query.has_text


def test_an_address_is_a_phrase_of_its_words() -> None:
    query = parse_search("zoe@Example.com", "me")
    assert query.phrases == (("zoe", "exampl", "com"),) and not query.terms


def test_filters_alone_have_no_text() -> None:
    assert not parse_search("p:high a:me", "me").has_text
    assert not parse_search('"" ,,', "me").has_text


def test_an_unclosed_quote_runs_to_the_end() -> None:
    assert parse_search('"printer on fire', "me").phrases == (tuple(words("printer on fire")),)


def test_the_fts_expression_quotes_every_word() -> None:
    assert fts_expression(parse_search('vpn "blank page"', "me")) == '"vpn" AND "blank page"'


def test_the_matching_line_is_the_one_holding_most_words() -> None:
    query = parse_search("toner printer", "me")
    text = "hello\nthe printer\nthe Printer is out of toner\nbye"
    assert matching_line(query, "subject", text) == "the Printer is out of toner"
    assert matching_line(parse_search("absent", "me"), "the subject", text) == "the subject"


def test_the_matching_line_loses_control_characters() -> None:
    assert matching_line(parse_search("evil", "me"), "s", "an \x1b[31mevil\x1b[0m line") == "an evil line"


_LETTERS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=40)


@given(_LETTERS)
def test_folding_is_idempotent_and_case_blind(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert words(text.upper()) == words(text)


@given(_LETTERS, st.sampled_from(["\u0301", "\u0308", "\u0327", "\u0300"]))
def test_accents_never_change_the_words(text: str, mark: str) -> None:
    accented = unicodedata.normalize("NFC", "".join(c + mark if c.isalpha() else c for c in text))
    assert words(accented) == words(text)


@given(st.text(max_size=60))
def test_indexed_text_holds_the_words_a_query_for_it_looks_for(text: str) -> None:
    indexed = index_text(text).split()
    for phrase in parse_search(f'"{text.replace(chr(34), " ")}"', "me").phrases:
        assert " ".join(phrase) in " ".join(indexed)
