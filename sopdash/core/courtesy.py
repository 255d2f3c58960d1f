"""SOP 2A/4A: advice on a public reply before it is sent — shouting, blame or dismissive phrases, no greeting or sign-off.

One pass over the text each (linear in its length): words are read once for shouting, the phrases of the desk's
`[courtesy]` settings are found by one pattern on the folded text, and only the first and last lines are read for
the greeting and the sign-off. The CLI refuses a reply with advice unless `--force` (audited, like SOP 5A); the
dashboard shows the advice as the technician writes and sends anyway, audited the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from sopdash.core.config_table import decode_table, whole_number
from sopdash.core.errors import RuleRefused
from sopdash.core.folding import folded, phrase_pattern

SHOUTING = "shouting"
PHRASE = "blame or dismissive phrase"
NO_GREETING = "no greeting"
NO_SIGN_OFF = "no sign-off"

PHRASES = (
    "as I already said", "as I said before", "as previously stated", "you should have", "you should've",
    "obviously", "calm down", "not our problem", "user error", "your fault", "read the manual", "RTFM",
    "we told you", "like I said", "for the last time", "per my last email", "I already told you",
)
GREETINGS = (
    "hello", "hi", "hey", "dear", "good morning", "good afternoon", "good evening", "greetings",
    "bonjour", "hallo", "guten tag", "hola", "buongiorno",
)
SIGN_OFFS = (
    "thank you", "thanks", "regards", "best", "best wishes", "sincerely", "cheers", "kind regards",
    "have a nice day", "have a good day", "take care", "let us know", "let me know", "we will keep you updated",
    "merci", "danke", "gracias", "grazie", "cordialement", "gruss", "saludos",
)
SHOUTING_LETTERS = 12  # an all-caps run of at least this many letters over two or more words is shouting
_SIGN_OFF_LINES = 4
_EDGE = 2000  # characters read at each end for the greeting and the sign-off
_EXCERPT = 40
_WORD = re.compile(r"[^\W\d_]+")
# "— Bo", "-- Dana Lee" ending the text: a signed name is a sign-off
_SIGNATURE = re.compile(r"(?:^|\s)(?:--|[-—–])\s*[^\W\d_]+(?:[ .][^\W\d_]+){0,2}\.?\s*$")


class _Table(msgspec.Struct, forbid_unknown_fields=True):
    phrases: list[str] | None = None
    greetings: list[str] | None = None
    sign_offs: list[str] | None = None
    shouting_letters: int = SHOUTING_LETTERS


@dataclass(frozen=True)
class CourtesyRules:
    """What the check looks for: the desk's phrases, greetings and sign-offs (each replacing the default list)."""

    phrases: tuple[str, ...] = PHRASES
    greetings: tuple[str, ...] = GREETINGS
    sign_offs: tuple[str, ...] = SIGN_OFFS
    shouting_letters: int = SHOUTING_LETTERS
    _patterns: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> CourtesyRules:
        """`[courtesy]`: `phrases`, `greetings`, `sign_offs` lists and `shouting_letters`."""
        read = decode_table(table, _Table, "courtesy")
        whole_number(read.shouting_letters, "courtesy.shouting_letters", 4, 1000)
        return cls(
            tuple(PHRASES if read.phrases is None else read.phrases),
            tuple(GREETINGS if read.greetings is None else read.greetings),
            tuple(SIGN_OFFS if read.sign_offs is None else read.sign_offs),
            read.shouting_letters,
        )

    def pattern(self, which: str) -> re.Pattern[str] | None:
        """The folded pattern of `phrases`, `greetings` or `sign_offs`, made once."""
        if which not in self._patterns:
            self._patterns[which] = phrase_pattern(getattr(self, which))
        return self._patterns[which]


DEFAULT_RULES = CourtesyRules()


@dataclass(frozen=True, slots=True)
class Advice:
    """One thing to reconsider before sending: its kind, and the words it is about (empty for what is missing)."""

    kind: str
    excerpt: str = ""

    def line(self) -> str:
        return f"{self.kind} “{self.excerpt}”" if self.excerpt else self.kind


class Discourteous(RuleRefused):
    """SOP 2A/4A advised against sending a reply as written (see `advice`)."""

    def __init__(self, message: str, advice: list[Advice]) -> None:
        super().__init__(message)
        self.advice = advice


def advise(text: str, rules: CourtesyRules = DEFAULT_RULES) -> list[Advice]:
    """Everything the SOP's courtesy advises on in `text`: shouting, blame or dismissive phrases, a missing greeting
    or sign-off."""
    if not text.strip():
        return []
    advice = [*_shouting(text, rules.shouting_letters), *_phrases(text, rules)]
    lines = [line for line in _edges(text) if line.strip()]
    greetings, sign_offs = rules.pattern("greetings"), rules.pattern("sign_offs")
    if greetings is not None and not greetings.match(folded(lines[0]).strip()):
        advice.append(Advice(NO_GREETING))
    ending = lines[-_SIGN_OFF_LINES:]
    signed = bool(_SIGNATURE.search(lines[-1]))
    if sign_offs is not None and not signed and not any(sign_offs.search(folded(line)) for line in ending):
        advice.append(Advice(NO_SIGN_OFF))
    return advice


def check_courtesy(text: str, rules: CourtesyRules, allowed: bool, action: str) -> list[Advice]:
    """Raise Discourteous naming the advice, unless allowed; with `allowed` the advice comes back for the audit."""
    advice = advise(text, rules)
    if advice and not allowed:
        raise Discourteous(f"cannot {action}: it may not read as courteous (SOP 2A/4A): {describe(advice)}", advice)
    return advice


def describe(advice: list[Advice]) -> str:
    return ", ".join(item.line() for item in advice)


def kinds_of(advice: list[Advice]) -> str:
    return ", ".join(dict.fromkeys(item.kind for item in advice))


def _edges(text: str) -> list[str]:
    """The first non-blank line and the last few lines: all the greeting and sign-off checks read."""
    head = text[:_EDGE].lstrip()
    first = head.split("\n", 1)[0]
    tail = text[-_EDGE:].rstrip().splitlines()[-_SIGN_OFF_LINES:]
    return [first, *tail]


def _shouting(text: str, least: int) -> list[Advice]:
    """All-caps runs of two words or more with at least `least` letters."""
    found, run, letters, start, end = [], 0, 0, 0, 0
    for word in _WORD.finditer(text):
        if word.group().isupper() and len(word.group()) == 1:  # "I", "A": neither shouting nor an end to it
            continue
        if word.group().isupper():
            if run == 0:
                start = word.start()
            run, letters, end = run + 1, letters + len(word.group()), word.end()
            continue
        if run >= 2 and letters >= least:
            found.append(Advice(SHOUTING, _excerpt(text[start:end])))
        run = letters = 0
    if run >= 2 and letters >= least:
        found.append(Advice(SHOUTING, _excerpt(text[start:end])))
    return found


def _phrases(text: str, rules: CourtesyRules) -> list[Advice]:
    pattern = rules.pattern("phrases")
    if pattern is None:
        return []
    seen = dict.fromkeys(match.group() for match in pattern.finditer(folded(text)))
    return [Advice(PHRASE, phrase) for phrase in seen]


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"
