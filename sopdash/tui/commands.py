"""The command palette (`ctrl+p`): every dashboard action, and "go to" any loaded ticket, by fuzzy search.

The actions are listed above ticket jumps (a typed ticket number still comes first); Textual's own commands are
not offered (`SopdashApp.get_system_commands`).
"""

from __future__ import annotations

import asyncio
import heapq
import math
import re
from collections.abc import Callable, Sequence
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from sopdash.core.text import one_line

# Fuzzy scoring is slow (a 50,000-ticket store would take seconds per key), so only the first tickets that can
# match, in the queue's order, are scored, and only the best are listed; an exact ticket number always is.
TICKET_HITS = 20
ACTIONS_FIRST = 1_000.0
"""Added to a dashboard action's score: "assign" lists the assign command above any ticket whose subject matches."""
SCORED_TICKETS = 1000
_YIELD_EVERY = 2000

PaletteAction = tuple[str, str, Callable[[], object]]


class PaletteHost(Protocol):
    """What the palette needs from the screen it was opened on (the dashboard)."""

    def palette_actions(self) -> Sequence[PaletteAction]:
        """Every action as (title, help, callable), in the order to list them."""
        ...

    def palette_tickets(self) -> Sequence[tuple[int, str]]:
        """Every loaded ticket as (id, subject as the queue shows it — masked in privacy mode), in queue order."""
        ...

    def goto_ticket(self, ticket_id: int) -> None:
        """Select and open the ticket."""
        ...


def literal_highlight(matcher: Matcher, candidate: str) -> Content:
    """`candidate` as literal content with the matched letters styled (Matcher.highlight would parse it as markup)."""
    content = Content(candidate)
    _, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _could_match(query: str) -> re.Pattern[str]:
    """A fast test that every letter of `query` appears in order, before the slower fuzzy score."""
    return re.compile(".*?".join(re.escape(char) for char in query), re.IGNORECASE | re.DOTALL)


class DashboardCommands(Provider):
    """Dashboard actions and ticket jumps for Textual's command palette.

    Prompts and help are `Content`, never `str`: the palette parses a `str` as markup.
    """

    _tickets: dict[int, str]  # id -> "#id subject", read once when the palette opens

    @property
    def host(self) -> PaletteHost:
        return cast(PaletteHost, self.screen)

    async def startup(self) -> None:
        """Read the tickets once per palette, not once per key."""
        tickets = self.host.palette_tickets()
        self._tickets = {ticket_id: f"#{ticket_id} {one_line(subject)}" for ticket_id, subject in tickets}

    async def discover(self) -> Hits:
        for title, help_text, callback in self.host.palette_actions():
            yield DiscoveryHit(Content(title), callback, text=title, help=Content(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.host.palette_actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    ACTIONS_FIRST + score, literal_highlight(matcher, title), callback, text=title, help=Content(help_text)
                )
        for hit in await self._ticket_hits(matcher):
            yield hit

    async def _ticket_hits(self, matcher: Matcher) -> list[Hit]:
        could_match = _could_match(matcher.query)
        number = matcher.query.strip().lstrip("#")
        exact = int(number) if number.isdigit() and int(number) in self._tickets else None
        candidates = [] if exact is None else [(exact, self._tickets[exact])]
        for count, (ticket_id, candidate) in enumerate(self._tickets.items(), start=1):
            if len(candidates) >= SCORED_TICKETS:
                break
            if count % _YIELD_EVERY == 0:
                await asyncio.sleep(0)
            if ticket_id != exact and could_match.search(candidate):
                candidates.append((ticket_id, candidate))
        scored = [
            (math.inf if ticket_id == exact else matcher.match(candidate), ticket_id, candidate)
            for ticket_id, candidate in candidates
        ]
        return [
            Hit(
                score,
                Content("Go to ticket ") + literal_highlight(matcher, candidate),
                self._goto(ticket_id),
                text=f"Go to ticket {candidate}",
                help=Content(f"Open ticket #{ticket_id}"),
            )
            for score, ticket_id, candidate in heapq.nlargest(TICKET_HITS, scored)
            if score > 0
        ]

    def _goto(self, ticket_id: int) -> Callable[[], None]:
        return lambda: self.host.goto_ticket(ticket_id)
