"""The report read from light tickets (`ReportTicket`, what `sopdash report` decodes) equals the report read from whole
tickets, on a demo store with organisations, several SLA policies, time spent and merged duplicates."""

import random
from datetime import datetime, timedelta, timezone

import pytest
from report_desk import report_desk

from sopdash.core.policy import SlaPolicy
from sopdash.core.report_ticket import ReportTicket
from sopdash.report import tally as report_tally
from sopdash.report.clients import report_groupings
from sopdash.report.sla import render_csv, render_json, render_text, report_from
from sopdash.report.tally import tally, tally_history
from sopdash.store.ticket_store import TicketStore

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)
SINCE, UNTIL = NOW - timedelta(days=120), NOW - timedelta(days=3)
POLICY = SlaPolicy.from_config({
    "calendar": {"timezone": "Europe/London"},
    "organisations": {
        "staff": {"name": "Staff", "domains": ["example.com"]},
        "partners": {"name": "Partners", "domains": ["example.org"]},
    },
    "sla": {"policies": [
        {"name": "partners", "match": {"organisation": "partners"}, "high": {"ack": "2h"}, "pause_when_waiting": False},
        {"name": "network", "match": {"category": "network"}, "calendar": {"timezone": "UTC", "hours": {"mon": ["07:00-19:00"], "sat": ["10:00-14:00"]}}},
    ]},
})


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """600 demo tickets over a year: most with their policy and organisation picked (the rest from before there were
    policies), time logged on the worked ones, a few closed as duplicates; the old closed ones in the archive."""
    tickets = report_desk(POLICY, NOW, 600, seed=3, rng=random.Random(5), picked=0.8)
    store = TicketStore(tmp_path_factory.mktemp("light") / "tickets.json", create=True, clock=lambda: NOW)
    store.add_many(tickets)
    return store


def whole_report(store):
    groupings = report_groupings(POLICY)
    counted = tally(store.history(SINCE), POLICY, SINCE, UNTIL, NOW, groupings)
    return report_from(counted, SINCE, UNTIL, NOW, POLICY.calendar.tz, groupings)


@pytest.mark.parametrize("processors", [1, 2])
def test_the_report_of_light_tickets_is_the_report_of_whole_tickets(store, monkeypatch, processors):
    monkeypatch.setattr(report_tally, "_processors", lambda: processors)
    slices = store.history_slices(SINCE, ReportTicket)
    assert len(slices) > 2 and all(type(t) is ReportTicket for t in slices[-1]())  # the live file and archive months
    groupings = report_groupings(POLICY)
    light = tally_history(slices, lambda: store.history(SINCE), POLICY, SINCE, UNTIL, NOW, groupings)
    report = report_from(light, SINCE, UNTIL, NOW, POLICY.calendar.tz, groupings)
    whole = whole_report(store)
    assert report == whole
    assert [render(report) for render in (render_text, render_json, render_csv)] == [
        render(whole) for render in (render_text, render_json, render_csv)
    ]
    assert {g.name for g in whole.by_policy} == {"default", "partners", "network"}
    assert {g.name for g in whole.by_organisation} == {"Staff", "Partners"}
    assert whole.merged and whole.overall.time_s and whole.breaches


def test_a_light_ticket_is_a_whole_tickets_report_fields(store):
    whole = {t.id: t for t in store.history()}
    light = [t for read in store.history_slices(None, ReportTicket) for t in read()]
    assert sorted(t.id for t in light) == sorted(whole)
    for ticket in light:
        full = whole[ticket.id]
        for field in (*ReportTicket.__struct_fields__, "is_open", "merged_into", "clock_start", "clock_acknowledged_at"):
            if field not in ("escalations", "timeline"):
                assert getattr(ticket, field) == getattr(full, field)
        assert [(e.at, e.reason) for e in ticket.escalations] == [(e.at, e.reason) for e in full.escalations]
        assert [(e.at, e.author, e.kind, e.change, e.time) for e in ticket.timeline] == [
            (e.at, e.author, e.kind, e.change, e.time) for e in full.timeline
        ]
