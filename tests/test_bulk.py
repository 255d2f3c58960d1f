"""Bulk actions on a real store: every ticket checked on its own, one summary of done and refused."""

from datetime import datetime, timezone

from sopdash.desk.bulk import act_on_each
from sopdash.clock import fixed_clock
from sopdash.core.model import Requester
from sopdash.core.policy import SlaPolicy
from sopdash.core.roster import Roster
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def test_bulk_assign_does_what_it_may_and_says_why_not(tmp_path):
    desk = Desk(TicketStore(tmp_path / "t.json", create=True), SlaPolicy.from_config({}), Roster(), "amara", fixed_clock(NOW))
    ids = [desk.create(f"ticket {n}", Requester("Ann", "ann@example.com")).id for n in range(5)]
    desk.assign(ids[1], "dana")
    desk.resolve(ids[3], "fixed")
    desk.close(ids[3])
    seen = {t.id: t.version for t in desk.tickets()}
    desk.note(ids[4], "someone else was here")  # notes land without a version check, but bump the version

    outcome = act_on_each(ids, lambda i: desk.assign(i, "dana", seen[i]), "assign to dana")

    assert outcome.done == (ids[0], ids[2])
    assert [ticket_id for ticket_id, _ in outcome.refused] == [ids[1], ids[3], ids[4]]
    assert outcome.summary().startswith(f"assign to dana: 2 of 5 done; #{ids[1]} refused: it is already assigned to dana")
    assert f"#{ids[3]} refused: it is closed" in outcome.summary()
    assert [t.assignee for t in desk.tickets()] == ["dana", "dana", "dana", "", ""]
