"""Fixtures for the CLI tests: a private store, config and fixed clock (`sopdash` itself is in tests/conftest.py).

The clock is fixed by moving this process's system clock (time-machine): writes are stamped with the system
clock, and SOPDASH_NOW, which only read-only commands honour, cannot fix it (sopdash/clock.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopdash.desk.identity import current_login
from sopdash.store.opening import open_store

NOW = "2026-11-25T09:00:00+00:00"  # a Wednesday, inside business hours
ME = current_login()


@pytest.fixture
def now() -> str:
    """The instant the system clock stands at in every test."""
    return NOW


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, time_machine) -> Path:
    """SOPDASH_DB and SOPDASH_CONFIG pointing at this test's own files, the store created empty as `sopdash init`
    does, the clock stopped at NOW (`time_machine` moves it on); returns the store path."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[calendar]\ntimezone = "UTC"\n\n[roster.{ME}]\ntier = 1\n\n[roster.alice]\ntier = 2\n', encoding="utf-8"
    )
    store = tmp_path / "tickets.json"
    monkeypatch.setenv("SOPDASH_DB", str(store))
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))
    time_machine.move_to(NOW, tick=False)
    monkeypatch.setenv("COLUMNS", "120")
    open_store(store, create=True)
    return store


@pytest.fixture
def no_store(env: Path) -> Path:
    """env, with nothing at the store path yet."""
    for made in (env, env.with_name(env.name + ".lock")):
        made.unlink()
    return env


@pytest.fixture
def new_ticket(sopdash):
    """Create a ticket through the CLI and return its id."""

    def create(subject: str = "Printer jams", *extra: str) -> int:
        result = sopdash("ticket", "new", "--subject", subject, "--requester", "ann@example.com",
                         "--name", "Ann", *extra)
        assert result.code == 0, result.err
        return int(result.out)

    return create
