"""Attack: a technician back-dates an action with SOPDASH_NOW (an acknowledgement six months late recorded as
met). SOPDASH_NOW answers read-only what-if questions; a command that writes refuses it, and the store is
untouched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sopdash.clock import WHAT_IF_REFUSAL

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
    ],
)
def test_every_kind_of_write_refuses_sopdash_now(env, created, sopdash, monkeypatch, args):
    before = env.read_bytes()
    monkeypatch.setenv("SOPDASH_NOW", created.isoformat())
    result = sopdash(*args)
    assert (result.code, result.err) == (2, REFUSAL)
    assert env.read_bytes() == before


def test_a_new_store_is_not_created_under_sopdash_now(tmp_path, sopdash, monkeypatch):
    monkeypatch.setenv("SOPDASH_NOW", "2026-11-25T09:00:00+00:00")
    store = tmp_path / "tickets.json"
    result = sopdash("--db", str(store), "ticket", "new", "--subject", "x", "--requester", "a@b.example")
    assert (result.code, result.err) == (2, REFUSAL)
    assert not store.exists()
