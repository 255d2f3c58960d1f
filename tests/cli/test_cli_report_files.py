"""`sopdash report --csv DIR` (a file per table, one header each) and `--period` (whole weeks and months)."""

from __future__ import annotations

import csv
import io
import os

import pytest


@pytest.fixture
def logged(env, sopdash, new_ticket):
    ticket_id = new_ticket()
    assert sopdash("ticket", "time", str(ticket_id), "45m", "--billable").code == 0
    return ticket_id


def test_csv_dir_has_a_file_per_table_each_with_one_header(env, sopdash, logged, tmp_path):
    folder = tmp_path / "reports"
    result = sopdash("report", "--period", "this-week", "--csv", str(folder))
    assert result.code == 0 and result.out.startswith("wrote overall.csv, priority.csv, technician.csv")
    assert sorted(os.listdir(folder)) == ["breaches.csv", "category.csv", "escalations.csv", "overall.csv",
                                          "priority.csv", "technician.csv"]
    for name in os.listdir(folder):
        rows = list(csv.reader(io.StringIO((folder / name).read_text(encoding="utf-8"))))
        assert rows and all(rows) and sum(row == rows[0] for row in rows) == 1  # no blank line, no second header
    (overall,) = csv.DictReader(io.StringIO((folder / "overall.csv").read_text(encoding="utf-8")))
    assert (overall["time_s"], overall["billable_s"]) == ("2700", "2700")
    assert oct(os.stat(folder / "overall.csv").st_mode & 0o777) == "0o640"
    again = sopdash("report", "--period", "this-week", "--csv", str(folder))  # the weekly run replaces the files
    assert again.code == 0


def test_csv_dir_does_not_follow_a_planted_link(env, sopdash, logged, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    target = tmp_path / "precious"
    target.write_text("keep me", encoding="utf-8")
    (folder / "overall.csv").symlink_to(target)
    result = sopdash("report", "--csv", str(folder))
    assert result.code == 2 and "overall.csv" in result.err and target.read_text(encoding="utf-8") == "keep me"


def test_named_periods_are_whole_weeks_and_months(env, sopdash, logged):
    # The clock stands on Wednesday 2026-11-25.
    heads = {name: sopdash("report", "--period", name).out.splitlines()[0]
             for name in ("this-week", "last-week", "this-month", "last-month")}
    assert heads == {
        "this-week": "SLA report 2026-11-23 00:00 – 2026-11-30 00:00 (UTC)",
        "last-week": "SLA report 2026-11-16 00:00 – 2026-11-23 00:00 (UTC)",
        "this-month": "SLA report 2026-11-01 00:00 – 2026-12-01 00:00 (UTC)",
        "last-month": "SLA report 2026-10-01 00:00 – 2026-11-01 00:00 (UTC)",
    }
    both = sopdash("report", "--period", "last-week", "--since", "2026-11-01")
    assert both.code == 2 and "either --period or --since/--until" in both.err
