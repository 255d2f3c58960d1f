"""The command line on PostgreSQL: set-up, the same answers as on a file, and the database role as the technician."""

from __future__ import annotations

import json

import psycopg
import pytest

from sopdash.desk.identity import current_login

ME = current_login()
FIXTURE = "tests/fixtures/spiceworks_small.json"

SCENARIO = (
    ("ticket", "new", "--subject", "VPN down", "--requester", "bob@example.com", "--priority", "high"),
    ("ticket", "new", "--subject", "Mail slow", "--requester", "cy@example.com", "--name", "Cy"),
    ("ticket", "ack", "1"),
    ("ticket", "note", "1", "checked the tunnel"),
    ("ticket", "assign", "2", "alice"),  # a technician in the test roster
    ("ticket", "escalate", "2", "--reason", "unsatisfied", "--note", "third call"),
    ("ticket", "step", "1", "1", "--note", "cannot reach gateway"),
    ("ticket", "time", "2", "1.5h", "on the phone", "--billable"),
    ("ticket", "resolve", "1", "--summary", "restarted the concentrator"),
    ("ticket", "close", "1"),
    ("import", "spiceworks", FIXTURE),
)


@pytest.fixture
def on_postgres(env, postgres_db, monkeypatch: pytest.MonkeyPatch):
    """SOPDASH_DB pointing at a fresh database, as the role named like this process's OS login."""
    monkeypatch.setenv("SOPDASH_DB", postgres_db.url(ME))
    return postgres_db


def run_scenario(sopdash) -> dict:
    for command in SCENARIO:
        result = sopdash(*command)
        assert result.code == 0, (command, result.err)
    listed = json.loads(sopdash("ticket", "list", "--all", "--json").out)
    shown = [json.loads(sopdash("ticket", "show", str(t["id"]), "--json").out) for t in listed]
    report = json.loads(sopdash("report", "--format", "json", "--since", "2020-01-01").out)
    return {"tickets": shown, "report": report, "text": sopdash("report", "--since", "2020-01-01").out}


def test_the_same_commands_give_the_same_answers_on_a_file_and_on_postgresql(env, sopdash, postgres_db, monkeypatch):
    on_file = run_scenario(sopdash)
    monkeypatch.setenv("SOPDASH_DB", postgres_db.url(ME))
    on_database = run_scenario(sopdash)

    assert on_database == on_file
    assert len(on_file["tickets"]) > 2


def test_the_technician_is_the_database_role(on_postgres, sopdash, monkeypatch):
    monkeypatch.setenv("SOPDASH_DB", on_postgres.url("amara"))
    sopdash("ticket", "new", "--subject", "VPN down", "--requester", "bob@example.com")
    sopdash("ticket", "note", "1", "looking")

    timeline = json.loads(sopdash("ticket", "show", "1", "--json").out)["timeline"]
    assert {entry["author"] for entry in timeline} == {"amara"}


def test_manager_rights_come_from_the_database_not_the_config(on_postgres, sopdash, monkeypatch, tmp_path):
    sopdash("ticket", "new", "--subject", "Rude client", "--requester", "bob@example.com")
    sopdash("ticket", "escalate", "1", "--reason", "disruptive")
    config = tmp_path / "config.toml"
    config.write_text('[roster.amara]\nmanager = true\n', encoding="utf-8")  # a config anyone could edit
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))

    monkeypatch.setenv("SOPDASH_DB", on_postgres.url("amara"))
    refused = sopdash("ticket", "flag-ack", "1")
    monkeypatch.setenv("SOPDASH_DB", on_postgres.url("dana"))
    allowed = sopdash("ticket", "flag-ack", "1")

    assert refused.code == 1 and "manager" in refused.err
    assert allowed.code == 0, allowed.err


def test_init_postgres_sets_up_a_database_and_can_run_again(env, sopdash, empty_postgres_db, monkeypatch):
    monkeypatch.setenv("SOPDASH_DB", empty_postgres_db.admin_url)
    first = sopdash("store", "init-postgres", "--technician", "amara", "--manager", "dana")
    again = sopdash("store", "init-postgres", "--technician", "amara")

    assert first.code == 0, first.err
    assert "applied migration 1" in first.out and "amara, a member of sopdash_technician" in first.out
    assert again.code == 0 and "nothing to migrate" in again.out
    with psycopg.connect(empty_postgres_db.admin_url, autocommit=True) as conn:  # the test's clock is fixed
        conn.execute("UPDATE sopdash.clock_policy SET max_skew = NULL")
    monkeypatch.setenv("SOPDASH_DB", empty_postgres_db.url("amara"))
    assert sopdash("ticket", "new", "--subject", "x", "--requester", "a@example.com").out == "1\n"


def test_init_postgres_needs_a_database_url(env, sopdash):
    result = sopdash("store", "init-postgres")
    assert result.code == 2 and "init-postgres needs a database" in result.err


def test_check_and_config_on_postgresql(on_postgres, sopdash):
    sopdash("ticket", "new", "--subject", "x", "--requester", "a@example.com")

    check = sopdash("check")
    config = sopdash("config")

    assert check.code == 0, check.out
    assert "(PostgreSQL)" in check.out and "tickets: 1 (0 invalid)" in check.out
    assert f"role: {ME}, a member of sopdash_technician" in check.out
    assert "exists; from $SOPDASH_DB" in config.out


def test_the_config_can_name_the_database(env, sopdash, postgres_db, monkeypatch, tmp_path):
    config = tmp_path / "team.toml"
    config.write_text(f'[store]\nurl = "{postgres_db.url(ME)}"\n', encoding="utf-8")
    monkeypatch.delenv("SOPDASH_DB")
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))

    assert sopdash("ticket", "new", "--subject", "x", "--requester", "a@example.com").out == "1\n"
    assert "from store.url in the config" in sopdash("config").out


def test_a_password_in_the_url_is_refused(env, sopdash, postgres_db, monkeypatch):
    monkeypatch.setenv("SOPDASH_DB", postgres_db.url(ME).replace("@", ":hunter2@", 1))
    result = sopdash("ticket", "list")
    assert result.code == 2 and "holds a password" in result.err and "hunter2" not in result.err


def test_store_copy_file_to_postgresql_and_back(env, sopdash, postgres_db, tmp_path):
    for subject in ("VPN down", "Mail slow", "Printer jams"):
        sopdash("ticket", "new", "--subject", subject, "--requester", "bob@example.com")
    sopdash("ticket", "note", "2", "looked at it")
    back = tmp_path / "back.json"

    there = sopdash("store", "copy", str(env), postgres_db.admin_url)
    again = sopdash("store", "copy", postgres_db.admin_url, str(back))
    refused = sopdash("store", "copy", str(env), postgres_db.admin_url)

    assert there.code == 0, there.err
    assert "copied 3 tickets, next id 4" in there.out and "reads back identical" in there.out
    assert again.code == 0, again.err
    checksum = there.out.split("sha256 ")[1][:16]
    assert checksum in again.out
    assert refused.code == 2 and "is not empty" in refused.err
    original = json.loads(sopdash("ticket", "list", "--all", "--json").out)
    assert json.loads(sopdash("--db", str(back), "ticket", "list", "--all", "--json").out) == original
