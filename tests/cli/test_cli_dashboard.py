"""`sopdash` without a command opens the dashboard; `--demo` opens it on a throw-away demo store."""

from __future__ import annotations

import io
import sys
import types

import pytest

from sopdash.desk import Desk


@pytest.fixture
def opened(monkeypatch):
    """A stand-in for sopdash.tui.app that records what the dashboard was given, and what its store held."""
    calls = []

    def run_dashboard(desk, settings):
        calls.append((desk, settings, desk.tickets()))
        return 0

    fake_app = types.ModuleType("sopdash.tui.app")
    fake_app.run_dashboard = run_dashboard
    monkeypatch.setitem(sys.modules, "sopdash.tui.app", fake_app)
    return calls


def test_dashboard_opens_on_the_store_in_effect(env, sopdash, new_ticket, opened):
    new_ticket()
    assert sopdash().code == 0
    ((desk, settings, tickets),) = opened
    assert isinstance(desk, Desk)
    assert desk.store.path == env
    assert [t.id for t in tickets] == [1]
    assert settings.policy is desk.policy


def test_demo_dashboard_runs_on_a_temporary_store_that_is_removed_after(no_store, sopdash, opened):
    assert sopdash("--demo").code == 0
    ((desk, _, tickets),) = opened
    assert desk.store.path != no_store and not no_store.exists()
    assert len(tickets) > 5
    assert not desk.store.path.parent.exists()


def test_dashboard_on_a_missing_store_fails_before_loading_the_tui(no_store, sopdash, monkeypatch):
    env = no_store
    monkeypatch.setitem(sys.modules, "sopdash.tui.app", None)  # importing it now would raise
    result = sopdash()
    assert result.code == 2
    assert result.err == f"sopdash: no ticket store at {env}; create an empty one with `sopdash init --db {env}`\n"
    assert "demo" not in result.err  # a missing store may be a real one on a mistyped path
    assert not env.exists()


class Terminal(io.StringIO):
    """Standard input as a terminal where the person types `answer`."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "created"), [("y\n", True), ("yes\n", True), ("\n", False), ("", False)])
def test_dashboard_at_a_terminal_offers_to_create_an_empty_store(no_store, sopdash, opened, monkeypatch, answer, created):
    env = no_store
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    result = sopdash("--db", str(env))
    assert f"There is no ticket store at {env}." in result.out
    assert env.exists() == created
    if created:
        assert result.code == 0
        ((_, _, tickets),) = opened
        assert tickets == []  # empty, never demo data
    else:
        assert result.code == 2 and "sopdash init --db" in result.err
