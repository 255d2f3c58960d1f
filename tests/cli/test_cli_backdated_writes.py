"""Attack: a technician back-dates an action with SOPDASH_NOW (an acknowledgement six months late recorded as
met). SOPDASH_NOW answers read-only what-if questions; a command that writes refuses it, and the store is
untouched."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sopdash.clock import WHAT_IF_REFUSAL, clock_from_env, write_clock
from sopdash.core.errors import InputError
from sopdash.core.policy import SlaPolicy
from sopdash.core.roster import Roster
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore

REFUSAL = f"sopdash: {WHAT_IF_REFUSAL}\n"


def run(*args: str, now: str | None = None) -> subprocess.CompletedProcess[str]:
    """A real `sopdash` process on the real clock, with SOPDASH_NOW set to `now` if given."""
    env = {**os.environ, "SOPDASH_NOW": now} if now else {k: v for k, v in os.environ.items() if k != "SOPDASH_NOW"}
    return subprocess.run([sys.executable, "-m", "sopdash", *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def created(env: Path) -> datetime:
    """A ticket made by a real process on the real clock; returns when it was created."""
    made = run("ticket", "new", "--subject", "VPN down", "--requester", "ann@example.com", "--priority", "urgent")
    assert made.returncode == 0, made.stderr
    return datetime.fromisoformat(json.loads(run("ticket", "show", "1", "--json").stdout)["created_at"])


def test_a_back_dated_acknowledgement_is_refused_and_changes_nothing(env, created):
    before = env.read_bytes()
    shortly_after = (created + timedelta(minutes=5)).isoformat()
    result = run("ticket", "ack", "1", now=shortly_after)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", REFUSAL)
    assert env.read_bytes() == before


def test_without_sopdash_now_an_action_is_stamped_with_the_real_time(env, created):
    assert run("ticket", "ack", "1").returncode == 0
    acknowledged = datetime.fromisoformat(json.loads(run("ticket", "show", "1", "--json").stdout)["acknowledged_at"])
    assert timedelta(0) <= acknowledged - created < timedelta(minutes=1)  # this process's clock stands still (env)


def test_read_only_questions_still_answer_at_sopdash_now(env, created):
    later = (created + timedelta(days=180)).isoformat()
    shown = run("ticket", "show", "1", "--json", now=later)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["sla"]["ack"]["state"] == "breached"
    assert run("ticket", "list", now=later).returncode == 0
    assert run("report", now=later).returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ("ticket", "note", "1", "called back"),
        ("ticket", "new", "--subject", "x", "--requester", "a@b.example"),
        ("ticket", "resolve", "1", "--summary", "fixed"),
        ("ticket", "edit", "1", "--subject", "VPN drops"),
        ("store", "archive"),
        ("import", "spiceworks", "export.json"),
        ("mail", "send"),
    ],
)
def test_every_kind_of_write_refuses_sopdash_now(env, created, sopdash, monkeypatch, args):
    before = env.read_bytes()
    monkeypatch.setenv("SOPDASH_NOW", created.isoformat())
    result = sopdash(*args)
    assert (result.code, result.err) == (2, REFUSAL)
    assert env.read_bytes() == before


def test_a_new_store_is_not_created_under_sopdash_now(env, created, tmp_path, sopdash, monkeypatch):
    """`store copy` makes a store and sorts its archive by the write clock: refused before the copy is made. A
    ticket command makes no store at all."""
    monkeypatch.setenv("SOPDASH_NOW", "2026-11-25T09:00:00+00:00")
    copy = tmp_path / "copy.json"
    result = sopdash("store", "copy", str(env), str(copy))
    assert (result.code, result.err) == (2, REFUSAL)
    assert not copy.exists()
    store = tmp_path / "missing.json"
    result = sopdash("--db", str(store), "ticket", "new", "--subject", "x", "--requester", "a@b.example")
    assert result.code == 2 and "no ticket store at" in result.err
    assert not store.exists()


def test_mail_intake_under_sopdash_now_is_a_temporary_failure(env, created, sopdash, monkeypatch):
    """Exit 75: the MTA keeps the message and tries again, once SOPDASH_NOW is gone from its environment."""
    before = env.read_bytes()
    monkeypatch.setenv("SOPDASH_NOW", created.isoformat())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"From: ann@example.com\n\nhello\n")))
    result = sopdash("mail", "receive")
    assert result.code == 75 and WHAT_IF_REFUSAL in result.err
    assert env.read_bytes() == before


def test_a_dashboard_desk_under_sopdash_now_reads_at_that_time_and_refuses_actions(env, created):
    what_if = {"SOPDASH_NOW": (created + timedelta(days=180)).isoformat()}
    desk = Desk(TicketStore(env), SlaPolicy.from_config({}), Roster(), "amara", clock_from_env(what_if),
                stamp=write_clock(what_if))
    before = env.read_bytes()
    assert desk.clocks(desk.ticket(1)).ack.state == "breached"
    with pytest.raises(InputError, match="SOPDASH_NOW is for read-only questions"):
        desk.acknowledge(1)
    assert env.read_bytes() == before
