"""The ticket store: the file store (a live TinyDB JSON file and its archive, written under a lock and replaced
atomically) or PostgreSQL (`store/postgres/`); `store/opening.py` opens either, loading only that backend's modules."""
