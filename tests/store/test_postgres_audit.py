"""Attack: a technician at `psql` does what the SOP forbids. The database refuses each (migration 7): the audit
is the database's, whatever a client sends. Most statements go through the real `psql`, as the technician `amara`."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from pg_cluster import POSTGRES_BIN

from sopdash.core import rules
from sopdash.core.model import Requester, Ticket
from sopdash.store.postgres.pg_store import PostgresStore

ANN = Requester("Ann", "ann@example.com")


def psql(url: str, *statements: str) -> subprocess.CompletedProcess[str]:
    """Run statements in one psql session, as a technician at a terminal would; stops at the first error."""
    command = [str(POSTGRES_BIN / "psql"), url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At"]
    for statement in statements:
        command += ["-c", statement]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def refused(done: subprocess.CompletedProcess[str], *reasons: str) -> bool:
    return done.returncode != 0 and any(reason in done.stderr for reason in reasons)


@pytest.fixture
def db(postgres_db):
    """A desk whose writes are checked against the server's clock (the default of a real desk)."""
    with psycopg.connect(postgres_db.admin_url, autocommit=True) as conn:
        conn.execute("UPDATE sopdash.clock_policy SET max_skew = '5 minutes'")
    return postgres_db


def now() -> datetime:
    return datetime.now(timezone.utc)


@pytest.fixture
def store(db):
    opened = PostgresStore(db.url("amara"))
    yield opened
    opened.close()


def acknowledged_ticket(store: PostgresStore) -> Ticket:
    ticket = store.add(lambda new_id: rules.create(new_id, "VPN down", ANN, now(), "amara"))
    return store.update(ticket.id, lambda t: rules.acknowledge(t, "amara", now(), "On it."))


def doc(db, ticket_id: int = 1) -> dict:
    with psycopg.connect(db.admin_url) as conn:
        return json.loads(conn.execute("SELECT doc::text FROM sopdash.tickets WHERE id = %s", (ticket_id,)).fetchone()[0])


def rewrite(path: str, value: str) -> str:
    """An UPDATE that sets one field of ticket #1 (a jsonb path) and makes it the next version, as psql allows."""
    return ("UPDATE sopdash.tickets SET version = version + 1, doc = jsonb_set(jsonb_set(doc::jsonb, "
            f"'{path}', {value}), '{{version}}', to_jsonb(version + 1)) WHERE id = 1")


def appended_entry(author: str = "amara", at: str = "now()", kind: str = "internal") -> str:
    entry = (f"jsonb_build_object('at', to_char(({at}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"'), "
             f"'author', '{author}', 'kind', '{kind}', 'text', 'by hand')")
    return ("UPDATE sopdash.tickets SET version = version + 1, doc = jsonb_set(jsonb_set(doc::jsonb, '{timeline}', "
            f"doc::jsonb->'timeline' || {entry}), '{{version}}', to_jsonb(version + 1)) WHERE id = 1")


# -- the timeline: authors, times, order ------------------------------------------------------------------------


def test_an_entry_names_the_session_role_whatever_author_it_claims(db, store) -> None:
    acknowledged_ticket(store)

    done = psql(db.url("amara"), appended_entry(author="dana"))

    assert done.returncode == 0, done.stderr
    assert doc(db)["timeline"][-1]["author"] == "amara"
    assert store.get(1).timeline[-1].author == "amara"


def test_a_back_dated_entry_is_refused(db, store) -> None:
    acknowledged_ticket(store)

    done = psql(db.url("amara"), appended_entry(at="now() - interval '3 days'"))

    assert refused(done, "the database server's clock says", "may not come before"), done.stderr
    assert len(doc(db)["timeline"]) == len(store.get(1).timeline)


def test_an_entry_from_the_future_is_refused(db, store) -> None:
    acknowledged_ticket(store)

    assert refused(psql(db.url("amara"), appended_entry(at="now() + interval '1 hour'")), "server's clock")


def test_reordering_the_timeline_is_refused(db, store) -> None:
    acknowledged_ticket(store)
    before = store.get(1)
    reversed_timeline = "(SELECT jsonb_agg(e ORDER BY n DESC) FROM jsonb_array_elements(doc::jsonb->'timeline') " \
                        "WITH ORDINALITY AS t(e, n))"

    done = psql(db.url("amara"), rewrite("{timeline}", reversed_timeline))

    assert refused(done, "never altered or removed, nor reordered"), done.stderr
    assert store.get(1) == before


def test_an_entry_older_than_the_last_one_is_refused(db, store) -> None:
    acknowledged_ticket(store)

    done = psql(db.url("amara"), appended_entry(at="now() - interval '2 minutes'"))

    assert refused(done, "may not come before the one it follows"), done.stderr


# -- the manager flag and escalations -----------------------------------------------------------------------------


def escalated_ticket(store: PostgresStore) -> Ticket:
    acknowledged_ticket(store)
    return store.update(1, lambda t: rules.escalate(t, "amara", now(), "unsatisfied", "wants a manager"))


def test_a_technician_cannot_clear_the_manager_flag(db, store) -> None:
    escalated_ticket(store)
    before = store.get(1)
    assert before.manager_flag is not None

    assert refused(psql(db.url("amara"), rewrite("{manager_flag}", "'null'")), "manager flag is never cleared")
    assert refused(psql(db.url("amara"), rewrite("{manager_flag,acknowledged_at}", "to_jsonb(now())")), "only a manager")
    assert store.get(1) == before


def test_escalations_cannot_be_erased_or_rewritten(db, store) -> None:
    escalated_ticket(store)
    before = store.get(1)

    assert refused(psql(db.url("amara"), rewrite("{escalations}", "'[]'")), "only ever added to")
    assert refused(psql(db.url("amara"), rewrite("{escalations,0,reason}", "'\"other\"'")), "only ever added to")
    assert store.get(1) == before


def test_a_new_escalation_names_the_session_role(db, store) -> None:
    acknowledged_ticket(store)

    store.update(1, lambda t: rules.escalate(t, "someone-else", now(), "timing"))

    assert doc(db)["escalations"][-1]["by"] == "amara"


def test_shadowing_pg_has_role_in_public_does_not_make_a_manager(db, store) -> None:
    """Before PostgreSQL 15 every role may CREATE in public: a function there must not stand in for the catalog's."""
    escalated_ticket(store)
    with psycopg.connect(db.admin_url, autocommit=True) as conn:
        conn.execute("GRANT CREATE ON SCHEMA public TO sopdash_technician")
    shadow = ("CREATE FUNCTION public.pg_has_role(name, text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';"
              "CREATE FUNCTION public.pg_has_role(name, name, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';")

    done = psql(db.url("amara"), shadow, "SET search_path = public, pg_catalog",
                rewrite("{manager_flag,acknowledged_at}", "to_jsonb(now())"))

    assert refused(done, "only a manager"), done.stderr
    assert store.get(1).manager_flag.acknowledged_at is None


# -- times that are set once ---------------------------------------------------------------------------------------


def test_created_at_cannot_be_back_dated(db, store) -> None:
    acknowledged_ticket(store)

    done = psql(db.url("amara"), rewrite("{created_at}", "'\"2020-01-01T00:00:00+00:00\"'"))

    assert refused(done, "created_at never changes"), done.stderr


def test_a_new_ticket_cannot_be_back_dated(db) -> None:
    insert = ("INSERT INTO sopdash.tickets (id, version, doc) SELECT n, 1, json_build_object('id', n, 'version', 1, "
              "'subject', 'old', 'created_at', '2020-01-01T00:00:00+00:00') FROM nextval('sopdash.ticket_ids') AS n")

    assert refused(psql(db.url("amara"), insert), "created_at says 2020")


def test_acknowledged_at_cannot_be_back_dated(db, store) -> None:
    acknowledged_ticket(store)

    done = psql(db.url("amara"), rewrite("{acknowledged_at}", "'\"2020-01-01T00:00:00+00:00\"'"))

    assert refused(done, "acknowledged_at is set once"), done.stderr


def test_a_first_acknowledgement_cannot_be_back_dated(db, store) -> None:
    store.add(lambda new_id: rules.create(new_id, "VPN down", ANN, now(), "amara"))

    done = psql(db.url("amara"), rewrite("{acknowledged_at}", "to_jsonb(now() - interval '1 day')"))

    assert refused(done, "acknowledged_at says"), done.stderr


# -- the close gate -----------------------------------------------------------------------------------------------


def test_a_ticket_cannot_be_closed_without_being_resolved_and_the_client_notified(db, store) -> None:
    acknowledged_ticket(store)
    before = store.get(1)
    close = ("UPDATE sopdash.tickets SET version = version + 1, doc = doc::jsonb || jsonb_build_object("
             "'status', 'closed', 'closed_at', now(), 'version', version + 1) WHERE id = 1")

    assert refused(psql(db.url("amara"), close), "closed only once resolved with a summary and the client notified")
    assert store.get(1) == before


def test_a_closed_ticket_cannot_lose_its_resolution(db, store) -> None:
    acknowledged_ticket(store)
    store.update(1, lambda t: rules.resolve(t, "amara", now(), "replaced the cable"))
    store.update(1, lambda t: rules.close(t, "amara", now()))
    closed = store.get(1)

    assert refused(psql(db.url("amara"), rewrite("{resolution}", "'\"\"'")), "closed only once resolved")
    assert store.get(1) == closed


# -- ids and documents --------------------------------------------------------------------------------------------


def test_a_ticket_with_an_id_not_handed_out_is_refused_and_the_next_ticket_new_works(db, store) -> None:
    insert = ("INSERT INTO sopdash.tickets (id, version, doc) VALUES (2, 1, json_build_object('id', 2, 'version', 1, "
              "'subject', 'x', 'created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')))")

    assert refused(psql(db.url("amara"), insert), "was not handed out")
    made = store.add(lambda new_id: rules.create(new_id, "VPN down", ANN, now(), "amara"))
    assert made.id == 1 and store.add(lambda new_id: rules.create(new_id, "b", ANN, now(), "amara")).id == 2


@pytest.mark.parametrize("bad", [
    "'\"a string\"'",
    "jsonb_build_object('id', 1, 'version', 2, 'subject', 'x', 'created_at', 'yesterday')",
    "doc::jsonb || '{\"status\": \"lost\", \"version\": 2}'",
    "doc::jsonb || jsonb_build_object('version', 2, 'timeline', doc::jsonb->'timeline' || '[{\"text\": \"no author\"}]')",
    "doc::jsonb || '{\"tier\": 7, \"version\": 2}'",
], ids=["not an object", "bad time", "bad status", "entry without author", "bad tier"])
def test_an_invalid_document_is_refused_and_everyone_can_still_read(db, store, bad: str) -> None:
    store.add(lambda new_id: rules.create(new_id, "VPN down", ANN, now(), "amara"))

    done = psql(db.url("amara"), f"UPDATE sopdash.tickets SET version = 2, doc = ({bad})::json WHERE id = 1")

    assert refused(done, "is not a valid ticket document", "invalid input syntax"), done.stderr
    assert [t.subject for t in PostgresStore(db.url("bo")).live()] == ["VPN down"]


def test_a_delivery_record_the_app_cannot_read_is_refused(db, store) -> None:
    store.add(lambda new_id: rules.create(new_id, "VPN down", ANN, now(), "amara"))

    done = psql(db.url("amara"), "UPDATE sopdash.tickets SET doc = jsonb_set(doc::jsonb, '{timeline,0,delivery}', "
                                 "'{\"state\": \"lost\"}')::json WHERE id = 1")

    assert refused(done, "a delivery record lacks state or message_id"), done.stderr


# -- kept mail and the mail log -----------------------------------------------------------------------------------


def test_a_kept_original_is_never_overwritten_and_names_who_kept_it(db, store) -> None:
    store.kept_files().keep("2026/12/a.eml", b"the original")

    overwrite = psql(db.url("bo"), "UPDATE sopdash.kept_files SET data = 'forged' WHERE relative = '2026/12/a.eml'")
    forge = psql(db.url("bo"), "INSERT INTO sopdash.kept_files (relative, data, kept_by, kept_at) "
                               "VALUES ('2026/12/b.eml', 'x', 'dana', '2020-01-01')")
    relabel = psql(db.url("bo"), "UPDATE sopdash.kept_files SET kept_by = 'dana' WHERE relative = '2026/12/a.eml'")

    assert refused(overwrite, "kept mail is never overwritten"), overwrite.stderr
    assert forge.returncode == 0 and relabel.returncode == 0
    with psycopg.connect(db.admin_url) as conn:
        rows = conn.execute("SELECT relative, data, kept_by, kept_at > now() - interval '1 minute' "
                            "FROM sopdash.kept_files ORDER BY relative").fetchall()
    assert rows == [("2026/12/a.eml", b"the original", "amara", True), ("2026/12/b.eml", b"x", "bo", True)]


def test_the_mail_log_is_insert_only_and_names_who_logged(db, store) -> None:
    store.kept_files().append_log({"n": 1})

    forged = psql(db.url("bo"), "INSERT INTO sopdash.mail_log (record, logged_by) VALUES ('{\"n\": 2}', 'dana')")
    for statement in ("UPDATE sopdash.mail_log SET record = '{}'", "DELETE FROM sopdash.mail_log",
                      "UPDATE sopdash.mail_log SET logged_by = 'dana'"):
        assert refused(psql(db.url("bo"), statement), "permission denied")

    assert forged.returncode == 0, forged.stderr
    with psycopg.connect(db.admin_url) as conn:
        assert conn.execute("SELECT logged_by FROM sopdash.mail_log ORDER BY seq").fetchall() == [("amara",), ("bo",)]


# -- locks and rights ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["tickets", "presence", "kept_files", "mail_log", "changes", "settings",
                                   "message_ids", "write_keys"])
def test_a_technician_cannot_lock_a_table(db, table: str) -> None:
    done = psql(db.url("amara"), "BEGIN", f"LOCK TABLE sopdash.{table} IN SHARE MODE")

    assert refused(done, "permission denied"), done.stderr


def test_technicians_own_nothing_and_hold_no_truncate_references_or_trigger(db) -> None:
    with psycopg.connect(db.admin_url) as conn:
        owned = conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sopdash' "
            "AND pg_has_role('amara', c.relowner, 'MEMBER')").fetchall()
        rights = conn.execute(
            "SELECT c.relname, p FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, "
            "unnest(ARRAY['TRUNCATE', 'REFERENCES', 'TRIGGER', 'UPDATE', 'DELETE']) AS p "
            "WHERE n.nspname = 'sopdash' AND c.relkind = 'r' AND has_table_privilege('dana', c.oid, p)").fetchall()
    assert owned == [] and rights == []


def test_every_function_runs_with_a_fixed_search_path(db) -> None:
    with psycopg.connect(db.admin_url) as conn:
        loose = conn.execute(
            "SELECT proname FROM pg_proc WHERE pronamespace = 'sopdash'::regnamespace AND NOT coalesce("
            "'search_path=pg_catalog, pg_temp' = ANY(proconfig), false)").fetchall()
    assert loose == []


def test_presence_is_left_and_cleared_without_the_delete_right(db, store) -> None:
    board = store.presence_board("amara")
    board.announce(None, "queue")
    assert [p.login for p in PostgresStore(db.url("bo")).presence_board("bo").others()] == ["amara"]

    board.leave()

    assert PostgresStore(db.url("bo")).presence_board("bo").others() == []
    assert refused(psql(db.url("bo"), "DELETE FROM sopdash.presence"), "permission denied")

