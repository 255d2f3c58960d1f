"""Migration 6: what lets a dashboard read by id instead of by scan, on millions of tickets.

- The working set is found through indexes: open tickets by a partial index, recently closed ones by their
  closing time (`tickets_closed`, from migration 1) and recently created ones by their creation time, so the
  first frame and `ticket list` read the live tickets only, however long the history.
- Each announcement names what changed: its payload is a JSON array of `[seq, ticket_id]` pairs from the change
  log, or `{"many": newest_seq}` when a statement changed more than `ANNOUNCED_IDS` tickets (an import), after
  which a dashboard reads everything again. A dashboard reads only the rows named; after missing announcements
  (a reconnect) it reads the change log from the last sequence number it saw. A payload is only a hint of which
  rows to read again, so a forged one costs a read by id and changes nothing.
- Mail intake looks Message-IDs up in `sopdash.message_ids`, a table with a unique key (`message_index`), filled
  here from the tickets' documents, and again by `sopdash.index_message_ids` whenever tickets arrive in bulk.
- The change log is pruned as it grows, keeping the newest `KEPT_CHANGES` entries; a dashboard that fell
  further behind than that reads everything again.
"""

from __future__ import annotations

CHANNEL = "sopdash_tickets"  # schema.CHANNEL (schema imports this module)
ANNOUNCED_IDS = 100
KEPT_CHANGES = 100_000
PRUNE_EVERY = 1_000

# the first ticket holding a key keeps it, as intake's `_remember` does for a Message-ID
_MESSAGE_IDS = """
CREATE TABLE sopdash.message_ids (
    key text PRIMARY KEY,  -- a client Message-ID, or `content:` and the name of a kept original
    ticket_id bigint NOT NULL
);
CREATE FUNCTION sopdash.index_message_ids(first_id bigint, last_id bigint) RETURNS void LANGUAGE sql
    SET search_path = pg_catalog, pg_temp AS $$
INSERT INTO sopdash.message_ids (key, ticket_id)
SELECT key, min(id) FROM (
    SELECT t.id, e->'inbound'->>'message_id' AS key
        FROM sopdash.tickets t, json_array_elements(t.doc->'timeline') e
        WHERE t.id BETWEEN first_id AND last_id AND e->'inbound'->>'message_id' <> ''
    UNION ALL
    SELECT t.id, 'content:' || regexp_replace(e->'inbound'->>'eml', '^.*/|\\.[^./]*$', '', 'g')
        FROM sopdash.tickets t, json_array_elements(t.doc->'timeline') e
        WHERE t.id BETWEEN first_id AND last_id AND e->'inbound'->>'eml' <> ''
    UNION ALL
    SELECT t.id, t.doc->'source'->>'external_id' FROM sopdash.tickets t
        WHERE t.id BETWEEN first_id AND last_id AND t.doc->'source'->>'system' = 'mail'
          AND t.doc->'source'->>'external_id' <> ''
) AS held GROUP BY key
ON CONFLICT (key) DO NOTHING
$$;
SELECT sopdash.index_message_ids(0, 9223372036854775807);
GRANT SELECT, INSERT, UPDATE ON sopdash.message_ids TO sopdash_technician;
"""

SCALE_MIGRATION = (
    6,
    "the working set indexed, announcements naming the changed tickets, the change log pruned, a Message-ID table",
    f"""
CREATE INDEX tickets_not_closed ON sopdash.tickets (id) WHERE status <> 'closed';
CREATE INDEX tickets_created ON sopdash.tickets (created_at);

CREATE OR REPLACE FUNCTION sopdash.record_changes() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO sopdash.changes (ticket_id, version, role) SELECT id, version, session_user FROM changed;
    RETURN NULL;
END $$;

CREATE FUNCTION sopdash.announce_changes() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    oldest bigint;
    newest bigint;
    payload text;
BEGIN
    SELECT min(seq), max(seq),
           CASE WHEN count(*) <= {ANNOUNCED_IDS} THEN json_agg(json_build_array(seq, ticket_id) ORDER BY seq)::text END
        INTO oldest, newest, payload FROM logged;
    IF newest IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('{CHANNEL}', coalesce(payload, json_build_object('many', newest)::text));
    IF newest / {PRUNE_EVERY} > (oldest - 1) / {PRUNE_EVERY} AND pg_try_advisory_xact_lock(hashtext('sopdash.changes')) THEN
        DELETE FROM sopdash.changes WHERE seq <= newest - {KEPT_CHANGES};
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER announce_changes AFTER INSERT ON sopdash.changes REFERENCING NEW TABLE AS logged
    FOR EACH STATEMENT EXECUTE FUNCTION sopdash.announce_changes();
REVOKE EXECUTE ON FUNCTION sopdash.announce_changes() FROM PUBLIC;
""" + _MESSAGE_IDS,
)
