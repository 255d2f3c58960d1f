"""Month tallies kept beside the archive (`report/kept_tallies.py`, `store/month_tallies.py`): a report is the same with
them and without, whether they are missing, warm, stale (a month or a setting changed) or damaged."""

import random
import tomllib
from datetime import datetime, timedelta, timezone

import orjson
import pytest
from report_desk import report_desk

from sopdash.cli.main import main
from sopdash.core.policy import SlaPolicy
from sopdash.core.report_ticket import ReportTicket
from sopdash.demo.generator import demo_tickets
from sopdash.report import tally as report_tally
from sopdash.report.clients import report_groupings
from sopdash.report.kept_tallies import KeptTallies, kept_key, settled_span
from sopdash.report.satisfaction import add_score, scores_from
from sopdash.report.sla import render_csv, render_json, render_text, report_from
from sopdash.report.tally import tally, tally_history
from sopdash.store.ticket_store import TicketStore
from sopdash.store.month_tallies import MonthSlice

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)
SINCE, UNTIL = NOW - timedelta(days=400), NOW
CONFIG = """
[calendar]
timezone = "Europe/London"

[organisations]
staff = { name = "Staff", domains = ["example.com"] }
partners = { name = "Partners", domains = ["example.org"] }

[[sla.policies]]
name = "partners"
match = { organisation = "partners" }
high = { ack = "2h" }
pause_when_waiting = false
"""
POLICY = SlaPolicy.from_config(tomllib.loads(CONFIG))


def demo_desk() -> list:
    """500 demo tickets over a year, a third of the closed ones scored by their clients."""
    return report_desk(POLICY, NOW, 500, seed=4, rng=random.Random(7), scored=0.3)


@pytest.fixture
def store(tmp_path):
    store = TicketStore(tmp_path / "tickets.json", create=True, clock=lambda: NOW)
    store.add_many(demo_desk())
    return store


def kept_files(store) -> list:
    return sorted((store.path.parent / "tickets.json.archive").glob("*.tally"))


def rendered(counted, since=SINCE, until=UNTIL, now=NOW, policy=POLICY):
    groupings = report_groupings(policy)
    report = report_from(counted, since, until, now, policy.calendar.tz, groupings)
    return [render(report) for render in (render_text, render_json, render_csv)]


def reported(store, since=SINCE, until=UNTIL, now=NOW, policy=POLICY):
    """The report as `sopdash report` counts it: light slices, each through the kept tallies."""
    groupings = report_groupings(policy)
    counted = tally_history(store.history_slices(since, ReportTicket), lambda: store.history(since), policy, since, until,
                            now, groupings, KeptTallies(policy, since, until, now, groupings))
    return rendered(counted, since, until, now, policy)


def fresh(store, since=SINCE, until=UNTIL, now=NOW, policy=POLICY):
    """The report counted from every whole ticket, nothing kept."""
    return rendered(tally(store.history(since), policy, since, until, now, report_groupings(policy)), since, until, now, policy)


@pytest.mark.parametrize("processors", [1, 2])
def test_a_report_is_the_same_with_kept_tallies_and_without(store, monkeypatch, processors):
    monkeypatch.setattr(report_tally, "_processors", lambda: processors)
    expected = fresh(store)
    assert kept_files(store) == []
    assert reported(store) == expected  # counted, and the closed months kept
    assert len(kept_files(store)) >= 10
    assert reported(store) == expected  # read back


def test_a_warm_report_reads_no_kept_month(store, monkeypatch):
    monkeypatch.setattr(report_tally, "_processors", lambda: 1)
    reported(store)
    read = []
    original = MonthSlice.__call__
    monkeypatch.setattr(MonthSlice, "__call__", lambda self: read.append(self.month) or original(self))
    reported(store)
    kept_months = {path.stem for path in kept_files(store)}
    assert kept_months and not kept_months & set(read)


@pytest.mark.parametrize("since, until, now", [
    (NOW - timedelta(days=200), UNTIL, NOW),  # a period that starts inside months kept whole
    (SINCE, NOW - timedelta(days=100), NOW),  # ... and one that ends inside them
    (SINCE, UNTIL, NOW + timedelta(days=30)),  # a later `now`
    (SINCE, UNTIL, NOW - timedelta(days=30)),  # an earlier one (a what-if question)
])
def test_kept_tallies_serve_only_the_periods_they_fit(store, monkeypatch, since, until, now):
    monkeypatch.setattr(report_tally, "_processors", lambda: 1)
    reported(store)
    assert reported(store, since, until, now) == fresh(store, since, until, now)


def test_a_changed_month_is_counted_again(store, monkeypatch):
    monkeypatch.setattr(report_tally, "_processors", lambda: 1)
    reported(store)
    month = kept_files(store)[len(kept_files(store)) // 2].with_suffix(".json")
    document = orjson.loads(month.read_bytes())
    for doc in document["tickets"].values():
        doc["priority"] = "urgent" if doc["priority"] != "urgent" else "low"
    month.write_bytes(orjson.dumps(document))
    assert reported(store) == fresh(store)


@pytest.mark.parametrize("change", [
    {"calendar": {"timezone": "Europe/London", "holidays": ["2026-06-01"]}},
    {"calendar": {"timezone": "Europe/London"}, "sla": {"medium": {"resolve": "30h"}}},
    {"calendar": {"timezone": "Europe/London"}},  # the organisations and named policies gone
])
def test_a_changed_setting_is_not_served_a_kept_tally(store, monkeypatch, change):
    monkeypatch.setattr(report_tally, "_processors", lambda: 1)
    reported(store)
    policy = SlaPolicy.from_config(change)
    assert kept_key(policy, report_groupings(policy)) != kept_key(POLICY, report_groupings(POLICY))
    assert reported(store, policy=policy) == fresh(store, policy=policy)


def test_damaged_or_planted_kept_files_are_ignored_and_never_followed(store, monkeypatch, tmp_path):
    monkeypatch.setattr(report_tally, "_processors", lambda: 1)
    expected = fresh(store)
    reported(store)
    damaged, planted, *_ = kept_files(store)
    damaged.write_bytes(damaged.read_bytes()[:40])
    secret = tmp_path / "secret"
    secret.write_bytes(b"mine")
    planted.unlink()
    planted.symlink_to(secret)
    assert reported(store) == expected
    assert planted.is_symlink() and secret.read_bytes() == b"mine"  # left for `check --fix`, never written through
    assert reported(store) == expected  # the damaged one made again
    assert damaged.stat().st_size > 40


def test_a_month_with_a_ticket_not_settled_is_not_kept():
    tickets = demo_desk()
    closed = [t for t in tickets if t.status == "closed"]
    assert settled_span(closed) is not None
    assert settled_span([*closed, next(t for t in tickets if t.is_open)]) is None


def test_a_policy_without_a_named_zone_keeps_nothing(store, monkeypatch):
    monkeypatch.setattr(report_tally, "_processors", lambda: 1)
    from dateutil.tz import tzlocal

    from sopdash.core.calendar import BusinessCalendar

    policy = SlaPolicy.from_config({"calendar": {"timezone": "UTC"}})
    local = type(policy)(BusinessCalendar(tzlocal(), {0: ((0, 3600),)}), policy.around_the_clock, policy.targets)
    assert kept_key(local, report_groupings(local)) is None
    assert reported(store, policy=local) == fresh(store, policy=local)
    assert kept_files(store) == []


def test_the_command_prints_the_same_report_cold_and_warm(store, monkeypatch, capsys, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))
    monkeypatch.setenv("SOPDASH_NOW", NOW.isoformat())

    def printed() -> list[str]:
        outputs = []
        for fmt in ("text", "json", "csv"):
            assert main(["report", "--db", str(store.path), "--since", "2025-10-01", "--format", fmt]) == 0
            outputs.append(capsys.readouterr().out)
        return outputs

    cold = printed()
    assert kept_files(store) and "Satisfaction by technician (" in cold[0]
    assert printed() == cold


def test_scores_counted_in_the_slices_are_those_of_the_whole_history(store, monkeypatch):
    monkeypatch.setattr(report_tally, "_processors", lambda: 2)
    groupings = report_groupings(POLICY)
    for _ in range(2):  # counted, then read back from the kept months
        counted = tally_history(store.history_slices(SINCE, ReportTicket), lambda: store.history(SINCE), POLICY, SINCE,
                                UNTIL, NOW, groupings, KeptTallies(POLICY, SINCE, UNTIL, NOW, groupings))
        given: dict[str, list[int]] = {}
        for ticket in store.history(SINCE):  # whole tickets, read as the report read them before it counted scores
            add_score(given, ticket, SINCE, UNTIL)
        assert scores_from(counted.scores) == scores_from(given)
    assert sum(row.count for row in scores_from(counted.scores)) > 20


def test_check_names_a_link_planted_at_a_kept_tally_and_fix_removes_it(store, monkeypatch, tmp_path, sopdash):
    monkeypatch.setattr(report_tally, "_processors", lambda: 1)
    reported(store)
    planted = kept_files(store)[0]
    victim = tmp_path / "victim"
    victim.write_bytes(planted.read_bytes())  # a real kept tally: believed if the link were followed
    planted.unlink()
    planted.symlink_to(victim)
    assert f"{planted} is a symbolic link to {victim}" in sopdash("--db", str(store.path), "check").out
    sopdash("--db", str(store.path), "check", "--fix")
    assert not planted.exists() and not planted.is_symlink() and victim.exists()
    assert reported(store) == fresh(store) and planted.is_file()


def test_a_report_on_postgresql_counts_its_slices_and_keeps_nothing(postgres_db, monkeypatch):
    """PostgreSQL's slices are plain reads (no file to keep a tally beside): every one is counted, every time."""
    from sopdash.store.postgres.pg_store import PostgresStore

    monkeypatch.setattr(report_tally, "_processors", lambda: 2)
    store = PostgresStore(postgres_db.url("dana"))  # a manager: the demo acknowledges managers' flags
    store.add_many(demo_tickets(NOW, POLICY, 300, seed=4))  # as played: the database keeps each timeline in order
    assert not any(isinstance(read, MonthSlice) for read in store.history_slices(SINCE, ReportTicket))
    assert reported(store) == reported(store) == fresh(store)
