"""Merging two tickets (core/merge.py) and linking them (core/links.py): pure, no store."""

from datetime import datetime, timedelta, timezone

import pytest

from sopdash.core import links, merge, rules
from sopdash.core.chain import seal, ticket_problems
from sopdash.core.clocks import ticket_clocks
from sopdash.core.errors import RuleRefused
from sopdash.core.model import Delivery, Link, Requester, Ticket
from sopdash.core.policy import SlaPolicy

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ticket(ticket_id: int, created: int, subject: str = "Printer down", email: str = "ann@example.com") -> Ticket:
    return seal(rules.create(ticket_id, subject, Requester("Ann", email), at(created), "amara"), None)


def test_the_sources_entries_join_the_target_in_time_order_marked_with_their_origin():
    source = rules.note(ticket(5, 0), "amara", at(20), "tried a new cartridge")
    target = rules.note(ticket(6, 10), "amara", at(30), "floor 3 too")
    closed, joined = merge.merge(source, target, "bob", at(40))
    texts = [(entry.text, entry.origin) for entry in joined.timeline]
    assert texts[:4] == [("ticket created", 5), ("ticket created", 0), ("tried a new cartridge", 5), ("floor 3 too", 0)]
    assert texts[-1][0].startswith("merged #5 into this ticket: 2 entries from #5")
    assert all(entry.change is None for entry in joined.timeline if entry.origin)  # the clocks read only its own
    assert joined.links == (Link("merged-from", 5),) and closed.links == (Link("merged-into", 6),)


def test_the_source_closes_as_merged_not_resolved_and_its_own_timeline_stays_whole():
    source = ticket(5, 0)
    closed, _ = merge.merge(source, ticket(6, 10), "bob", at(40))
    assert (closed.status, closed.closed_at, closed.resolved_at, closed.resolution) == ("closed", at(40), None, "")
    assert closed.timeline[: len(source.timeline)] == source.timeline
    assert closed.timeline[-1].text == "merged into #6 (Printer down)" and closed.merged_into == 6
    assert merge.merged_duplicate(closed)


def test_the_target_counts_from_the_earlier_creation_and_acknowledgement():
    source = rules.acknowledge(ticket(5, 0), "amara", at(5), "We have it.")
    target = ticket(6, 60)
    _, joined = merge.merge(source, target, "bob", at(90))
    assert (joined.created_at, joined.clock_start, joined.acknowledged_at) == (at(60), at(0), at(5))
    assert joined.status == "open"
    policy = SlaPolicy.from_config({"calendar": {"timezone": "UTC"}})
    assert ticket_clocks(joined, policy, at(90)).ack.state == "met"
    later_target = merge.merge(ticket(5, 120), ticket(6, 60), "bob", at(130))[1]
    assert later_target.clock_start == at(60) and later_target.reported_at is None


def test_copies_leave_their_mail_delivery_with_the_source_so_nothing_is_sent_twice():
    source = rules.reply(ticket(5, 0), "amara", at(5), "On it.")
    entry = source.timeline[-1]
    queued = entry.__class__(entry.at, entry.author, entry.kind, entry.text, delivery=Delivery("queued", "<x@y>"))
    source = source.evolve(timeline=source.timeline[:-1] + (queued,))
    _, joined = merge.merge(source, ticket(6, 10), "bob", at(40))
    assert all(entry.delivery is None for entry in joined.timeline)


def test_the_merged_target_stays_sealed_where_a_store_seals_it():
    source, target = ticket(5, 0), rules.note(ticket(6, 10), "amara", at(30), "more")
    target = seal(target, None)
    _, joined = merge.merge(seal(rules.note(source, "a", at(20), "x"), source), target, "bob", at(40))
    assert ticket_problems(seal(joined, target)) == []


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


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("related", "already related to #2"), ("parent", "already related to #2")],
)
def test_a_second_link_between_the_same_tickets_is_refused(kind, reason):
    one, two = links.link(ticket(1, 0), "related", ticket(2, 0), "bob", at(1))
    with pytest.raises(RuleRefused, match=reason):
        links.link(one, kind, two, "bob", at(2))


def test_a_ticket_has_one_parent_and_a_merge_is_not_unlinked():
    one, two = links.link(ticket(1, 0), "parent", ticket(2, 0), "bob", at(1))
    with pytest.raises(RuleRefused, match="has a parent already"):
        links.link(one, "parent", ticket(3, 0), "bob", at(2))
    source, target = merge.merge(ticket(5, 0), ticket(6, 0), "bob", at(3))
    with pytest.raises(RuleRefused, match="a merge is not undone"):
        links.unlink(source, target, "bob", at(4))
