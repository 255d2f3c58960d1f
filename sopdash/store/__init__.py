"""The ticket store: one TinyDB JSON file shared by every technician, written under a lock and replaced atomically."""

from sopdash.store.paths import resolve_store_path
from sopdash.store.storage import SCHEMA_VERSION
from sopdash.store.contract import Signature, Store
from sopdash.store.ticket_store import TicketStore

__all__ = ["SCHEMA_VERSION", "Signature", "Store", "TicketStore", "resolve_store_path"]
