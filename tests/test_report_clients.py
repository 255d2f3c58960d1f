"""The report by organisation and by SLA policy: figures counted by hand on a fixed store whose tickets were opened
through the desk (which picks and keeps each ticket's policy), and unchanged when the rules change afterwards."""

import csv
import io
from datetime import datetime, timezone

import pytest

from sopdash.clock import fixed_clock
from sopdash.core.model import Requester
from sopdash.core.policy import SlaPolicy
from sopdash.core.roster import Roster
from sopdash.desk import Desk
from sopdash.report.sla import build_report, render_csv, render_text
from sopdash.store.ticket_store import TicketStore

SINCE = datetime(2023, 5, 1, tzinfo=timezone.utc)  # Monday
UNTIL = datetime(2023, 5, 8, tzinfo=timezone.utc)
NOW = datetime(2023, 5, 10, 12, 0, tzinfo=timezone.utc)
SETTINGS = {
    "calendar": {"timezone": "UTC"},  # Mon–Fri 08:00–17:00
    "organisations": {
        "ACME": {"name": "Acme Corp", "domains": ["acme.com"]},
        "Globex": {"domains": ["globex.org"], "members": ["ann@acme.com"]},
    },
    "sla": {"policies": [
        {"name": "gold", "match": {"organisation": "ACME"}, "urgent": {"ack": "10m"}},
        {"name": "silver", "match": {"organisation": "Globex"}, "high": {"ack": "2h"}},
    ]},
}
# (requester, priority, created, acknowledged): the desk default is urgent 30m, high 1h, medium 4h to acknowledge.
TICKETS = [
    ("bob@acme.com", "urgent", (1, 9, 0), (1, 9, 5)),  # gold, 5m: within
    ("ann@acme.com", "urgent", (1, 10, 0), (1, 10, 15)),  # Globex member and acme.com: gold (first match), 15m: late
    ("frank@acme.com", "urgent", (1, 12, 0), (1, 12, 5)),  # gold: within
    ("carl@globex.org", "high", (1, 11, 0), (1, 12, 30)),  # silver 2h, 1h30m: within (late by the default's 1h)
    ("dan@globex.org", "high", (1, 11, 0), (1, 14, 0)),  # silver, 3h: late
    ("eve@example.org", "medium", (1, 9, 0), (1, 10, 0)),  # default 4h: within
]


def at(day, hour, minute):
    return datetime(2023, 5, day, hour, minute, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path):
    store = TicketStore(tmp_path / "tickets.json", create=True)
    policy = SlaPolicy.from_config(SETTINGS)
    for email, priority, created, acknowledged in TICKETS:
        opened = Desk(store, policy, Roster.from_config({}), "dana", fixed_clock(at(*created)))
        ticket = opened.create("Printer jammed", Requester("R", email), priority=priority)
        acked = Desk(store, policy, Roster.from_config({}), "dana", fixed_clock(at(*acknowledged)))
        acked.acknowledge(ticket.id, "On it")
    return store


def ack_shares(groups):
    return {g.name: (g.ack.within, g.ack.decided) for g in groups}


def test_per_organisation_and_per_policy_compliance_equal_the_hand_count(store):
    report = build_report(store.history(), SlaPolicy.from_config(SETTINGS), SINCE, UNTIL, NOW)
    assert [t.sla_policy for t in store.history()] == ["gold", "gold", "gold", "silver", "silver", "default"]
    assert ack_shares(report.by_organisation) == {"Acme Corp": (2, 3), "Globex": (1, 2), "(none)": (1, 1)}
    assert ack_shares(report.by_policy) == {"default": (1, 1), "gold": (2, 3), "silver": (1, 2)}
    late_acks = [(b.ticket_id, b.policy) for b in report.breaches if b.clock == "ack"]
    assert late_acks == [(2, "gold"), (5, "silver")]
    text = render_text(report)
    assert "by organisation" in text and "by policy" in text
    rows = list(csv.reader(io.StringIO(render_csv(report))))  # dimension, group, created, time_s, billable_s, ack…
    assert ["organisation", "Acme Corp", "3", "0", "0", "2", "3", "66.7"] in [row[:8] for row in rows]


def test_a_later_change_of_the_rules_does_not_move_what_was_measured(store):
    changed = {**SETTINGS, "organisations": {"ACME": {"name": "Acme Corp", "domains": ["acme.example"]},
                                             "Globex": {"domains": ["globex.org", "acme.com"]}},
               "sla": {"policies": SETTINGS["sla"]["policies"][::-1]}}
    before = build_report(store.history(), SlaPolicy.from_config(SETTINGS), SINCE, UNTIL, NOW)
    after = build_report(store.history(), SlaPolicy.from_config(changed), SINCE, UNTIL, NOW)
    assert ack_shares(after.by_policy) == ack_shares(before.by_policy)
    assert after.breaches == before.breaches


def test_a_desk_without_organisations_or_policies_reports_as_before(store):
    report = build_report(store.history(), SlaPolicy.from_config({"calendar": {"timezone": "UTC"}}), SINCE, UNTIL, NOW)
    assert report.by_organisation == () and report.by_policy == ()
    assert "by organisation" not in render_text(report)
