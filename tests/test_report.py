"""The SLA report: figures checked by hand on a small desk, the renderers, redaction, and no internal notes."""

import csv
import io
import os
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import msgspec
import orjson
import pytest

from sopdash.cli.main import main
from sopdash.core import rules
from sopdash.core.errors import InputError
from sopdash.core.model import Requester, Ticket, TimelineEntry
from sopdash.core.period import resolve_period
from sopdash.core.policy import SlaPolicy
from sopdash.core.time_spent import log_time
from sopdash.report.sla import (
    breaches_by_day,
    build_report,
    csv_tables,
    redact,
    render_csv,
    render_json,
    render_text,
    report_from,
)
from sopdash.report import tally as report_tally
from sopdash.report.tally import Tally, merged, tally
from sopdash.store.ticket_store import TicketStore
from sopdash.core.documents import document

# Business hours Mon–Fri 08:00–17:00 UTC (9 h a day); urgent counts around the clock.
POLICY = SlaPolicy.from_config({"calendar": {"timezone": "UTC"}})
SINCE = datetime(2023, 5, 1, tzinfo=timezone.utc)  # Monday
UNTIL = datetime(2023, 5, 8, tzinfo=timezone.utc)  # the Monday after, exclusive
NOW = datetime(2023, 5, 10, 12, 0, tzinfo=timezone.utc)  # Wednesday noon
ALICE = Requester("Alice Requester", "alice.requester@client.example.com", "+1 555 010 0234")
BOB = Requester("Bob Client", "bob.client@client.example.com", "555-010-0777")
SECRET = "SECRET-NOTE-the-vpn-key-is-hunter2"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 5, day, hour, minute, tzinfo=timezone.utc)


def new(ticket_id, created, priority, requester=ALICE, subject="Printer jammed", category="", assignee=""):
    ticket = rules.create(ticket_id, subject, requester, created, "dana", priority=priority, category=category)
    return rules.assign(ticket, "dana", created, assignee) if assignee else ticket


def desk() -> list:
    """The desk the expected figures below were counted from by hand."""
    # A: high, acked after 30m (met), resolved after 6h business (met)
    a = new(1, at(1, 9), "high", category="Network", assignee="dana")
    a = rules.note(a, "dana", at(1, 9, 10), SECRET)
    a = rules.acknowledge(a, "dana", at(1, 9, 30), "Hello")
    a = rules.resolve(a, "dana", at(1, 15), "cable swapped")
    a = log_time(a, "dana", at(1, 16), 30 * 60, SECRET, billable=True)
    # B: high, created Mon 16:30; acked Tue 08:45 = 30m + 45m = 75m (late by 15m);
    #    resolved Wed 09:00 = 30m + 9h + 1h = 10h30m (late by 2h30m)
    b = new(2, at(1, 16, 30), "high", subject="VPN for Alice Requester fails", category="Network", assignee="dana")
    b = rules.acknowledge(b, "dana", at(2, 8, 45), "Hello")
    b = rules.resolve(b, "dana", at(3, 9), "config fixed")
    # C: medium, acked after 1h (met); still open: Tue 7h + 5 days x 9h + Wed 4h = 56h used of 24h (breached, 32h over)
    c = new(3, at(2, 10), "medium", requester=BOB, category="Hardware", assignee="omar")
    c = rules.acknowledge(c, "omar", at(2, 11), "Hello")
    c = log_time(c, "omar", at(2, 12), 90 * 60)
    c = log_time(c, "dana", at(3, 9), 15 * 60, billable=True)
    # D: low, never acked: Thu 9h + Fri 9h + Mon..Tue 18h + Wed 4h = 40h used of 8h (breached, 32h over);
    #    waiting on the client since Thu 09:00, so its resolution clock is paused at 1h (no outcome yet)
    d = new(4, at(4, 8), "low", requester=BOB, category="Hardware")
    d = waiting_as_imported(d, "dana", at(4, 9))  # the SOP would acknowledge first; an import need not have
    # E: urgent, around the clock, on a Saturday: acked after 20m (met), resolved after 6h of 4h (late by 2h)
    e = new(5, at(6, 10), "urgent", assignee="omar")
    e = rules.acknowledge(e, "omar", at(6, 10, 20), "Hello")
    e = rules.escalate(e, "omar", at(6, 12), "timing", note_text=SECRET)
    e = rules.resolve(e, "omar", at(6, 16), "restarted")
    # F: created before the period (not counted); escalated once before and once inside it
    f = new(6, datetime(2023, 4, 28, 9, tzinfo=timezone.utc), "medium")
    f = rules.escalate(f, "dana", datetime(2023, 4, 29, 9, tzinfo=timezone.utc), "disruptive")
    f = rules.escalate(f, "dana", at(2, 9), "unsatisfied")
    # F's time: an hour logged before the period (not counted), 45m billable inside it (counted)
    f = log_time(f, "dana", datetime(2023, 4, 28, 10, tzinfo=timezone.utc), 3600, billable=True)
    f = log_time(f, "dana", at(2, 10), 45 * 60, billable=True)
    # G: created at the very end of the period, which is exclusive
    g = new(7, UNTIL, "high")
    return [a, b, c, d, e, f, g]


@pytest.fixture
def report():
    return build_report(desk(), POLICY, SINCE, UNTIL, NOW)


def row(group):
    ack, res = group.ack, group.resolution
    return (group.name, group.created, ack.within, ack.late, ack.pending, ack.median_s, ack.p90_s,
            res.within, res.late, res.pending, res.median_s, res.p90_s)


def test_overall_figures_match_the_hand_count(report):
    # ack: met A(30m) C(1h) E(20m); late B(75m) D(breached) -> 3 of 5 = 60%
    #   measured [20m, 30m, 1h, 75m] = [1200, 1800, 3600, 4500]: median (1800+3600)/2 = 2700;
    #   p90 at rank 3 x 0.9 = 2.7: 3600 + 0.7 x 900 = 4230
    # resolution: met A(6h); late B(10h30m) C(breached) E(6h); pending D -> 1 of 4 = 25%
    #   measured [6h, 6h, 10h30m] = [21600, 21600, 37800]: median 21600; p90 at rank 1.8: 21600 + 0.8 x 16200 = 34560
    assert row(report.overall) == ("overall", 5, 3, 2, 0, 2700, 4230, 1, 3, 1, 21600, 34560)
    assert report.overall.ack.pct == 60.0 and report.overall.resolution.pct == 25.0


def test_figures_per_priority(report):
    assert [row(g) for g in report.by_priority] == [
        ("urgent", 1, 1, 0, 0, 1200, 1200, 0, 1, 0, 21600, 21600),
        # high: ack [1800, 4500]: median 3150, p90 1800 + 0.9 x 2700 = 4230;
        #       resolution [21600, 37800]: median 29700, p90 21600 + 0.9 x 16200 = 36180
        ("high", 2, 1, 1, 0, 3150, 4230, 1, 1, 0, 29700, 36180),
        ("medium", 1, 1, 0, 0, 3600, 3600, 0, 1, 0, None, None),
        ("low", 1, 0, 1, 0, None, None, 0, 0, 1, None, None),
    ]
    assert report.by_priority[3].resolution.pct is None


def test_figures_per_technician_and_category(report):
    assert [row(g) for g in report.by_technician] == [
        ("(unassigned)", 1, 0, 1, 0, None, None, 0, 0, 1, None, None),
        ("dana", 2, 1, 1, 0, 3150, 4230, 1, 1, 0, 29700, 36180),
        # omar: C and E; ack [1200, 3600] median 2400, p90 1200 + 0.9 x 2400 = 3360; resolution only E measured
        ("omar", 2, 2, 0, 0, 2400, 3360, 0, 2, 0, 21600, 21600),
    ]
    assert [(g.name, g.created) for g in report.by_category] == [("(none)", 1), ("Hardware", 2), ("Network", 2)]


def test_time_logged_in_the_period_per_technician_category_and_priority(report):
    # A: dana 30m billable; C: omar 1h30m, dana 15m billable; F (created before): dana 45m billable (and 1h before)
    def spent(groups):
        return {g.name: (g.time_s // 60, g.billable_s // 60) for g in groups if g.time_s}

    assert (report.overall.time_s // 60, report.overall.billable_s // 60) == (180, 90)
    assert spent(report.by_technician) == {"dana": (90, 90), "omar": (90, 0)}
    assert spent(report.by_category) == {"Network": (30, 30), "Hardware": (105, 15), "(none)": (45, 45)}
    assert spent(report.by_priority) == {"high": (30, 30), "medium": (150, 60)}


def test_each_grouping_is_a_table_of_its_own(report):
    by_day = report_tally.Grouping("weekday", lambda t: f"{t.created_at:%a}")
    custom = build_report(desk(), POLICY, SINCE, UNTIL, NOW, (*report_tally.GROUPINGS, by_day))
    assert [(g.name, g.created) for g in custom.groups["weekday"]] == [
        ("Fri", 0), ("Mon", 2), ("Sat", 1), ("Thu", 1), ("Tue", 1)]  # F (Fri, before the period) has time in it
    assert sum(g.time_s for g in custom.groups["weekday"]) == custom.overall.time_s
    assert "weekday.csv" in csv_tables(custom) and "by_weekday" in orjson.loads(render_json(custom))


def test_escalations_are_counted_by_when_they_happened(report):
    assert report.escalations == {"timing": 1, "unsatisfied": 1, "disruptive": 0, "other": 0}


def test_breach_list(report):
    assert [(b.ticket_id, b.clock, b.state, b.over_s) for b in report.breaches] == [
        (2, "ack", "met_late", 15 * 60),
        (2, "resolution", "met_late", 150 * 60),
        (3, "resolution", "breached", 32 * 3600),
        (4, "ack", "breached", 32 * 3600),
        (5, "resolution", "met_late", 2 * 3600),
    ]
    assert report.breaches[0].due == at(2, 8, 30)  # 30m on Monday, 30m on Tuesday


def test_breaches_are_counted_on_the_day_their_deadline_fell(report):
    # Deadlines: Tue 08:30 and 15:30 (#2), Thu 16:00 (#3 and #4), Sat 14:00 (#5).
    assert breaches_by_day(report) == {date(2023, 5, 2): 2, date(2023, 5, 4): 2, date(2023, 5, 6): 1}


def test_breaches_by_day_follow_the_report_time_zone(report):
    tokyo = msgspec.structs.replace(report, period=msgspec.structs.replace(report.period, tz=ZoneInfo("Asia/Tokyo")))  # UTC+9: Tue 15:30 is Wed 00:30, Thu 16:00 is Fri 01:00
    assert breaches_by_day(tokyo) == {date(2023, 5, 2): 1, date(2023, 5, 3): 1, date(2023, 5, 5): 2, date(2023, 5, 6): 1}


def test_text_report_reads_as_a_table(report):
    text = render_text(report)
    lines = text.splitlines()
    assert lines[0] == "SLA report 2023-05-01 00:00 – 2023-05-08 00:00 (UTC)"
    overall = next(line for line in lines if line.startswith("overall"))
    assert overall.split() == ["overall", "5", "3/5", "60%", "45m", "1h10m", "1/4", "25%", "6h00m", "9h36m", "3h00m",
                               "1h30m"]
    assert "Escalations by reason: timing 1, unsatisfied 1, disruptive 0, other 0" in lines
    assert "Breaches (5)" in lines
    assert any(line.startswith("#3") and "breached" in line and "1d8h" in line for line in lines)


def test_json_report_is_one_document(report):
    document = orjson.loads(render_json(report))
    assert document["period"] == {"since": "2023-05-01T00:00:00+00:00", "until": "2023-05-08T00:00:00+00:00", "timezone": "UTC"}
    assert document["overall"]["ack"] == {"within": 3, "late": 2, "pending": 0, "pct": 60.0, "median_s": 2700, "p90_s": 4230}
    assert [g["name"] for g in document["by_priority"]] == ["urgent", "high", "medium", "low"]
    assert document["breaches"][0]["requester"]["email"] == ALICE.email


def test_csv_report_is_one_table_with_one_header(report):
    figures = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert figures[0] == {
        "dimension": "overall", "group": "overall", "created": "5", "time_s": "10800", "billable_s": "5400",
        "ack_within": "3", "ack_decided": "5", "ack_pct": "60.0", "ack_median_s": "2700", "ack_p90_s": "4230",
        "resolve_within": "1", "resolve_decided": "4", "resolve_pct": "25.0", "resolve_median_s": "21600",
        "resolve_p90_s": "34560",
    }
    assert len(figures) == 1 + 4 + 3 + 3


def test_csv_tables_are_a_file_each_with_one_header(report):
    files = csv_tables(report)
    assert list(files) == ["overall.csv", "priority.csv", "technician.csv", "category.csv", "escalations.csv",
                           "breaches.csv"]
    tables = {name: list(csv.reader(io.StringIO(text))) for name, text in files.items()}
    assert all("" not in map("".join, rows) for rows in tables.values())  # no blank line: one table a file
    technicians = {row["group"]: row for row in csv.DictReader(io.StringIO(files["technician.csv"]))}
    assert (technicians["omar"]["created"], technicians["omar"]["time_s"], technicians["dana"]["billable_s"]) == (
        "2", "5400", "5400")
    assert tables["escalations.csv"][1] == ["timing", "1"]
    assert [(b["ticket"], b["clock"], b["over_s"]) for b in csv.DictReader(io.StringIO(files["breaches.csv"]))][0] == (
        "2", "ack", "900")


def test_csv_cells_cannot_start_a_spreadsheet_formula():
    ticket = rules.acknowledge(new(1, at(1, 9), "high", subject="=HYPERLINK(\"x\")"), "d", at(1, 11), "Hi")
    report = build_report([ticket], POLICY, SINCE, UNTIL, NOW)
    assert "'=HYPERLINK" in csv_tables(report)["breaches.csv"]


def all_csv(report):
    return "".join(csv_tables(report).values())


@pytest.mark.parametrize("render", [render_text, render_json, all_csv])
def test_redacted_output_has_no_requester_name_email_or_phone(report, render):
    output = render(redact(report))
    for secret in ("Alice", "Requester", "alice.requester", "client.example.com", "Bob", "0234", "555-010-0777"):
        assert secret not in output
    assert "A*** R***" in output


@pytest.mark.parametrize("render", [render_text, render_json, render_csv, all_csv])
def test_internal_notes_never_appear(report, render):
    assert SECRET not in render(report)
    assert SECRET not in render(redact(report))


def test_an_empty_period_renders():
    report = build_report([], POLICY, SINCE, UNTIL, NOW)
    assert report.overall.created == 0 and report.overall.ack.pct is None
    assert "none" in render_text(report).splitlines()
    assert orjson.loads(render_json(report))["breaches"] == []
    assert len(render_csv(report).splitlines()) == 2  # the header and overall
    assert csv_tables(report)["breaches.csv"].count("\n") == 1


def test_period_dates_are_whole_days_and_default_to_the_last_30_days():
    assert resolve_period("2023-05-01", "2023-05-07", NOW, timezone.utc) == (SINCE, UNTIL)
    assert resolve_period(None, None, NOW, timezone.utc) == (NOW - timedelta(days=30), NOW)
    assert resolve_period("2023-05-01T09:30", None, NOW, timezone.utc) == (at(1, 9, 30), NOW)
    with pytest.raises(InputError, match="--since"):
        resolve_period("first of May", None, NOW, timezone.utc)
    with pytest.raises(InputError, match="not before"):
        resolve_period("2023-05-09", "2023-05-01", NOW, timezone.utc)


# -- the command line --------------------------------------------------------------------------


def test_report_command_prints_a_redacted_json_report(tmp_path, monkeypatch, capsys):
    config = tmp_path / "config.toml"
    config.write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))
    monkeypatch.setenv("SOPDASH_NOW", NOW.isoformat())
    db = tmp_path / "tickets.json"
    TicketStore(db, create=True).add_many(desk())
    code = main(["report", "--db", str(db), "--since", "2023-05-01", "--until", "2023-05-07", "--format", "json", "--redact"])
    out = capsys.readouterr().out
    document = orjson.loads(out)
    assert code == 0
    assert document["redacted"] is True
    assert document["overall"]["created"] == 5
    assert "alice" not in out.lower() and SECRET not in out


def test_report_command_without_a_store_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "absent.toml"))
    (tmp_path / "absent.toml").write_text("", encoding="utf-8")
    missing = tmp_path / "missing.json"
    code = main(["report", "--db", str(missing)])
    assert code == 2
    assert capsys.readouterr().err.startswith(f"sopdash: no ticket store at {missing}")


def report_output(tmp_path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    config = tmp_path / "config.toml"
    config.write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))
    monkeypatch.setenv("SOPDASH_NOW", NOW.isoformat())
    code = main(["report", "--db", str(tmp_path / "tickets.json"), "--since", "2023-04-01", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def closed_desk() -> list:
    """The desk with its resolved tickets closed, so that they can go to the archive (their clocks stay as they were)."""
    return [rules.close(t, "dana", at(8, 9)) if t.status == "resolved" else t for t in desk()]


def old_single_file_store(path, tickets) -> None:
    """A store as sopdash wrote it before the archive: schema 1, every ticket in one file."""
    docs = {str(n): document(ticket.evolve(id=n, version=1)) for n, ticket in enumerate(tickets, 1)}
    path.write_bytes(orjson.dumps({"meta": {"1": {"schema": 1}}, "tickets": docs}))


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_an_old_single_file_store_reports_the_same_after_it_is_split(tmp_path, monkeypatch, capsys, fmt, time_machine):
    old_single_file_store(tmp_path / "tickets.json", closed_desk())
    before = report_output(tmp_path, monkeypatch, capsys, "--format", fmt)
    monkeypatch.delenv("SOPDASH_NOW")  # the report's what-if time; the split is a write, on the (moved) system clock
    time_machine.move_to("2023-06-01T09:00:00+00:00", tick=False)  # three weeks after the tickets closed
    assert main(["store", "migrate", "--db", str(tmp_path / "tickets.json")]) == 0
    migrated = capsys.readouterr()
    assert "split the single-file store" in migrated.err and "live tickets" in migrated.out
    assert sorted(p.name for p in (tmp_path / "tickets.json.archive").glob("*.json")) == ["2023-05.json"]
    assert report_output(tmp_path, monkeypatch, capsys, "--format", fmt) == before
    assert before[0] == 0 and before[1]


def test_a_bad_ticket_in_an_archive_month_is_named(tmp_path, monkeypatch, capsys):
    """A field the report reads (it decodes only those: `ReportTicket`), wrong in a month file, is named."""
    TicketStore(tmp_path / "tickets.json", create=True).add_many(closed_desk())
    month = tmp_path / "tickets.json.archive" / "2023-05.json"
    document = orjson.loads(month.read_bytes())
    first = next(iter(document["tickets"]))
    document["tickets"][first]["priority"] = "sometimes"
    month.write_bytes(orjson.dumps(document))
    code, out, err = report_output(tmp_path, monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert f"{month}: ticket {first} is invalid (priority: 'sometimes' is not one of urgent, high, medium, low)" in err


def test_tallies_of_any_split_merge_into_the_whole_report():
    tickets = desk()
    whole = build_report(tickets, POLICY, SINCE, UNTIL, NOW)
    for cut in range(len(tickets) + 1):
        counted = [tally(tickets[:cut], POLICY, SINCE, UNTIL, NOW), tally(tickets[cut:], POLICY, SINCE, UNTIL, NOW)]
        sent = [msgspec.msgpack.decode(msgspec.msgpack.encode(part), type=Tally) for part in counted]
        assert report_from(merged(sent), SINCE, UNTIL, NOW, POLICY.calendar.tz) == whole


def test_a_share_whose_process_dies_is_counted_again_from_the_whole_history(tmp_path, monkeypatch):
    monkeypatch.setattr(report_tally, "_processors", lambda: 2)
    store = TicketStore(tmp_path / "tickets.json", create=True, clock=lambda: NOW + timedelta(days=60))
    store.add_many([t.evolve(id=0) for t in closed_desk()])
    whole = report_from(tally(store.history(SINCE), POLICY, SINCE, UNTIL, NOW), SINCE, UNTIL, NOW, POLICY.calendar.tz)
    live, month = store.history_slices(SINCE)
    dies = lambda: os._exit(9)  # noqa: E731  (a child killed mid-count)
    counted = report_tally.tally_history([live, dies], lambda: store.history(SINCE), POLICY, SINCE, UNTIL, NOW)
    assert report_from(counted, SINCE, UNTIL, NOW, POLICY.calendar.tz) == whole


@pytest.mark.parametrize("processors", [1, 2, 4])
def test_history_counted_a_share_per_processor_is_the_whole_tally(tmp_path, monkeypatch, processors):
    monkeypatch.setattr(report_tally, "_processors", lambda: processors)
    store = TicketStore(tmp_path / "tickets.json", create=True, clock=lambda: NOW + timedelta(days=60))
    store.add_many([t.evolve(id=0) for t in closed_desk()])
    assert len(store.history_slices(SINCE)) == 2  # the live file and May's month file
    whole = report_from(tally(store.history(SINCE), POLICY, SINCE, UNTIL, NOW), SINCE, UNTIL, NOW, POLICY.calendar.tz)
    counted = report_tally.tally_history(store.history_slices(SINCE), lambda: store.history(SINCE), POLICY, SINCE, UNTIL, NOW)
    assert report_from(counted, SINCE, UNTIL, NOW, POLICY.calendar.tz) == whole


def waiting_as_imported(ticket: Ticket, actor: str, at: datetime) -> Ticket:
    """`ticket` put on waiting as an imported history may have it: without the client ever contacted."""
    entry = TimelineEntry(at=at, author=actor, kind="event", text="waiting on client", change={"status": [ticket.status, "waiting"]})
    return ticket.evolve(status="waiting", timeline=ticket.timeline + (entry,))
