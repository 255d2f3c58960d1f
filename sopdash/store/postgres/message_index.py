"""Mail intake's Message-ID index on PostgreSQL: a table with a unique key, not shards of a kept file.

`sopdash.message_ids` maps each client Message-ID, and each kept original's content key, to the ticket that holds
it, so intake looks a message up through the primary key's index and adds a row, however long the history
(the senders' ledger stays in kept files, as on the file store: it only holds the last hour). The table is filled
from the tickets' own documents by `sopdash.index_message_ids` (see `scale_migration`) when migration 6 runs and when tickets arrive in
bulk (`restore`, `add_many`), and kept up by intake itself, in the transaction that writes the ticket; as on the
file store, intake believes an entry only once the ticket it names holds the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sopdash.store.mail_index import MailIndex

if TYPE_CHECKING:
    from sopdash.store.postgres.pg_store import PostgresStore

class DatabaseMailIndex(MailIndex):
    """The Message-ID index in `sopdash.message_ids`; the senders' ledger in the kept files."""

    def __init__(self, store: PostgresStore) -> None:
        super().__init__(store.kept_files())
        self.store = store

    @property
    def built(self) -> bool:
        """Always: the table is filled from the tickets themselves (see the module's docstring)."""
        return True

    def holder(self, message_id: str) -> int | None:
        """The ticket the index says holds the mail with this Message-ID: to be read and checked before believed."""
        with self.store.session() as conn:
            row = conn.execute("SELECT ticket_id FROM sopdash.message_ids WHERE key = %s", (message_id,)).fetchone()
        return None if row is None else row[0]

    def record(self, message_id: str, ticket_id: int) -> None:
        """Note that the ticket holds this Message-ID (inside a `transact_by_id` plan, in its transaction)."""
        with self.store.session() as conn:
            conn.execute("INSERT INTO sopdash.message_ids (key, ticket_id) VALUES (%s, %s) "
                         "ON CONFLICT (key) DO UPDATE SET ticket_id = EXCLUDED.ticket_id", (message_id, ticket_id))
