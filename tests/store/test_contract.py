"""The file store keeps the store contract the desk, CLI, report and dashboard rely on."""

from pathlib import Path

from sopdash.store.contract import Store

from sopdash.store.ticket_store import TicketStore


def test_the_file_store_keeps_the_contract(tmp_path: Path) -> None:
    assert isinstance(TicketStore(tmp_path / "tickets.json", create=True), Store)



def test_every_backend_keeps_the_contract(store) -> None:
    assert isinstance(store, Store)
