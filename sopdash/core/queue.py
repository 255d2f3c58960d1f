"""Which tickets the queue shows, and in what order (the dashboard and `sopdash ticket list` alike): the filter grammar, the quick views and the sort keys.

Filter grammar (`/`): space-separated terms, all of which must match —
`p:high` priority, `a:me` / `a:none` / `a:LOGIN` assignee, `s:waiting` status (`s:all` for any),
`o:acme` / `o:none` the requester's organisation (its key, or a prefix of it),
`is:breached|at-risk|breaching|escalated|manager|unacked|untriaged`, anything else is free text
matched against id, subject and requester. Values may be prefixes (`p:u`) and lists (`p:high,urgent`).
A quick view is a named filter; the filter typed on top of it wins where both say something.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Sequence

from sopdash.core.clocks import BREACHED, WARNING, TicketClocks
from sopdash.core.errors import InputError
from sopdash.core.model import OPEN_STATUSES, PRIORITIES, STATUSES, Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.roster import ME
from sopdash.core.board import Board, Moment, Row, is_new

FLAGS = ("breached", "at-risk", "breaching", "escalated", "manager", "unacked", "untriaged")
SORT_KEYS = ("urgency", "id", "priority", "updated", "requester")
KEYS_HELP = "p:PRIORITY a:me|none|LOGIN s:STATUS|all is:FLAG text"
KEYS_HELP_SHORT = ("p:PRIORITY a:me|LOGIN s:STATUS is:FLAG text", "p: a: s: is: text")
"""Shorter forms of KEYS_HELP, for a narrow screen."""


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed filter; `None` fields do not restrict."""

    priorities: frozenset[str] | None = None
    assignees: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    flags: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()
    organisations: frozenset[str] | None = None  # casefolded keys or prefixes; "" for none

    def over(self, base: Query) -> Query:
        """This query on top of `base`: its own restrictions replace base's, flags and words add up."""
        return Query(
            priorities=self.priorities if self.priorities is not None else base.priorities,
            assignees=self.assignees if self.assignees is not None else base.assignees,
            statuses=self.statuses if self.statuses is not None else base.statuses,
            flags=base.flags | self.flags,
            words=base.words + self.words,
            organisations=self.organisations if self.organisations is not None else base.organisations,
        )

    @property
    def includes_closed(self) -> bool:
        """Whether closed tickets can pass: then the queue needs the store's archive, not only its live tickets."""
        return self.statuses is None or "closed" in self.statuses

    def matches(self, row: Row, moment: Moment) -> bool:
        """Whether the ticket in `row` passes every term at `moment`."""
        ticket = row.ticket
        if self.statuses is not None and ticket.status not in self.statuses:
            return False
        if self.priorities is not None and ticket.priority not in self.priorities:
            return False
        if self.assignees is not None and ticket.assignee not in self.assignees:
            return False
        if any(word not in row.haystack for word in self.words):
            return False
        if self.organisations is not None and not _in_organisation(row.organisations, self.organisations):
            return False
        return all(FLAG_TESTS[flag](row, moment) for flag in self.flags)


def _in_organisation(keys: tuple[str, ...], wanted: frozenset[str]) -> bool:
    if not keys:
        return "" in wanted
    return any(key.casefold().startswith(word) for key in keys for word in wanted if word)


def _states(row: Row, moment: Moment) -> set[str]:
    return {state for state, _ in row.states(moment)} if row.ticket.is_open else set()


FLAG_TESTS: dict[str, Callable[[Row, Moment], bool]] = {
    "breached": lambda row, moment: BREACHED in _states(row, moment),
    "at-risk": lambda row, moment: WARNING in _states(row, moment) and BREACHED not in _states(row, moment),
    "breaching": lambda row, moment: bool({WARNING, BREACHED} & _states(row, moment)),
    "escalated": lambda row, moment: row.ticket.is_escalated,
    "manager": lambda row, moment: row.ticket.needs_manager,
    "unacked": lambda row, moment: is_new(row.ticket),
    "untriaged": lambda row, moment: not row.ticket.triaged,
}


def _choose(value: str, choices: Sequence[str], what: str) -> str:
    """The choice `value` names exactly or as an unambiguous prefix."""
    if value in choices:
        return value
    found = [choice for choice in choices if choice.startswith(value)]
    if len(found) != 1:
        raise InputError(f"filter: {what} {value!r} is not one of {', '.join(choices)}")
    return found[0]


def _values(value: str, what: str) -> list[str]:
    values = [v for v in value.split(",") if v]
    if not values:
        raise InputError(f"filter: {what} needs a value, e.g. {what}:…")
    return values


def parse_query(text: str, me: str) -> Query:
    """The query typed in the filter bar; InputError names the term that is not understood."""
    query = Query()
    for term in text.split():
        key, colon, value = term.partition(":")
        key = key.casefold()
        if not colon or key not in ("p", "a", "s", "o", "is"):
            query = replace(query, words=query.words + (term.casefold(),))
        elif key == "p":
            chosen = frozenset(_choose(v.casefold(), PRIORITIES, "priority") for v in _values(value, "p"))
            query = replace(query, priorities=chosen)
        elif key == "a":
            logins = {"" if v.casefold() == "none" else me if v.casefold() == ME else v for v in _values(value, "a")}
            query = replace(query, assignees=frozenset(logins))
        elif key == "o":
            words = {"" if v.casefold() == "none" else v.casefold() for v in _values(value, "o")}
            query = replace(query, organisations=frozenset(words))
        elif key == "s":
            values = [v.casefold() for v in _values(value, "s")]
            statuses = STATUSES if "all" in values else (_choose(v, STATUSES, "status") for v in values)
            query = replace(query, statuses=frozenset(statuses))
        else:
            flags = {_choose(v.casefold(), FLAGS, "is:") for v in _values(value, "is")}
            query = replace(query, flags=query.flags | flags)
    return query


@dataclass(frozen=True, slots=True)
class View:
    """A quick view: a named filter the queue starts from."""

    name: str
    title: str
    filter_text: str


_OPEN = "s:" + ",".join(OPEN_STATUSES)
# Resolved tickets stay in the working views: the SOP still asks for the client's notice and the close.
_NOT_CLOSED = _OPEN + ",resolved"
VIEWS = (
    View("open", "not closed", _NOT_CLOSED),
    View("mine", "mine", f"{_NOT_CLOSED} a:me"),
    View("unassigned", "unassigned", f"{_OPEN} a:none"),
    View("new", "new", f"{_OPEN} is:unacked"),  # as the header counts them: see `is_new`
    View("breaching", "breaching", f"{_OPEN} is:breaching"),
    View("waiting", "waiting on client", "s:waiting"),
    View("escalated", "escalated", f"{_OPEN} is:escalated"),
    View("all", "all, closed too", "s:all"),
)
DEFAULT_VIEW = VIEWS[0]


def view_named(name: str) -> View:
    """The quick view called `name`."""
    return next(view for view in VIEWS if view.name == name)


@dataclass(frozen=True, slots=True)
class Ordering:
    """A sort key and its direction."""

    key: str = "urgency"
    reverse: bool = False

    def next_key(self) -> Ordering:
        """The next sort key, in its natural direction."""
        return Ordering(SORT_KEYS[(SORT_KEYS.index(self.key) + 1) % len(SORT_KEYS)])

    def reversed(self) -> Ordering:
        return Ordering(self.key, not self.reverse)

    def label(self) -> str:
        return f"{self.key} {'↑' if self.reverse else '↓'}"


def _sort_key(key: str, moment: Moment) -> Callable[[Row], tuple]:
    """The natural order of each sort key: most urgent, newest id, highest priority, latest update, A to Z."""
    if key == "urgency":
        return lambda row: (*row.urgency(moment), row.ticket.id)
    if key == "id":
        return lambda row: (-row.ticket.id,)
    if key == "priority":
        return lambda row: (PRIORITIES.index(row.ticket.priority), *row.urgency(moment), row.ticket.id)
    if key == "updated":
        return lambda row: (-row.updated_s, -row.ticket.id)
    return lambda row: (row.ticket.requester.name.casefold(), row.ticket.requester.email.casefold(), row.ticket.id)


@dataclass(frozen=True, slots=True)
class Arrangement:
    """The rows the queue shows, in order, and where each ticket id sits."""

    rows: tuple[Row, ...] = ()
    index: dict[int, int] = field(default_factory=dict)
    total: int = 0


def arrange(board: Board, query: Query, ordering: Ordering, moment: Moment) -> Arrangement:
    """The board's rows that match `query`, sorted by `ordering` at `moment`."""
    rows = [row for row in board.rows if query.matches(row, moment)]
    rows.sort(key=_sort_key(ordering.key, moment), reverse=ordering.reverse)
    return Arrangement(tuple(rows), {row.ticket.id: i for i, row in enumerate(rows)}, len(board.rows))


OPEN_ONLY = Query(statuses=frozenset(OPEN_STATUSES))


def most_urgent_first(
    tickets: Sequence[Ticket], policy: SlaPolicy, now: datetime, query: Query = OPEN_ONLY
) -> list[tuple[Ticket, TicketClocks]]:
    """The tickets `query` picks, with their clocks at `now`, in the queue's default (urgency) order."""
    board = Board.load(tickets, policy, now)
    moment = board.moment(now)
    return [(row.ticket, row.clocks(moment)) for row in arrange(board, query, Ordering(), moment).rows]
