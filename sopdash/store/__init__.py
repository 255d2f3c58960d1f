"""The ticket store: one TinyDB JSON file shared by every technician, written under a lock and replaced atomically."""

from sopdash.store.paths import resolve_store_path
from sopdash.store.storage import SCHEMA_VERSION
from sopdash.store.ticket_store import Signature, TicketStore

__all__ = ["SCHEMA_VERSION", "Signature", "TicketStore", "resolve_store_path"]
