"""`sopdash check`, `sopdash config` and `sopdash demo`."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import types

import pytest

from sopdash.cli.store_commands import MAX_DEMO_COUNT, demo_count
from sopdash.desk.identity import current_login


def test_check_a_healthy_store(env, sopdash, new_ticket):
    new_ticket()
    result = sopdash("check")
    assert result.code == 0, result.out
    lines = result.out.splitlines()
    assert lines[0].startswith("config: ")
    assert f"store: {env}" in lines
    assert "tickets: 1 live, 0 archived in 0 months (0 invalid)" in lines
    assert lines[-1] == "ok"


def test_check_a_corrupt_store(env, sopdash, new_ticket):
    new_ticket()
    env.write_bytes(b"{not json")
    result = sopdash("check")
    assert result.code == 2
    assert any(line.startswith("error:") and "is not a sopdash store" in line for line in result.out.splitlines())
    assert env.read_bytes() == b"{not json"


def test_check_a_missing_store(no_store, sopdash):
    env = no_store
    result = sopdash("check")
    assert result.code == 2
    assert f"error: no ticket store at {env}" in result.out


def test_report_on_a_missing_store_points_to_init_not_demo_data(env, sopdash, tmp_path):
    missing = tmp_path / "missing.json"
    result = sopdash("report", "--db", str(missing))
    assert result.code == 2
    assert result.err.startswith(f"sopdash: no ticket store at {missing}; create an empty one with `sopdash init --db {missing}`")
    assert not missing.exists()


def test_check_reports_a_bad_config_and_still_checks_the_store(env, sopdash, new_ticket, tmp_path):
    new_ticket()
    (tmp_path / "config.toml").write_text("[calendar]\ntimezone = \"Mars/Olympus\"\n", encoding="utf-8")
    result = sopdash("check")
    assert result.code == 2
    assert "calendar.timezone" in result.out
    assert "tickets: 1 live, 0 archived in 0 months (0 invalid)" in result.out


def test_config_shows_files_and_the_policy_in_effect(no_store, sopdash, tmp_path):
    env = no_store
    (tmp_path / "config.toml").write_text(
        '[calendar]\ntimezone = "Europe/Berlin"\nholidays = ["2026-12-24"]\n'
        '[calendar.hours]\nmon = ["08:00-12:00", "13:00-17:00"]\ntue = ["08:00-17:00"]\nwed = ["08:00-17:00"]\n'
        "[sla]\nwarn_before = \"30m\"\npause_when_waiting = false\n[sla.high]\nack = \"1h30m\"\n"
        f'[roster.{current_login()}]\ntier = 2\nmanager = true\nname = "Sam"\n',
        encoding="utf-8",
    )
    result = sopdash("config")
    assert result.code == 0, result.err
    out = result.out
    assert f"config    {tmp_path / 'config.toml'}\n" in out
    assert f"store     {env} (does not exist yet; from $SOPDASH_DB)" in out
    assert "calendar  zone Europe/Berlin\n" in out
    assert "mon 08:00-12:00, 13:00-17:00" in out and "tue-wed 08:00-17:00" in out and "thu-sun closed" in out
    assert "holidays 2026-12-24" in out
    assert "urgent    30m          4h       around the clock" in out
    assert "high      1h30m        8h       business hours" in out
    assert "warning   30m before the deadline" in out
    assert "pause     the resolution clock pauses only while resolved" in out
    assert f"roster    {current_login()}  tier 2  manager  (Sam)" in out


def test_config_with_defaults(env, sopdash, tmp_path, monkeypatch):
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    out = sopdash("config").out
    assert "mon-fri 08:00-17:00" in out and "sat-sun closed" in out
    assert "medium    4h           24h      business hours" in out
    assert "warning   when 75% of the target is used" in out
    assert "empty: everyone is a tier-1 technician" in out


def test_config_refuses_a_bad_file(env, sopdash, tmp_path):
    (tmp_path / "config.toml").write_text("[roster.sam]\ntier = 7\n", encoding="utf-8")
    result = sopdash("config")
    assert result.code == 2
    assert result.err.startswith(f"sopdash: {tmp_path / 'config.toml'}: roster.sam.tier: 7 is not a tier")


@pytest.fixture
def demo_module(monkeypatch):
    """A stand-in for sopdash.demo that records its calls and writes `count` tickets through the store."""
    from sopdash.core.model import Requester
    from sopdash.core.rules import create
    from sopdash.store.ticket_store import TicketStore

    calls = []

    def write_demo_store(path, now, policy, count=None, seed=None):
        calls.append({"path": path, "now": now, "count": count, "seed": seed, "policy": policy})
        made = [create(0, f"demo {n}", Requester("Dee", "dee@example.com"), now, "demo") for n in range(count or 3)]
        return len(TicketStore(path, create=True).add_many(made))

    module = types.ModuleType("sopdash.demo")
    module.write_demo_store = write_demo_store
    monkeypatch.setitem(sys.modules, "sopdash.demo", module)
    return calls


def test_demo_writes_a_store_and_says_how_many(env, sopdash, demo_module, now):
    result = sopdash("demo", "--db", str(env), "--count", "5", "--seed", "7")
    assert (result.code, result.out) == (0, f"wrote 5 demo tickets to {env}\n")
    (call,) = demo_module
    assert (call["path"], call["count"], call["seed"], call["now"].isoformat()) == (env, 5, 7, now)
    assert len(json.loads(sopdash("ticket", "list", "--json").out)) == 5


def test_demo_refuses_to_overwrite_unless_forced(env, sopdash, new_ticket, demo_module):
    new_ticket()
    refused = sopdash("demo")
    assert refused.code == 2
    assert "pass --force" in refused.err
    assert demo_module == []
    assert sopdash("demo", "--force").out == f"wrote 3 demo tickets to {env}\n"
    listed = json.loads(sopdash("ticket", "list", "--json").out)
    assert [doc["subject"] for doc in listed] == ["demo 0", "demo 1", "demo 2"]


def test_demo_count_must_be_positive(env, sopdash, demo_module):
    assert sopdash("demo", "--count", "0").code == 2
    assert demo_module == []


@pytest.mark.parametrize("count", ["200001", "9223372036854775807", "9" * 5000, "00000000000000000000000200001"])
def test_a_demo_count_beyond_the_maximum_is_refused_at_once(env, sopdash, demo_module, count):
    empty = env.read_bytes()
    result = sopdash("demo", "--count", count)
    assert result.code == 2 and "is more than the 200,000 tickets a demo store holds" in result.err
    assert demo_module == [] and env.read_bytes() == empty


def test_the_real_command_refuses_a_huge_demo_count_quickly(env):
    empty = env.read_bytes()
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "sopdash", "demo", "--count", "9223372036854775807"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "200,000" in result.stderr
    assert time.monotonic() - started < 10 and env.read_bytes() == empty


def test_the_largest_demo_count_is_taken():
    assert demo_count("200000") == MAX_DEMO_COUNT == 200_000  # issue 25: `sopdash demo --count 200000`


def test_demo_with_the_real_demo_module(env, sopdash):
    result = sopdash("demo", "--count", "40", "--seed", "3")
    assert (result.code, result.out) == (0, f"wrote 40 demo tickets to {env}\n")
    everything = json.loads(sopdash("ticket", "list", "--all", "--json").out)
    assert len(everything) == 40
    assert len({doc["sla"]["ack"]["state"] for doc in everything}) > 2
    assert sopdash("ticket", "list").code == 0
    assert sopdash("check").code == 0


def test_init_creates_an_empty_store_and_never_replaces_one(no_store, sopdash):
    env = no_store
    created = sopdash("init", "--db", str(env))
    assert (created.code, created.out, created.err) == (0, f"created an empty ticket store at {env}\n", "")
    assert sopdash("ticket", "list", "--json").out == "[]\n"
    again = sopdash("init", "--db", str(env))
    assert again.code == 2
    assert again.err == (
        f"sopdash: {env} already exists; `sopdash init` only creates a new store (`sopdash check` looks at it)\n"
    )
