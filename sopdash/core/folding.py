"""Text folded for matching phrases a person typed: case and accents folded, apostrophes and spaces made one kind."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_SPACES = re.compile(r"\s+")


def folded(text: str) -> str:
    """text lower-cased (casefold), without accents, with one kind of apostrophe and single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_APOSTROPHES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", bare)


def phrase_pattern(phrases: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern that finds any of the phrases (folded) as whole words in folded text; None for no phrases."""
    words = sorted({folded(phrase).strip() for phrase in phrases if phrase.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(word) for word in words) + r")(?!\w)")
