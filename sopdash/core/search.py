"""Full-text search, the pure part: what a typed search means, and how text is folded into the words an index holds.

A word matches the way people expect: case and accents folded (`Café` finds `cafe`; Unicode NFKD, marks dropped,
casefolded) and word forms by the Snowball English stemmer (`printers` finds `printing`). Text in double quotes is a
phrase (its words in that order); a word like `bo@example.com` is one too. Field filters (`p:high`, `a:me`, `s:…`,
`is:…`, the dashboard's filter grammar in `core/queue.py`) stay filters; every other term is text to find. Every
word and phrase must be there (in the subject, the description, the timeline, or the requester's name, address and
Cc) for a ticket to be found.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

import Stemmer

from sopdash.core.model import Requester, Ticket
from sopdash.core.privacy import mask_requester, scrub_text
from sopdash.core.queue import Query, parse_query
from sopdash.core.text import one_line, printable

FILTER_KEYS = ("p", "a", "s", "is")
MAX_LINE = 200  # the matching line shown beside a hit, in characters
_WORD = re.compile(r"\w+")
_TERM = re.compile(r'"([^"]*)"?|(\S+)')  # a quoted phrase (an unclosed quote runs to the end) or a bare term
_stemmers = threading.local()  # a Stemmer object is not to be shared between threads


def fold(text: str) -> str:
    """text with accents dropped, case folded and terminal escapes gone: `Ça Déborde` → `ca deborde`."""
    decomposed = unicodedata.normalize("NFKD", printable(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded, stemmed words of text, in order: what an index holds and a query looks for."""
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = Stemmer.Stemmer("english")
    return stemmer.stemWords(_WORD.findall(fold(text)))


def index_text(text: str) -> str:
    """text as an index keeps it: its folded, stemmed words separated by spaces."""
    return " ".join(words(text))


@dataclass(frozen=True)
class SearchQuery:
    """A typed search: the words and phrases to find (each folded and stemmed) and the field filters."""

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    filters: Query = field(default_factory=Query)
    typed: str = ""

    @property
    def has_text(self) -> bool:
        """Whether there is anything to find (else the query only filters)."""
        return bool(self.terms or self.phrases)

    @property
    def wanted(self) -> frozenset[str]:
        """Every folded, stemmed word the query looks for."""
        return frozenset(self.terms).union(*self.phrases)


def parse_search(typed: str, me: str) -> SearchQuery:
    """What typed asks for; InputError names a field filter that is not understood (`p:hgh`)."""
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    filter_terms: list[str] = []
    for match in _TERM.finditer(typed):
        quoted, bare = match.groups()
        if bare is not None and bare.partition(":")[0].casefold() in FILTER_KEYS and ":" in bare:
            filter_terms.append(bare)
            continue
        found = words(quoted if bare is None else bare)
        if len(found) == 1 and bare is not None:
            terms.append(found[0])
        elif found:
            phrases.append(tuple(found))
    return SearchQuery(tuple(dict.fromkeys(terms)), tuple(dict.fromkeys(phrases)),
                       parse_query(" ".join(filter_terms), me), typed.strip())


def fts_expression(query: SearchQuery) -> str:
    """query as an SQLite FTS5 match expression over folded, stemmed text: every word and phrase, quoted."""
    parts = [f'"{term}"' for term in query.terms] + [f'"{" ".join(phrase)}"' for phrase in query.phrases]
    return " AND ".join(parts)


def ticket_texts(ticket: Ticket) -> tuple[str, str, str]:
    """(subject, text, people) of a ticket as search sees them: text is the description and every timeline entry,
    one per line; people is the requester's name and address and the Cc addresses, if the ticket has them."""
    text = "\n".join([ticket.body, *(entry.text for entry in ticket.timeline)])
    cc = [f"{getattr(each, 'name', '')} {getattr(each, 'email', each)}" for each in getattr(ticket, "cc", ())]
    people = " ".join([ticket.requester.name, ticket.requester.email, *cc])
    return ticket.subject, text, people


def last_activity(ticket: Ticket) -> datetime:
    """When the ticket last changed: its newest timeline entry, or its creation."""
    return max([ticket.created_at, *(entry.at for entry in ticket.timeline)])


def matching_line(query: SearchQuery, subject: str, text: str) -> str:
    """The line of the description or timeline holding most of what query looks for (the subject if none holds
    any), on one line and cut to MAX_LINE cells."""
    wanted = query.wanted
    best, best_count = subject, 0
    for line in text.splitlines():
        count = len(wanted.intersection(words(line))) if line.strip() else 0
        if count > best_count:
            best, best_count = line, count
            if count == len(wanted):
                break
    return one_line(best, MAX_LINE)


@dataclass(frozen=True)
class SearchHit:
    """One ticket a search found: what a result list shows of it."""

    id: int
    subject: str
    status: str
    archived: bool
    line: str
    requester: Requester
    changed_at: datetime


def masked_hit(hit: SearchHit) -> SearchHit:
    """hit with its requester masked, in its fields and in the subject and matching line (privacy mode)."""
    requester = hit.requester
    return SearchHit(hit.id, scrub_text(hit.subject, requester), hit.status, hit.archived,
                     scrub_text(hit.line, requester), mask_requester(requester), hit.changed_at)
