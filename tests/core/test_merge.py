"""Merging two tickets (core/merge.py) and linking them (core/links.py): pure, no store."""

from datetime import datetime, timedelta, timezone

import pytest

from sopdash.core import links, merge, rules
from sopdash.core.chain import seal, ticket_problems
from sopdash.core.clocks import ticket_clocks
from sopdash.core.errors import RuleRefused
from sopdash.core.model import Link, Requester, Ticket
from sopdash.core.policy import SlaPolicy

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)
POLICY = SlaPolicy.from_config({"calendar": {"timezone": "UTC"}})


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ticket(ticket_id: int, created: int, subject: str = "Printer down", email: str = "ann@example.com") -> Ticket:
    return seal(rules.create(ticket_id, subject, Requester("Ann", email), at(created), "amara"), None)


def test_a_merge_only_adds_to_both_timelines():
    source = rules.note(ticket(5, 0), "amara", at(20), "tried a new cartridge")
    target = rules.note(ticket(6, 10), "amara", at(30), "floor 3 too")
    closed, joined = merge.merge(source, target, "bob", at(40))
    assert closed.timeline[: len(source.timeline)] == source.timeline
    assert joined.timeline[: len(target.timeline)] == target.timeline
    assert [entry.text for entry in joined.timeline[len(target.timeline):]] == [
        "merged #5 into this ticket: its history is shown here, marked from #5"]
    assert all(entry.at == at(40) and entry.author == "bob" for entry in closed.timeline[len(source.timeline):])
    assert joined.links == (Link("merged-from", 5),) and closed.links == (Link("merged-into", 6),)


def test_the_source_passes_the_close_gate_as_a_duplicate_and_its_client_is_told_where_it_went():
    closed, _ = merge.merge(ticket(5, 0), ticket(6, 10), "bob", at(40))
    assert (closed.status, closed.resolution, closed.closed_at) == ("closed", "merged into #6 as a duplicate", at(40))
    notice = [entry for entry in closed.timeline if entry.kind == "public"]
    assert len(notice) == 1 and "handling both together as #6" in notice[0].text
    assert closed.client_notified_at == at(40)
    assert closed.timeline[-1].text == "closed: merged into #6 (Printer down)" and closed.merged_into == 6
    assert merge.merged_duplicate(closed)


def test_a_resolved_source_whose_client_was_told_keeps_its_resolution_and_is_closed():
    source = rules.resolve(ticket(5, 0), "amara", at(10), "Reseated the tray.")
    closed, _ = merge.merge(source, ticket(6, 10), "bob", at(40))
    assert (closed.status, closed.resolution) == ("closed", "Reseated the tray.")
    assert len([entry for entry in closed.timeline if entry.kind == "public"]) == 1


def test_the_shown_history_interleaves_the_sources_entries_in_time_order_marked_with_their_origin():
    source = rules.note(ticket(5, 0), "amara", at(20), "tried a new cartridge")
    target = rules.note(ticket(6, 10), "amara", at(30), "floor 3 too")
    closed, joined = merge.merge(source, target, "bob", at(40))
    shown = merge.joined(joined, [closed])
    texts = [(entry.text, entry.origin) for entry in shown.timeline]
    assert texts[:4] == [("ticket created", 5), ("ticket created", 0), ("tried a new cartridge", 5), ("floor 3 too", 0)]
    assert merge.joined(joined, []) is joined


def test_the_target_counts_from_the_earlier_creation_and_stops_at_the_earlier_acknowledgement():
    source = rules.acknowledge(ticket(5, 0), "amara", at(5), "We have it.")
    _, joined = merge.merge(source, ticket(6, 60), "bob", at(90))
    assert (joined.created_at, joined.clock_start, joined.acknowledged_at) == (at(60), at(0), None)
    assert joined.clock_acknowledged_at == at(5) and joined.status == "new"
    clocks = ticket_clocks(joined, POLICY, at(90))
    assert clocks.ack.state == "met"
    later = merge.merge(ticket(5, 120), ticket(6, 60), "bob", at(130))[1]
    assert later.clock_start == at(60) and later.reported_at is None and later.merged_acknowledged_at is None


def test_both_tickets_stay_sealed_where_a_store_seals_them():
    source, target = ticket(5, 0), ticket(6, 10)
    closed, joined = merge.merge(source, target, "bob", at(40))
    assert ticket_problems(seal(closed, source)) == [] and ticket_problems(seal(joined, target)) == []


@pytest.mark.parametrize(
    ("source", "target", "reason"),
    [
        (ticket(5, 0), ticket(5, 0), "cannot be merged into itself"),
        (ticket(5, 0), ticket(6, 0).evolve(status="closed"), "#6 is closed"),
        (ticket(5, 0).evolve(status="closed", links=(Link("merged-into", 9),)), ticket(6, 0), "already merged into #9"),
        (ticket(5, 0).evolve(status="closed"), ticket(6, 0), "#5 is closed"),
    ],
)
def test_a_merge_is_refused_with_the_reason(source, target, reason):
    with pytest.raises(RuleRefused, match=reason):
        merge.merge(source, target, "bob", at(40))


def test_a_merged_ticket_is_not_reopened():
    closed, _ = merge.merge(ticket(5, 0), ticket(6, 10), "bob", at(40))
    with pytest.raises(RuleRefused, match="merged into #6"):
        rules.reopen(closed, "bob", at(50))


def test_links_go_both_ways_with_an_event_on_each_end_and_unlink_takes_both_away():
    outage, printer = ticket(1, 0, "Network outage"), ticket(2, 5)
    outage, printer = links.link(outage, "child", printer, "bob", at(10))
    assert outage.links == (Link("child", 2),) and printer.links == (Link("parent", 1),)
    assert outage.timeline[-1].text == "linked: parent of #2" and printer.timeline[-1].text == "linked: child of #1"
    assert links.children(outage) == [2]
    outage, printer = links.unlink(outage, printer, "bob", at(20))
    assert outage.links == () and printer.links == ()


@pytest.mark.parametrize("kind", ["related", "parent"])
def test_a_second_link_between_the_same_tickets_is_refused(kind):
    one, two = links.link(ticket(1, 0), "related", ticket(2, 0), "bob", at(1))
    with pytest.raises(RuleRefused, match="already related to #2"):
        links.link(one, kind, two, "bob", at(2))


def test_a_ticket_has_one_parent_and_a_merge_is_not_unlinked():
    one, _ = links.link(ticket(1, 0), "parent", ticket(2, 0), "bob", at(1))
    with pytest.raises(RuleRefused, match="has a parent already"):
        links.link(one, "parent", ticket(3, 0), "bob", at(2))
    source, target = merge.merge(ticket(5, 0), ticket(6, 0), "bob", at(3))
    with pytest.raises(RuleRefused, match="a merge is not undone"):
        links.unlink(source, target, "bob", at(4))
