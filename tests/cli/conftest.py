"""Fixtures for the CLI tests: a private store, config and fixed clock (`sopdash` itself is in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopdash.desk.identity import current_login
from sopdash.store.opening import open_store

NOW = "2026-11-25T09:00:00+00:00"  # a Wednesday, inside business hours
ME = current_login()


@pytest.fixture
def now() -> str:
    """The instant SOPDASH_NOW fixes for every test."""
    return NOW


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """SOPDASH_DB, SOPDASH_CONFIG and SOPDASH_NOW pointing at this test's own files, the store created empty as
    `sopdash init` does; returns the store path."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[calendar]\ntimezone = "UTC"\n\n[roster.{ME}]\ntier = 1\n\n[roster.alice]\ntier = 2\n', encoding="utf-8"
    )
    store = tmp_path / "tickets.json"
    monkeypatch.setenv("SOPDASH_DB", str(store))
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))
    monkeypatch.setenv("SOPDASH_NOW", NOW)
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
