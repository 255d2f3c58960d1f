"""The PostgreSQL schema, its numbered migrations, and the roles that let the database decide who may do what.

Every ticket is one row: its document (the same JSON the file store keeps, as written) in `doc`, its version beside it.
Triggers the technicians cannot switch off (only the schema's owner can) keep the rules of the store:
  - a change must make the ticket exactly one version newer, so an out-of-date write cannot slip through;
  - no timeline entry once written may be altered or removed (only its mail `delivery` record moves on);
  - only a member of `sopdash_manager` may acknowledge a manager flag;
  - the desk's settings (`sopdash.settings`, one row) are read by everyone and changed only by managers, each
    change logged in `sopdash.settings_log` by a trigger, with the role and time the database gives;
  - every write is recorded in `sopdash.changes` with the database role that made it, a table the
    technicians can read but not write, and announced on the `sopdash_tickets` channel (LISTEN/NOTIFY).
Technicians log in as their own roles, members of `sopdash_technician`: they may read, add and change
tickets, draw ticket ids, and nothing else (no DELETE, no TRUNCATE, no setval: ids are never reused).
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg import sql

from sopdash.core.presence import STALE_AFTER_S
from sopdash.store.postgres import audit_rules
from sopdash.store.postgres.history_pages import MIGRATION as HISTORY_MIGRATION
from sopdash.store.postgres.scale_migration import SCALE_MIGRATION
from sopdash.store.postgres.search import MIGRATION as SEARCH_MIGRATION

SCHEMA = "sopdash"
TECHNICIAN_ROLE = "sopdash_technician"
MANAGER_ROLE = "sopdash_manager"
CHANNEL = "sopdash_tickets"
# SQLSTATEs the triggers raise, so the store can turn each into its own message
TIMELINE_ALTERED = "SD001"
MANAGER_ONLY = "SD002"
VERSION_SKIPPED = "SD003"
_INIT_LOCK = 0x50D_DA5  # advisory lock key: two init-postgres at once take turns


def _guard(version_rule: str) -> str:
    """The guard trigger's function, with the rule for versions of its migration (the other rules never changed)."""
    return """CREATE OR REPLACE FUNCTION sopdash.guard_ticket_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    altered bigint;
BEGIN
    IF NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'ticket #% cannot change its id', OLD.id USING ERRCODE = '{VERSION_SKIPPED}';
    END IF;
{version_rule}    SELECT count(*) INTO altered FROM (
        SELECT entry - 'delivery' FROM jsonb_array_elements(OLD.doc::jsonb->'timeline') AS old(entry)
        EXCEPT ALL
        SELECT entry - 'delivery' FROM jsonb_array_elements(NEW.doc::jsonb->'timeline') AS new(entry)
    ) AS gone;
    IF altered > 0 THEN
        RAISE EXCEPTION 'ticket #%: timeline entries are never altered or removed (% would be)', OLD.id, altered
            USING ERRCODE = '{TIMELINE_ALTERED}';
    END IF;
    IF (NEW.doc #>> '{{manager_flag,acknowledged_at}}') IS NOT NULL
       AND (NEW.doc #>> '{{manager_flag,acknowledged_at}}') IS DISTINCT FROM (OLD.doc #>> '{{manager_flag,acknowledged_at}}')
       AND NOT pg_has_role(current_user, '{MANAGER_ROLE}', 'MEMBER') THEN
        RAISE EXCEPTION 'ticket #%: only a manager (a member of {MANAGER_ROLE}) acknowledges a manager flag', OLD.id
            USING ERRCODE = '{MANAGER_ONLY}';
    END IF;
    RETURN NEW;
END $$;
""".format(
        version_rule=version_rule, VERSION_SKIPPED=VERSION_SKIPPED, TIMELINE_ALTERED=TIMELINE_ALTERED,
        MANAGER_ONLY=MANAGER_ONLY, MANAGER_ROLE=MANAGER_ROLE,
    )


_STRICT_VERSION = f"""    IF NEW.version <> OLD.version + 1 THEN
        RAISE EXCEPTION 'ticket #% is at version %: a change must make it version %', OLD.id, OLD.version,
            OLD.version + 1 USING ERRCODE = '{VERSION_SKIPPED}';
    END IF;
"""
# From migration 3: a write that keeps the version may change mail delivery records and nothing else (the mail
# gateway's `annotate`, which must not make a technician's open dialog out of date).
_DELIVERY_KEEPS_VERSION = f"""    IF NEW.version = OLD.version THEN
        IF sopdash.without_delivery(NEW.doc::jsonb) IS DISTINCT FROM sopdash.without_delivery(OLD.doc::jsonb) THEN
            RAISE EXCEPTION 'ticket #%: only mail delivery records change without a new version', OLD.id
                USING ERRCODE = '{VERSION_SKIPPED}';
        END IF;
        RETURN NEW;
    END IF;
""" + _STRICT_VERSION


MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "tickets, their guard triggers, the change log and its notifications",
        f"""
CREATE SEQUENCE sopdash.ticket_ids;

CREATE TABLE sopdash.tickets (
    id bigint PRIMARY KEY,
    version integer NOT NULL CHECK (version >= 1),
    doc json NOT NULL,  -- json, not jsonb: kept as written, so reading 50,000 tickets sends them without conversion
    -- read from doc by a trigger, for choosing the working set and a report's period in the server
    status text NOT NULL,
    created_at timestamptz NOT NULL,
    closed_at timestamptz,
    CHECK ((doc->>'id')::bigint = id AND (doc->>'version')::integer = version)
);
CREATE INDEX tickets_closed ON sopdash.tickets (closed_at) WHERE status = 'closed';

CREATE FUNCTION sopdash.derive_columns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.status := NEW.doc->>'status';
    NEW.created_at := (NEW.doc->>'created_at')::timestamptz;
    NEW.closed_at := (NEW.doc->>'closed_at')::timestamptz;
    RETURN NEW;
END $$;

CREATE TRIGGER derive_columns BEFORE INSERT OR UPDATE ON sopdash.tickets
    FOR EACH ROW EXECUTE FUNCTION sopdash.derive_columns();

CREATE TABLE sopdash.changes (
    seq bigserial PRIMARY KEY,
    ticket_id bigint NOT NULL,
    version integer NOT NULL,
    role name NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);

{_guard(_STRICT_VERSION)}
CREATE TRIGGER guard_ticket_change BEFORE UPDATE ON sopdash.tickets
    FOR EACH ROW EXECUTE FUNCTION sopdash.guard_ticket_change();

CREATE FUNCTION sopdash.record_changes() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO sopdash.changes (ticket_id, version, role) SELECT id, version, session_user FROM changed;
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END $$;

CREATE TRIGGER record_inserts AFTER INSERT ON sopdash.tickets REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION sopdash.record_changes();
CREATE TRIGGER record_updates AFTER UPDATE ON sopdash.tickets REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION sopdash.record_changes();

GRANT USAGE ON SCHEMA sopdash TO {TECHNICIAN_ROLE};
GRANT SELECT ON sopdash.migrations, sopdash.changes TO {TECHNICIAN_ROLE};
GRANT SELECT, INSERT, UPDATE ON sopdash.tickets TO {TECHNICIAN_ROLE};
GRANT USAGE ON SEQUENCE sopdash.ticket_ids TO {TECHNICIAN_ROLE};
REVOKE EXECUTE ON FUNCTION sopdash.record_changes() FROM PUBLIC;
""",
    ),
    (
        2,
        "presence: which dashboards show which ticket",
        f"""
CREATE TABLE sopdash.presence (
    login name NOT NULL DEFAULT current_user,
    host text NOT NULL,
    pid integer NOT NULL,
    seen_at timestamptz NOT NULL DEFAULT now(),
    ticket_id bigint,
    activity text NOT NULL,
    PRIMARY KEY (login, host, pid)
);
ALTER TABLE sopdash.presence ENABLE ROW LEVEL SECURITY;
-- everyone sees everyone; each role writes only its own entries, and anyone clears entries gone stale
CREATE POLICY everyone_reads ON sopdash.presence FOR SELECT USING (true);
CREATE POLICY own_entries ON sopdash.presence FOR ALL USING (login = current_user) WITH CHECK (login = current_user);
CREATE POLICY stale_entries ON sopdash.presence FOR DELETE USING (seen_at < now() - interval '{STALE_AFTER_S} seconds');

GRANT SELECT, INSERT, UPDATE, DELETE ON sopdash.presence TO {TECHNICIAN_ROLE};
""",
    ),
    (
        3,
        "mail delivery records move on without a new version",
        f"""
CREATE FUNCTION sopdash.without_delivery(doc jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_set(doc, '{{timeline}}', coalesce((
        SELECT jsonb_agg(entry - 'delivery' ORDER BY n)
        FROM jsonb_array_elements(doc->'timeline') WITH ORDINALITY AS t(entry, n)
    ), '[]'::jsonb))
$$;
{_guard(_DELIVERY_KEEPS_VERSION)}
""",
    ),
    (
        4,
        "kept mail, the mail log and its outbox, beside the tickets",
        f"""
CREATE TABLE sopdash.kept_files (
    relative text PRIMARY KEY,
    data bytea NOT NULL,
    kept_at timestamptz NOT NULL DEFAULT now(),
    kept_by name NOT NULL DEFAULT session_user
);
CREATE TABLE sopdash.mail_log (
    seq bigserial PRIMARY KEY,
    record jsonb NOT NULL,
    logged_by name NOT NULL DEFAULT session_user
);
-- kept mail may be kept again under the same name (as a file is replaced); the log is only ever added to
GRANT SELECT, INSERT, UPDATE ON sopdash.kept_files TO {TECHNICIAN_ROLE};
GRANT SELECT, INSERT ON sopdash.mail_log TO {TECHNICIAN_ROLE};
GRANT USAGE ON SEQUENCE sopdash.mail_log_seq_seq TO {TECHNICIAN_ROLE};
""",
    ),
    (
        5,
        "the desk's settings, changed by managers, every change logged",
        f"""
CREATE TABLE sopdash.settings (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),  -- one row: the desk's settings
    document text NOT NULL,  -- TOML, as in a file store's <store>.settings.toml
    version integer NOT NULL CHECK (version >= 1),
    changed_by name NOT NULL DEFAULT session_user,
    changed_at timestamptz NOT NULL DEFAULT now(),
    how text NOT NULL DEFAULT '',
    changes jsonb NOT NULL DEFAULT '[]'
);
CREATE TABLE sopdash.settings_log (
    seq bigserial PRIMARY KEY,
    at timestamptz NOT NULL,
    changed_by name NOT NULL,
    version integer NOT NULL,
    how text NOT NULL,
    changes jsonb NOT NULL,
    document text NOT NULL
);

CREATE FUNCTION sopdash.guard_settings_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version <> coalesce(OLD.version, 0) + 1 THEN
        RAISE EXCEPTION 'the desk''s settings are at version %: a change must make them version %',
            coalesce(OLD.version, 0), coalesce(OLD.version, 0) + 1 USING ERRCODE = '{VERSION_SKIPPED}';
    END IF;
    NEW.changed_by := session_user;
    NEW.changed_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER guard_settings_change BEFORE INSERT OR UPDATE ON sopdash.settings
    FOR EACH ROW EXECUTE FUNCTION sopdash.guard_settings_change();

CREATE FUNCTION sopdash.log_settings_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO sopdash.settings_log (at, changed_by, version, how, changes, document)
        VALUES (NEW.changed_at, NEW.changed_by, NEW.version, NEW.how, NEW.changes, NEW.document);
    RETURN NULL;
END $$;
CREATE TRIGGER log_settings_change AFTER INSERT OR UPDATE ON sopdash.settings
    FOR EACH ROW EXECUTE FUNCTION sopdash.log_settings_change();
REVOKE EXECUTE ON FUNCTION sopdash.log_settings_change() FROM PUBLIC;

-- every technician reads the desk's settings and their log; managers change the settings; nobody writes the log
GRANT SELECT ON sopdash.settings, sopdash.settings_log TO {TECHNICIAN_ROLE};
GRANT INSERT, UPDATE ON sopdash.settings TO {MANAGER_ROLE};
""",
    ),
    SCALE_MIGRATION,
    audit_rules.MIGRATION,
    SEARCH_MIGRATION,
    HISTORY_MIGRATION,
)
SCHEMA_VERSION = MIGRATIONS[-1][0]



def init_postgres(conn: psycopg.Connection, technicians: Sequence[str] = (), managers: Sequence[str] = ()) -> list[str]:
    """Create or bring up to date the schema, the group roles and the given technicians' and managers' roles.

    Idempotent: run it again after upgrading sopdash, or to add people. Returns what it did, one line each.
    """
    done: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_INIT_LOCK,))
        done += _ensure_group_role(conn, TECHNICIAN_ROLE)  # first: each migration grants its tables to the roles
        done += _ensure_group_role(conn, MANAGER_ROLE, member_of=TECHNICIAN_ROLE)
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS sopdash.migrations (version integer PRIMARY KEY, "
            "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        applied = {row[0] for row in conn.execute("SELECT version FROM sopdash.migrations")}
        migrated = [_migrate(conn, version, description, statements)
                    for version, description, statements in MIGRATIONS if version not in applied]
        done += migrated or [f"schema: at version {max(applied)}, nothing to migrate"]
        done += [_ensure_login(conn, login, TECHNICIAN_ROLE) for login in technicians]
        done += [_ensure_login(conn, login, MANAGER_ROLE) for login in managers]
    return done


def _migrate(conn: psycopg.Connection, version: int, description: str, statements: str) -> str:
    conn.execute(statements)
    conn.execute("INSERT INTO sopdash.migrations (version, description) VALUES (%s, %s)", (version, description))
    return f"schema: applied migration {version} ({description})"


def _ensure_group_role(conn: psycopg.Connection, role: str, member_of: str | None = None) -> list[str]:
    if _role_exists(conn, role):
        return []
    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    if member_of:
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(member_of), sql.Identifier(role)))
    return [f"role: created {role}"]


def _ensure_login(conn: psycopg.Connection, login: str, group: str) -> str:
    """A login role for a person (created without a password: PostgreSQL authenticates them), in group."""
    created = not _role_exists(conn, login)
    if created:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(login)))
    conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(login)))
    return f"role: {'created' if created else 'kept'} {login}, a member of {group}"


def _role_exists(conn: psycopg.Connection, role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def schema_version(conn: psycopg.Connection) -> int | None:
    """The highest migration applied in this database; None if sopdash was never set up in it."""
    found = conn.execute("SELECT to_regclass('sopdash.migrations') IS NOT NULL").fetchone()
    if not (found and found[0]):
        return None
    row = conn.execute("SELECT max(version) FROM sopdash.migrations").fetchone()
    return row[0] if row else None
