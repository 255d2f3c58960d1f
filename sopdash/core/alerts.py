"""Breach alerts: which clocks a technician is alerted about, and which changes of state raise an alert.

An alert is raised when a watched clock *enters* `warning` (at risk) or `breached`; a clock that stays
in that state raises nothing more, and the first look (a dashboard starting) only sets the baseline.
Pure: the caller keeps the previous states and passes them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from sopdash.core.clocks import BREACHED, WARNING, TicketClocks
from sopdash.core.model import Ticket

ALERT_SCOPES = ("mine", "all", "off")
ALERTING_STATES = (WARNING, BREACHED)
CLOCK_NAMES = {"ack": "acknowledgement", "resolution": "resolution"}

ClockKey = tuple[int, str]  # (ticket id, "ack" | "resolution")


class ClockAlert(NamedTuple):
    """A watched clock that just went at risk or breached."""

    ticket_id: int
    clock: str
    state: str

    def message(self, subject: str) -> str:
        """The one line a technician reads: `#12 resolution breached: VPN drops`."""
        what = "at risk" if self.state == WARNING else "breached"
        return f"#{self.ticket_id} {CLOCK_NAMES[self.clock]} {what}: {subject}"


def watched(ticket: Ticket, scope: str, me: str) -> bool:
    """Whether `me` is alerted about this ticket's clocks: `mine` is theirs and unassigned ones, `all` every one."""
    if scope == "all":
        return True
    return scope == "mine" and ticket.assignee in ("", me)


def clock_states(rows: Iterable[tuple[Ticket, TicketClocks]], scope: str, me: str) -> dict[ClockKey, str]:
    """The state of every watched clock."""
    states: dict[ClockKey, str] = {}
    if scope == "off":
        return states
    for ticket, clocks in rows:
        if watched(ticket, scope, me):
            states[(ticket.id, "ack")] = clocks.ack.state
            states[(ticket.id, "resolution")] = clocks.resolution.state
    return states


def new_alerts(previous: Mapping[ClockKey, str] | None, current: Mapping[ClockKey, str]) -> list[ClockAlert]:
    """Clocks that entered an alerting state since `previous` (None: the first look, which alerts nothing).

    A clock not watched before (a new ticket, one just assigned to you) sets its baseline silently.
    """
    if previous is None:
        return []
    return [
        ClockAlert(ticket_id, clock, state)
        for (ticket_id, clock), state in current.items()
        if state in ALERTING_STATES and previous.get((ticket_id, clock), state) != state
    ]
