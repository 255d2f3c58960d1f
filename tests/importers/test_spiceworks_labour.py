"""Spiceworks labour becomes time spent: minutes (its choices are 15, 30 and 60), by its author, when it was done.

The fixture is shaped like a real export's labour: durations only ever 15, 30 and 60, an entry without a comment."""

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import orjson

from sopdash.core.time_spent import time_by_author, time_totals
from sopdash.importers.spiceworks import parse_export

FIXTURE = Path(__file__).parent.parent / "fixtures" / "spiceworks_labour.json"
NOW = datetime(2023, 6, 1, tzinfo=timezone.utc)
LOGINS = {1: "dana.tech", 2: "omar", 3: "lee.ops"}


def export() -> dict:
    return orjson.loads(FIXTURE.read_bytes())


def labour(document: dict) -> list[tuple[str, dict]]:
    return [(str(t["ticket_number"]), c) for t in document["tickets"] for c in t["Comments"] if c.get("is_labor")]


def test_the_fixture_has_only_spiceworks_time_spent_choices():
    assert {c["duration"] for _, c in labour(export())} == {15, 30, 60}


def test_imported_labour_equals_the_exports_total_per_ticket_and_per_technician():
    document = export()
    per_ticket, per_technician = Counter(), Counter()
    for number, comment in labour(document):
        per_ticket[number] += comment["duration"] * 60
        per_technician[LOGINS[comment["created_by"]]] += comment["duration"] * 60
    tickets = parse_export(document, [], NOW).added
    assert {t.source.external_id: time_totals(t).total_s for t in tickets if time_totals(t).total_s} == per_ticket
    imported = Counter()
    for ticket in tickets:
        for author, spent in time_by_author(ticket).items():
            imported[author] += spent.total_s
    assert imported == per_technician
    assert per_technician == {"dana.tech": 75 * 60, "omar": 120 * 60, "lee.ops": 135 * 60}


def test_each_entry_keeps_its_author_and_date():
    (vpn,) = [t for t in parse_export(export(), [], NOW).added if t.source.external_id == "201"]
    assert [(e.author, e.at.isoformat(), e.time.seconds // 60) for e in vpn.timeline if e.time] == [
        ("dana.tech", "2023-05-01T09:30:00+00:00", 15),
        ("dana.tech", "2023-05-01T11:30:00+00:00", 30),
        ("omar", "2023-05-02T10:30:00+00:00", 60),
    ]


def test_imported_labour_is_in_the_report_per_technician_and_a_reimport_adds_none(sopdash, tmp_path, monkeypatch):
    monkeypatch.setenv("SOPDASH_DB", str(tmp_path / "t.json"))
    (tmp_path / "config.toml").write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "config.toml"))
    assert sopdash("init").code == 0
    for _ in range(2):
        assert sopdash("import", "spiceworks", str(FIXTURE)).code == 0
    result = sopdash("report", "--since", "2023-05-01", "--until", "2023-05-31", "--format", "json")
    report = json.loads(result.out)
    assert {g["name"]: g["time_s"] for g in report["by_technician"] if g["time_s"]} == {
        "dana.tech": 75 * 60, "omar": 120 * 60, "lee.ops": 135 * 60}
    assert report["overall"]["time_s"] == 330 * 60
