"""SOP 6B by reply: the client's answer to a resolution notice, read from their own words.

The resolution notice asks the client to reply with a score from 1 to 5, or to say if it is not fixed
(`templates.SATISFACTION_INVITATION`). When a client's mail lands on a resolved ticket, `answer` reads it: a score
(`5, thanks`, `2/5`), words that say it is not fixed, or words that say they are unhappy, from phrase lists per
language in the desk's `[satisfaction]` settings (English by default), matched with case and accents folded.
Only the client's own words count: quoted lines (`>`) are skipped, and intake has already folded quoted history.
A low score (1–2) or unhappy words raise the manager flag with reason `unsatisfied`; "not fixed" also reopens;
a score lands on the ticket (`Ticket.satisfaction`) and changes nothing else. No link is ever asked to be clicked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from sopdash.core import rules
from sopdash.core.config_table import decode_table
from sopdash.core.errors import ConfigError
from sopdash.core.folding import folded, phrase_pattern
from sopdash.core.model import Satisfaction, Ticket, TimelineEntry

LOW_SCORES = (1, 2)

NOT_FIXED = {
    "en": [
        "not fixed", "isn't fixed", "is not fixed", "still broken", "still not working", "still isn't working",
        "still doesn't work", "still does not work", "doesn't work", "does not work", "not resolved",
        "still happening", "same problem",
    ],
}
UNHAPPY = {"en": ["unhappy", "not happy", "not satisfied", "dissatisfied", "disappointed"]}

# A score opens the reply's first line ("5", "5, thanks", "4/5", "3 out of 5", "5 stars") or is written as "N/5".
_OPENING_SCORE = re.compile(
    r"^\s*([1-5])\s*(?:(?:/|out of|of)\s*5\b|stars?\b|[,.!:;)\-]|$|\s+(?:thanks?|thank you|merci|danke|gracias)\b)"
)
_SCORE_OF_FIVE = re.compile(r"(?<![\w.])([1-5])\s*(?:/|out of)\s*5(?!\d|\.\d)")


class _Table(msgspec.Struct, forbid_unknown_fields=True):
    not_fixed: dict[str, list[str]] = {}
    unhappy: dict[str, list[str]] = {}


@dataclass(frozen=True)
class SatisfactionPhrases:
    """The words that say "not fixed" and "unhappy", per language (English by default, the desk's added)."""

    not_fixed: Mapping[str, tuple[str, ...]]
    unhappy: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> SatisfactionPhrases:
        """`[satisfaction]`: `not_fixed.LANG` and `unhappy.LANG` lists; a language given replaces that default."""
        read = decode_table(table, _Table, "satisfaction")
        for key, lists in (("not_fixed", read.not_fixed), ("unhappy", read.unhappy)):
            for language, phrases in lists.items():
                if not any(phrase.strip() for phrase in phrases):
                    raise ConfigError(f"satisfaction.{key}.{language}", "give at least one phrase")
        return cls(
            {lang: tuple(p) for lang, p in {**NOT_FIXED, **read.not_fixed}.items()},
            {lang: tuple(p) for lang, p in {**UNHAPPY, **read.unhappy}.items()},
        )

    def patterns(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """(not fixed, unhappy): each finds a phrase of any language in folded text."""
        return (
            phrase_pattern([p for phrases in self.not_fixed.values() for p in phrases]),
            phrase_pattern([p for phrases in self.unhappy.values() for p in phrases]),
        )


DEFAULT_PHRASES = SatisfactionPhrases.from_config({})


@dataclass(frozen=True)
class Answer:
    """What a client's reply to a resolution says: a score (None: none given), not fixed, unhappy."""

    score: int | None = None
    not_fixed: bool = False
    unhappy: bool = False

    @property
    def said_anything(self) -> bool:
        return self.score is not None or self.not_fixed or self.unhappy

    @property
    def unsatisfied(self) -> bool:
        """SOP 6B: a manager must know."""
        return self.not_fixed or self.unhappy or self.score in LOW_SCORES

    def why(self) -> str:
        """The escalation note: what the client said, in a few words."""
        parts = [f"scored {self.score} of 5"] if self.score is not None else []
        parts += ["says it is not fixed"] * self.not_fixed + ["says they are unhappy"] * self.unhappy
        return "client " + " and ".join(parts) + " (in reply to the resolution)"


def own_words(text: str) -> str:
    """The client's text without quoted lines (those starting with `>`)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def answer(text: str, phrases: SatisfactionPhrases = DEFAULT_PHRASES) -> Answer:
    """What the client's own words in a reply say about the resolution."""
    words = own_words(text)
    first_line = next((line for line in words.splitlines() if line.strip()), "")
    opening = _OPENING_SCORE.match(first_line)
    anywhere = opening or _SCORE_OF_FIVE.search(words)
    score = int(anywhere.group(1)) if anywhere else None
    plain = folded(words)
    not_fixed, unhappy = phrases.patterns()
    return Answer(
        score=score,
        not_fixed=bool(not_fixed and not_fixed.search(plain)),
        unhappy=bool(unhappy and unhappy.search(plain)),
    )


def answered(ticket: Ticket, actor: str, now: datetime, said: Answer) -> Ticket:
    """A resolved ticket (the client's reply already on it) with the client's answer taken: the score recorded,
    reopened where they say it is not fixed, the manager flag raised (`unsatisfied`) where they are not satisfied."""
    changed = ticket
    if said.score is not None:
        changed = record_score(changed, actor, now, said.score)
    if said.not_fixed:
        changed = rules.reopen(changed, actor, now)
    if said.unsatisfied and not changed.needs_manager:
        changed = rules.record_escalation(changed, actor, now, "unsatisfied", said.why())
    return changed


def record_score(ticket: Ticket, actor: str, now: datetime, score: int) -> Ticket:
    """The client's score on the ticket, with an audit event."""
    before = ticket.satisfaction.score if ticket.satisfaction is not None else None
    event = TimelineEntry(at=now, author=actor, kind="event", text=f"client scored the resolution {score} of 5",
                          change={"satisfaction": [before, score]})
    return ticket.evolve(satisfaction=Satisfaction(score=score, at=now), timeline=ticket.timeline + (event,))
