"""Migration 7: the audit kept by the database itself, so a technician with `psql` cannot do what the SOP forbids.

- Every document written is checked against the fields the app needs to load it (a bad one is refused, never
  stored); ids come only from the sequence.
- New timeline entries, escalations and manager-flag acknowledgements name the session's role (whatever the client
  sent; the gateway's `mail` events and clients' messages keep their author), come in time order, and are stamped
  within `sopdash.clock_policy.max_skew` of the server's clock. `created_at` never changes, `acknowledged_at` is set
  once, escalations are only added to, the manager flag is never cleared, and a ticket is closed only when resolved
  with a summary and the client notified.
- The guard compares the old timeline with the new one's first entries in one step and checks only the new tail,
  so a note on a long ticket is quick.
- Kept originals and the mail log are insert-only (the outbox journal and the mail index are working files), and
  the database names who kept or logged them.
- Technicians hold UPDATE on columns, not tables, and no DELETE: PostgreSQL lets only table-level UPDATE, DELETE or
  TRUNCATE take a lock that stops others, so `LOCK TABLE` is refused them. Presence rows are left and cleared
  through two functions.
- A write may carry a key (`sopdash.write_key`, a uuid set for its transaction): the change log keeps it, and a
  second write with the same key is refused, so a write whose commit went unacknowledged is checked, not repeated.
- `sopdash.newest_change()` lets a listener check an announcement against the change log before acting on it.

Every function runs with `search_path = pg_catalog, pg_temp` and calls what it needs by schema, so nothing a
technician creates in `public` can stand in for it; SECURITY DEFINER only where a technician must not hold the right.
The owner of the schema (and a superuser) may insert tickets as they were (`store copy`), and a ticket imported
from another system (its `source.system` neither sopdash nor mail) arrives with its history: the clock, author and
close rules are for every other write (the change log names who imported it).
"""

from __future__ import annotations

from sopdash.core.presence import STALE_AFTER_S

AUDIT_REFUSED = "SD004"
INVALID_DOCUMENT = "SD005"
ALREADY_WRITTEN = "SD006"
WRITE_KEY = "sopdash.write_key"  # the setting a write's transaction carries its idempotency key in
MAX_SKEW = "5 minutes"
_TECHNICIAN = "sopdash_technician"
_MANAGER = "sopdash_manager"

_TIME = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"

_SQL = f"""
CREATE TABLE sopdash.clock_policy (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    max_skew interval  -- how far a write's times may be from the server's clock; NULL: not checked (tests, imports)
);
INSERT INTO sopdash.clock_policy (max_skew) VALUES ('{MAX_SKEW}');
GRANT SELECT ON sopdash.clock_policy TO {_TECHNICIAN};

CREATE FUNCTION sopdash.is_time(value jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(pg_catalog.jsonb_typeof(value) = 'string' AND (value #>> '{{}}') ~ '{_TIME}', false)
$$;

CREATE FUNCTION sopdash.is_owner() RETURNS boolean LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT r.rolsuper OR r.oid = n.nspowner FROM pg_catalog.pg_roles r, pg_catalog.pg_namespace n
                     WHERE r.rolname = session_user AND n.nspname = 'sopdash'), false)
$$;

-- why doc cannot be loaded as a ticket (NULL if it can); timeline entries from `first` on (the earlier ones were
-- checked when they were written)
CREATE FUNCTION sopdash.document_problem(doc jsonb, first integer) RETURNS text LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    entry jsonb;
    i integer;
BEGIN
    IF jsonb_typeof(doc) IS DISTINCT FROM 'object' THEN RETURN 'it is not a JSON object'; END IF;
    IF jsonb_typeof(doc->'id') IS DISTINCT FROM 'number' THEN RETURN 'id is not a number'; END IF;
    IF jsonb_typeof(doc->'subject') IS DISTINCT FROM 'string' THEN RETURN 'subject is not text'; END IF;
    IF NOT sopdash.is_time(doc->'created_at') THEN RETURN 'created_at is not a time with its zone'; END IF;
    IF coalesce(doc->>'status', 'new') NOT IN ('new', 'open', 'waiting', 'resolved', 'closed') THEN
        RETURN 'status is not one of new, open, waiting, resolved, closed';
    END IF;
    IF coalesce(doc->>'priority', 'medium') NOT IN ('urgent', 'high', 'medium', 'low') THEN
        RETURN 'priority is not one of urgent, high, medium, low';
    END IF;
    IF doc ? 'tier' AND (jsonb_typeof(doc->'tier') = 'number' AND (doc->>'tier') IN ('1', '2', '3')) IS NOT TRUE THEN
        RETURN 'tier is not 1, 2 or 3';
    END IF;
    IF doc ? 'version' AND NOT (jsonb_typeof(doc->'version') = 'number') THEN RETURN 'version is not a number'; END IF;
    IF doc ? 'triaged' AND jsonb_typeof(doc->'triaged') <> 'boolean' THEN RETURN 'triaged is not true or false'; END IF;
    IF EXISTS (SELECT FROM unnest(ARRAY['body', 'category', 'assignee', 'resolution', 'timeline_seal']) AS f(name)
               WHERE doc ? f.name AND jsonb_typeof(doc->f.name) <> 'string') THEN
        RETURN 'a text field (body, category, assignee, resolution, timeline_seal) holds something else';
    END IF;
    IF EXISTS (SELECT FROM unnest(ARRAY['acknowledged_at', 'resolved_at', 'client_notified_at', 'closed_at']) AS f(name)
               WHERE doc ? f.name AND jsonb_typeof(doc->f.name) <> 'null' AND NOT sopdash.is_time(doc->f.name)) THEN
        RETURN 'a time field (acknowledged_at, resolved_at, client_notified_at, closed_at) is not a time with its zone';
    END IF;
    IF doc ? 'requester' AND jsonb_typeof(doc->'requester') <> 'object' THEN RETURN 'requester is not an object'; END IF;
    IF doc ? 'source' AND jsonb_typeof(doc->'source') <> 'object' THEN RETURN 'source is not an object'; END IF;
    IF doc ? 'manager_flag' AND jsonb_typeof(doc->'manager_flag') <> 'null' AND (
        jsonb_typeof(doc->'manager_flag') = 'object' AND sopdash.is_time(doc #> '{{manager_flag,raised_at}}')
        AND jsonb_typeof(doc #> '{{manager_flag,reason}}') = 'string') IS NOT TRUE THEN
        RETURN 'manager_flag is not a flag with raised_at and reason';
    END IF;
    IF coalesce(jsonb_typeof(doc->'escalations'), 'array') <> 'array'
       OR coalesce(jsonb_typeof(doc->'troubleshooting'), 'array') <> 'array'
       OR coalesce(jsonb_typeof(doc->'timeline'), 'array') <> 'array' THEN
        RETURN 'escalations, troubleshooting and timeline must be lists';
    END IF;
    FOR entry IN SELECT e FROM jsonb_array_elements(coalesce(doc->'escalations', '[]')) AS e LOOP
        IF (jsonb_typeof(entry) = 'object' AND sopdash.is_time(entry->'at') AND jsonb_typeof(entry->'by') = 'string'
                AND (entry->>'from_tier') IN ('1', '2', '3') AND (entry->>'to_tier') IN ('1', '2', '3')
                AND (entry->>'reason') IN ('timing', 'unsatisfied', 'disruptive', 'other')) IS NOT TRUE THEN
            RETURN 'an escalation lacks at, by, from_tier, to_tier or reason';
        END IF;
    END LOOP;
    FOR entry IN SELECT e FROM jsonb_array_elements(coalesce(doc->'troubleshooting', '[]')) AS e LOOP
        IF (jsonb_typeof(entry) = 'object' AND sopdash.is_time(entry->'at') AND jsonb_typeof(entry->'by') = 'string'
                AND jsonb_typeof(entry->'step') = 'number') IS NOT TRUE THEN
            RETURN 'a troubleshooting step lacks step, at or by';
        END IF;
    END LOOP;
    FOR i IN first .. jsonb_array_length(coalesce(doc->'timeline', '[]')) - 1 LOOP  -- the new tail only
        entry := doc->'timeline'->i;
        IF (jsonb_typeof(entry) = 'object' AND sopdash.is_time(entry->'at')
                AND jsonb_typeof(entry->'author') = 'string' AND jsonb_typeof(entry->'text') = 'string'
                AND (entry->>'kind') IN ('public', 'internal', 'event', 'client')
                AND coalesce(jsonb_typeof(entry->'seal'), 'string') = 'string'
                AND coalesce(jsonb_typeof(entry->'change'), 'object') IN ('object', 'null')
                AND coalesce(jsonb_typeof(entry->'inbound'), 'object') IN ('object', 'null')
                AND coalesce(jsonb_typeof(entry->'delivery'), 'object') IN ('object', 'null')
                AND (jsonb_typeof(entry->'delivery') IS DISTINCT FROM 'object'
                     OR ((entry #>> '{{delivery,state}}') IN ('queued', 'sent', 'failed')
                         AND jsonb_typeof(entry #> '{{delivery,message_id}}') = 'string'))) IS NOT TRUE THEN
            RETURN format('timeline entry %s lacks at, author, kind or text', i + 1);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- refuses a time a write sets that is not the server's (give or take clock_policy.max_skew); NULL passes
CREATE FUNCTION sopdash.check_clock(ticket bigint, what text, stamp timestamptz, exempt boolean) RETURNS void LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    skew interval := (SELECT max_skew FROM sopdash.clock_policy);
    server timestamptz := clock_timestamp();
BEGIN
    IF stamp IS NOT NULL AND skew IS NOT NULL AND NOT exempt
       AND (stamp < server - skew OR stamp > server + skew) THEN
        RAISE EXCEPTION 'ticket #%: % says %, but the database server''s clock says %; the time of a write is the server''s (check the clocks: timedatectl)',
            ticket, what, stamp, date_trunc('second', server) USING ERRCODE = '{AUDIT_REFUSED}';
    END IF;
END $$;

-- list (escalations) only grows: what it held stays as it was; returns the new tail with `by` set to who
CREATE FUNCTION sopdash.appended(ticket bigint, what text, old_list jsonb, new_list jsonb, who text, exempt boolean)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n_old integer := jsonb_array_length(coalesce(old_list, '[]'));
    n_new integer := jsonb_array_length(coalesce(new_list, '[]'));
    i integer;
BEGIN
    IF n_new < n_old OR (n_old > 0 AND jsonb_path_query_array(new_list, '$[0 to $last]', jsonb_build_object('last', n_old - 1))
                                       IS DISTINCT FROM old_list) THEN
        RAISE EXCEPTION 'ticket #%: % are only ever added to, never changed or erased', ticket, what
            USING ERRCODE = '{AUDIT_REFUSED}';
    END IF;
    FOR i IN n_old .. n_new - 1 LOOP
        PERFORM sopdash.check_clock(ticket, format('the new %s''s time', what), (new_list->i->>'at')::timestamptz, exempt);
        IF NOT exempt THEN
            new_list := jsonb_set(new_list, ARRAY[i::text, 'by'], to_jsonb(who));
        END IF;
    END LOOP;
    RETURN new_list;
END $$;

CREATE OR REPLACE FUNCTION sopdash.without_delivery(doc jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp AS $$
    SELECT jsonb_set(doc, '{{timeline}}', coalesce((
        SELECT jsonb_agg(entry - 'delivery' ORDER BY n)
        FROM jsonb_array_elements(doc->'timeline') WITH ORDINALITY AS t(entry, n)
    ), '[]'::jsonb))
$$;

-- the columns read from doc, and its id and version, are set and checked by audit_ticket from the document it
-- parses once (each json operator would parse the whole text again: costly on a long timeline)
DROP TRIGGER derive_columns ON sopdash.tickets;
DROP FUNCTION sopdash.derive_columns();
ALTER TABLE sopdash.tickets DROP CONSTRAINT tickets_check;

-- every write of a ticket: the rules in this module's docstring
CREATE FUNCTION sopdash.audit_ticket() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    who text := session_user;
    owner boolean := sopdash.is_owner();
    -- a ticket imported from another system (`sopdash import`) arrives with its history: its times and authors
    history boolean := owner OR (TG_OP = 'INSERT' AND coalesce(NEW.doc #>> '{{source,system}}', 'sopdash') NOT IN ('sopdash', 'mail'));
    new_doc jsonb := NEW.doc::jsonb;
    old_doc jsonb;
    old_tl jsonb := '[]';
    new_tl jsonb;
    n_old integer := 0;
    problem text;
    entry jsonb;
    last_at timestamptz;
    at timestamptz;
    i integer;
    flag_old jsonb;
    flag_new jsonb;
    rewritten boolean := false;
    prefix jsonb;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.id <> OLD.id THEN
            RAISE EXCEPTION 'ticket #% cannot change its id', OLD.id USING ERRCODE = 'SD003';
        END IF;
        IF NEW.version = OLD.version THEN  -- the mail gateway's delivery records: nothing else may change
            IF sopdash.without_delivery(new_doc) IS DISTINCT FROM sopdash.without_delivery(OLD.doc::jsonb) THEN
                RAISE EXCEPTION 'ticket #%: only mail delivery records change without a new version', OLD.id
                    USING ERRCODE = 'SD003';
            END IF;
            IF EXISTS (SELECT FROM jsonb_array_elements(new_doc->'timeline') AS t(e)
                       WHERE jsonb_typeof(e->'delivery') = 'object' AND ((e #>> '{{delivery,state}}') IN ('queued', 'sent', 'failed')
                             AND jsonb_typeof(e #> '{{delivery,message_id}}') = 'string') IS NOT TRUE
                          OR coalesce(jsonb_typeof(e->'delivery'), 'null') NOT IN ('object', 'null')) THEN
                RAISE EXCEPTION 'ticket #% is not a valid ticket document: a delivery record lacks state or message_id',
                    OLD.id USING ERRCODE = '{INVALID_DOCUMENT}';
            END IF;
            NEW.status := OLD.status;
            NEW.created_at := OLD.created_at;
            NEW.closed_at := OLD.closed_at;
            RETURN NEW;
        END IF;
        IF NEW.version <> OLD.version + 1 THEN
            RAISE EXCEPTION 'ticket #% is at version %: a change must make it version %', OLD.id, OLD.version,
                OLD.version + 1 USING ERRCODE = 'SD003';
        END IF;
        old_doc := OLD.doc::jsonb;
        old_tl := coalesce(old_doc->'timeline', '[]');
        n_old := jsonb_array_length(old_tl);
    END IF;

    problem := sopdash.document_problem(new_doc, n_old);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'ticket #% is not a valid ticket document: %', NEW.id, problem USING ERRCODE = '{INVALID_DOCUMENT}';
    END IF;
    IF (new_doc->>'id')::bigint IS DISTINCT FROM NEW.id OR (new_doc->>'version')::integer IS DISTINCT FROM NEW.version THEN
        RAISE EXCEPTION 'ticket #%: its document says id %, version %; the row says %, %', NEW.id, new_doc->>'id',
            new_doc->>'version', NEW.id, NEW.version USING ERRCODE = '23514';
    END IF;
    NEW.status := new_doc->>'status';
    NEW.created_at := (new_doc->>'created_at')::timestamptz;
    NEW.closed_at := (new_doc->>'closed_at')::timestamptz;
    new_tl := coalesce(new_doc->'timeline', '[]');

    -- the entries it had stay as they were (their delivery records may move on); only the tail is new
    IF jsonb_array_length(new_tl) < n_old THEN
        RAISE EXCEPTION 'ticket #%: timeline entries are never altered or removed (% would be)', NEW.id,
            n_old - jsonb_array_length(new_tl) USING ERRCODE = 'SD001';
    END IF;
    IF n_old > 0 THEN
        prefix := new_tl;
        IF jsonb_array_length(new_tl) - n_old <= 8 THEN
            FOR i IN 1 .. jsonb_array_length(new_tl) - n_old LOOP  -- the new tail off (a note adds an entry or two)
                prefix := prefix - (-1);
            END LOOP;
        ELSE
            prefix := jsonb_path_query_array(new_tl, '$[0 to $last]', jsonb_build_object('last', n_old - 1));
        END IF;
        IF prefix <> old_tl  -- in one step; entry by entry only when something differs (delivery records move on)
           AND EXISTS (SELECT 1 FROM jsonb_array_elements(old_tl) WITH ORDINALITY AS o(e, n)
                       WHERE (o.e - 'delivery') IS DISTINCT FROM ((new_tl->(o.n::integer - 1)) - 'delivery')) THEN
            RAISE EXCEPTION 'ticket #%: timeline entries are never altered or removed, nor reordered', NEW.id
                USING ERRCODE = 'SD001';
        END IF;
    END IF;
    last_at := (old_tl->-1->>'at')::timestamptz;
    FOR i IN n_old .. jsonb_array_length(new_tl) - 1 LOOP
        entry := new_tl->i;
        at := (entry->>'at')::timestamptz;
        IF at < last_at AND NOT history THEN
            RAISE EXCEPTION 'ticket #%: a new timeline entry (%) may not come before the one it follows (%)', NEW.id,
                at, last_at USING ERRCODE = '{AUDIT_REFUSED}';
        END IF;
        last_at := at;
        PERFORM sopdash.check_clock(NEW.id, 'a new timeline entry''s time', at, history);
        IF NOT history AND entry->>'author' <> who AND entry->>'kind' <> 'client'
           AND NOT (entry->>'author' = 'mail' AND entry->>'kind' = 'event')
           AND NOT (entry->>'author' = 'mail' AND entry->>'kind' = 'public' AND TG_OP = 'INSERT') THEN  -- the receipt
            new_tl := jsonb_set(new_tl, ARRAY[i::text, 'author'], to_jsonb(who));
            rewritten := true;
        END IF;
    END LOOP;
    IF rewritten THEN
        new_doc := jsonb_set(new_doc, '{{timeline}}', new_tl);
    END IF;

    -- escalations only grow, each new one by this role at the server's time
    IF TG_OP = 'UPDATE' OR jsonb_array_length(coalesce(new_doc->'escalations', '[]')) > 0 THEN
        entry := sopdash.appended(NEW.id, 'escalations', coalesce(old_doc->'escalations', '[]'),
                                  coalesce(new_doc->'escalations', '[]'), who, history);
        IF entry IS DISTINCT FROM coalesce(new_doc->'escalations', '[]') THEN
            new_doc := jsonb_set(new_doc, '{{escalations}}', entry);
            rewritten := true;
        END IF;
    END IF;

    -- the manager flag: never cleared; raised again only anew; acknowledged once, by a manager, now
    flag_old := nullif(old_doc->'manager_flag', 'null');
    flag_new := nullif(new_doc->'manager_flag', 'null');
    IF flag_old IS NOT NULL AND (flag_new IS NULL OR ((flag_new->>'raised_at')::timestamptz <= (flag_old->>'raised_at')::timestamptz
                                 AND flag_new - 'acknowledged_at' - 'by' IS DISTINCT FROM flag_old - 'acknowledged_at' - 'by')) THEN
        RAISE EXCEPTION 'ticket #%: the manager flag is never cleared or changed, only acknowledged by a manager', NEW.id
            USING ERRCODE = '{AUDIT_REFUSED}';
    END IF;
    IF flag_new IS NOT NULL AND flag_new->>'raised_at' IS DISTINCT FROM flag_old->>'raised_at' THEN
        PERFORM sopdash.check_clock(NEW.id, 'the manager flag''s raised_at', (flag_new->>'raised_at')::timestamptz, history);
    END IF;
    IF nullif(flag_new->'acknowledged_at', 'null') IS NOT NULL
       AND (flag_new->>'acknowledged_at') IS DISTINCT FROM (flag_old->>'acknowledged_at') THEN
        IF NOT history AND NOT pg_catalog.pg_has_role(session_user, '{_MANAGER}', 'MEMBER') THEN
            RAISE EXCEPTION 'ticket #%: only a manager (a member of {_MANAGER}) acknowledges a manager flag', NEW.id
                USING ERRCODE = 'SD002';
        END IF;
        IF nullif(flag_old->'acknowledged_at', 'null') IS NOT NULL AND flag_new->>'raised_at' = flag_old->>'raised_at' THEN
            RAISE EXCEPTION 'ticket #%: the manager flag was acknowledged already', NEW.id USING ERRCODE = '{AUDIT_REFUSED}';
        END IF;
        PERFORM sopdash.check_clock(NEW.id, 'the manager flag''s acknowledged_at', (flag_new->>'acknowledged_at')::timestamptz, history);
        IF NOT history AND flag_new->>'by' IS DISTINCT FROM who THEN
            new_doc := jsonb_set(new_doc, '{{manager_flag,by}}', to_jsonb(who));
            rewritten := true;
        END IF;
    END IF;

    -- created_at never changes; acknowledged_at is set once; both at the server's time
    IF TG_OP = 'UPDATE' THEN
        IF (new_doc->>'created_at')::timestamptz IS DISTINCT FROM (old_doc->>'created_at')::timestamptz THEN
            RAISE EXCEPTION 'ticket #%: created_at never changes', NEW.id USING ERRCODE = '{AUDIT_REFUSED}';
        END IF;
        IF nullif(old_doc->'acknowledged_at', 'null') IS NOT NULL
           AND (new_doc->>'acknowledged_at')::timestamptz IS DISTINCT FROM (old_doc->>'acknowledged_at')::timestamptz THEN
            RAISE EXCEPTION 'ticket #%: acknowledged_at is set once and never changes', NEW.id USING ERRCODE = '{AUDIT_REFUSED}';
        END IF;
    ELSE
        PERFORM sopdash.check_clock(NEW.id, 'created_at', (new_doc->>'created_at')::timestamptz, history);
        IF NOT owner AND NEW.id > coalesce(pg_sequence_last_value('sopdash.ticket_ids'), 0) THEN
            RAISE EXCEPTION 'ticket #% was not handed out: ticket ids come from the sequence (nextval)', NEW.id
                USING ERRCODE = '{AUDIT_REFUSED}';
        END IF;
        IF NOT owner AND NEW.version <> 1 THEN
            RAISE EXCEPTION 'ticket #%: a new ticket is version 1', NEW.id USING ERRCODE = 'SD003';
        END IF;
    END IF;
    IF nullif(new_doc->'acknowledged_at', 'null') IS NOT NULL AND nullif(old_doc->'acknowledged_at', 'null') IS NULL THEN
        PERFORM sopdash.check_clock(NEW.id, 'acknowledged_at', (new_doc->>'acknowledged_at')::timestamptz, history);
        IF (new_doc->>'acknowledged_at')::timestamptz < (new_doc->>'created_at')::timestamptz THEN
            RAISE EXCEPTION 'ticket #%: acknowledged before it was created', NEW.id USING ERRCODE = '{AUDIT_REFUSED}';
        END IF;
    END IF;

    -- the SOP's close gate (2E/4D): closed only from resolved (or by a merge), with a summary, the client notified
    IF new_doc->>'status' = 'closed' AND NOT (history AND TG_OP = 'INSERT') THEN
        IF nullif(new_doc->'resolved_at', 'null') IS NULL OR btrim(coalesce(new_doc->>'resolution', '')) = ''
           OR nullif(new_doc->'client_notified_at', 'null') IS NULL
           OR (TG_OP = 'UPDATE' AND old_doc->>'status' NOT IN ('resolved', 'closed')
               AND NOT new_doc->'links' @> '[{{"kind": "merged-into"}}]') THEN  -- a merge resolves and closes at once
            RAISE EXCEPTION 'ticket #%: a ticket is closed only once resolved with a summary and the client notified (SOP 2E, 4D)',
                NEW.id USING ERRCODE = '{AUDIT_REFUSED}';
        END IF;
        IF old_doc->>'status' IS DISTINCT FROM 'closed' THEN
            PERFORM sopdash.check_clock(NEW.id, 'closed_at', (new_doc->>'closed_at')::timestamptz, history);
        END IF;
    END IF;

    IF rewritten THEN
        NEW.doc := new_doc::json;
    END IF;
    RETURN NEW;
END $$;

DROP TRIGGER guard_ticket_change ON sopdash.tickets;
DROP FUNCTION sopdash.guard_ticket_change();
CREATE TRIGGER audit_ticket BEFORE INSERT OR UPDATE ON sopdash.tickets
    FOR EACH ROW EXECUTE FUNCTION sopdash.audit_ticket();

-- the change log keeps each write's key; a key already written is refused
ALTER TABLE sopdash.changes ADD COLUMN write_key uuid;
CREATE TABLE sopdash.write_keys (
    key uuid PRIMARY KEY,
    txid xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    role name NOT NULL DEFAULT session_user,
    at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON sopdash.write_keys TO {_TECHNICIAN};

-- (record_changes, which writes the change log and announces, is left as it is: the key joins it by triggers)
CREATE FUNCTION sopdash.record_write_key() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    this_write uuid := nullif(current_setting('{WRITE_KEY}', true), '')::uuid;
BEGIN
    IF this_write IS NOT NULL THEN
        INSERT INTO sopdash.write_keys (key) VALUES (this_write) ON CONFLICT DO NOTHING;
        IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM sopdash.write_keys AS k
                                     WHERE k.key = this_write AND k.txid = pg_current_xact_id()) THEN
            RAISE EXCEPTION 'this write (%) was made already', this_write USING ERRCODE = '{ALREADY_WRITTEN}';
        END IF;
    END IF;
    RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION sopdash.record_write_key() FROM PUBLIC;
CREATE TRIGGER record_write_key AFTER INSERT OR UPDATE ON sopdash.tickets
    FOR EACH STATEMENT EXECUTE FUNCTION sopdash.record_write_key();

CREATE FUNCTION sopdash.stamp_change() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.write_key := nullif(current_setting('{WRITE_KEY}', true), '')::uuid;
    RETURN NEW;
END $$;
CREATE TRIGGER stamp_change BEFORE INSERT ON sopdash.changes
    FOR EACH ROW EXECUTE FUNCTION sopdash.stamp_change();

CREATE FUNCTION sopdash.newest_change() RETURNS bigint LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(max(seq), 0) FROM sopdash.changes
$$;

-- kept originals are never overwritten (the outbox journal and the mail index are working files); the database
-- names who kept a file and who logged a line
CREATE FUNCTION sopdash.guard_kept_file() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.relative <> OLD.relative THEN
            RAISE EXCEPTION 'a kept file keeps its name (%)', OLD.relative USING ERRCODE = '{AUDIT_REFUSED}';
        END IF;
        IF NEW.data = OLD.data THEN  -- kept again, the same bytes: as it was
            NEW.kept_by := OLD.kept_by;
            NEW.kept_at := OLD.kept_at;
            RETURN NEW;
        END IF;
        IF NOT (OLD.relative LIKE 'outbox/%' OR OLD.relative LIKE 'index/%' OR OLD.relative LIKE 'intake/%'
                OR (OLD.relative LIKE 'handover/%' AND OLD.kept_by = session_user)) THEN  -- one's own hand-over record
            RAISE EXCEPTION 'kept mail is never overwritten (%)', OLD.relative USING ERRCODE = '{AUDIT_REFUSED}';
        END IF;
    END IF;
    NEW.kept_by := session_user;
    NEW.kept_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER guard_kept_file BEFORE INSERT OR UPDATE ON sopdash.kept_files
    FOR EACH ROW EXECUTE FUNCTION sopdash.guard_kept_file();

CREATE FUNCTION sopdash.stamp_mail_log() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.logged_by := session_user;
    RETURN NEW;
END $$;
CREATE TRIGGER stamp_mail_log BEFORE INSERT ON sopdash.mail_log
    FOR EACH ROW EXECUTE FUNCTION sopdash.stamp_mail_log();

CREATE FUNCTION sopdash.stamp_presence() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.seen_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER stamp_presence BEFORE INSERT OR UPDATE ON sopdash.presence
    FOR EACH ROW EXECUTE FUNCTION sopdash.stamp_presence();

-- leaving, and clearing rows gone stale, without the DELETE right (which would let a technician lock the table)
CREATE FUNCTION sopdash.leave_presence(host text, pid integer) RETURNS void LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
    DELETE FROM sopdash.presence AS p WHERE p.login = session_user AND p.host = leave_presence.host AND p.pid = leave_presence.pid
$$;
CREATE FUNCTION sopdash.clear_stale_presence() RETURNS void LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
    DELETE FROM sopdash.presence WHERE seen_at < now() - interval '{STALE_AFTER_S} seconds'
$$;
REVOKE EXECUTE ON FUNCTION sopdash.leave_presence(text, integer), sopdash.clear_stale_presence() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sopdash.leave_presence(text, integer), sopdash.clear_stale_presence() TO {_TECHNICIAN};

ALTER FUNCTION sopdash.guard_settings_change() SET search_path = pg_catalog, pg_temp;

-- rights on columns, not tables: only table-level UPDATE, DELETE or TRUNCATE lets a role LOCK a table against others
REVOKE ALL ON sopdash.tickets, sopdash.presence, sopdash.kept_files, sopdash.mail_log, sopdash.changes,
    sopdash.settings, sopdash.settings_log, sopdash.migrations, sopdash.message_ids FROM {_TECHNICIAN}, {_MANAGER}, PUBLIC;
GRANT SELECT, INSERT ON sopdash.tickets, sopdash.presence, sopdash.kept_files TO {_TECHNICIAN};
GRANT UPDATE (version, doc) ON sopdash.tickets TO {_TECHNICIAN};
GRANT UPDATE (seen_at, ticket_id, activity) ON sopdash.presence TO {_TECHNICIAN};
GRANT UPDATE (data, kept_at, kept_by) ON sopdash.kept_files TO {_TECHNICIAN};
GRANT SELECT, INSERT ON sopdash.mail_log TO {_TECHNICIAN};
-- intake and every new ticket add Message-IDs (migration 6); intake moves one to the ticket that holds it
GRANT SELECT, INSERT ON sopdash.message_ids TO {_TECHNICIAN};
GRANT UPDATE (ticket_id) ON sopdash.message_ids TO {_TECHNICIAN};
GRANT SELECT ON sopdash.changes, sopdash.settings, sopdash.settings_log, sopdash.migrations TO {_TECHNICIAN};
GRANT INSERT ON sopdash.settings TO {_MANAGER};
GRANT UPDATE (document, version, changed_by, changed_at, how, changes) ON sopdash.settings TO {_MANAGER};
"""

MIGRATION = (7, "the audit kept by the database: authors, times, appends, the close gate, ids, documents, no locks", _SQL)
