"""Pytest fixtures for the dashboard tests (the fixed world itself is in dashboard_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_fixtures import fixture_tickets, write_store


@pytest.fixture(autouse=True)
def truecolor_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A truecolor terminal whatever runs the tests (the dashboard picks its theme from the colour system)."""
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return write_store(tmp_path / "tickets.json", fixture_tickets())
