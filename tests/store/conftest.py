"""The `store` fixture: each contract test runs once on the ticket file and once on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sopdash.store.ticket_store import TicketStore
from sopdash.store.opening import open_store

BACKENDS = ("file", "postgresql")


@pytest.fixture(params=BACKENDS)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh, empty store of each backend is: a file path, or a technician's URL to a new database."""
    if request.param == "file":
        location = str(tmp_path / "tickets.json")
        TicketStore(Path(location), create=True)
        return location
    return request.getfixturevalue("postgres_db").url("amara")


@pytest.fixture
def store(store_location: str) -> Iterator:
    """An empty store of each backend, opened as the technician `amara` would open it."""
    opened = open_store(store_location)
    yield opened
    opened.close()
