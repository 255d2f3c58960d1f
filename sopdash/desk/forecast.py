"""The breach forecast as the faces ask for it: the desk's working set, its policy, and who is on shift from the
roster and the presence board (`sopdash.core.forecast`)."""

from __future__ import annotations

from collections.abc import Sequence

from sopdash.core.errors import SopdashError
from sopdash.core.forecast import Forecast, forecast, on_shift, team_pace
from sopdash.core.model import Ticket
from sopdash.core.presence import Presence
from sopdash.desk.actions import Desk


def desk_forecast(desk: Desk, tickets: Sequence[Ticket] | None = None, present: Sequence[Presence] | None = None) -> Forecast:
    """The forecast now over `tickets` (default: the working set), with those `present` (default: read from the
    presence board) on shift. A presence board that cannot be read leaves the technician at the keyboard alone on shift."""
    now = desk.clock()
    tickets = desk.tickets() if tickets is None else tickets
    if present is None:
        try:
            present = desk.presence().others()
        except (OSError, SopdashError):
            present = []
    shift = on_shift(desk.roster.members, (entry.login for entry in present), desk.actor)
    return forecast(tickets, desk.policy, now, team_pace(tickets, desk.policy, now), shift)
