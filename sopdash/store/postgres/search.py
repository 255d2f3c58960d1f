"""Full-text search in PostgreSQL: migration 8 (a `search` tsvector on every ticket, kept by a trigger from its
document, and a GIN index on it), and the query a search runs.

The database folds as `core/search.py` does as far as it can: the 'simple' configuration (no stemming, no stop
words), lower case, accents dropped by the unaccent extension where it can be created (else only case is folded),
punctuation read as a space (so `bo@example.com` is three words, as in the file store's index). Word forms: a query
word is looked for as a prefix of its Snowball stem (`printing` → `print:*`), which finds the forms that share it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sopdash.core.search import SearchQuery

MAX_TEXT = 500_000  # characters of a ticket's text indexed: a tsvector is at most 1 MB

MIGRATION = (
    8,
    "full-text search: a tsvector of each ticket's text, kept by a trigger, and its GIN index",
    f"""
DO $$
DECLARE
    home name;
BEGIN
    BEGIN
        CREATE SCHEMA IF NOT EXISTS sopdash_unaccent;  -- the extension's own functions, apart from ours
        CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA sopdash_unaccent;
        GRANT USAGE ON SCHEMA sopdash_unaccent TO PUBLIC;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'unaccent is not available here: search folds case, not accents, in the database';
    END;
    SELECT extnamespace::regnamespace::name INTO home FROM pg_extension WHERE extname = 'unaccent';
    IF home IS NULL THEN
        CREATE FUNCTION sopdash.search_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN regexp_replace(lower(t), '[[:punct:]]+', ' ', 'g');
    ELSE
        EXECUTE format('CREATE FUNCTION sopdash.search_fold(t text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE '
                       'RETURN regexp_replace(lower(%1$I.unaccent(%2$L::regdictionary, t)), ''[[:punct:]]+'', '' '', ''g'')',
                       home, home || '.unaccent');
    END IF;
END $$;

CREATE FUNCTION sopdash.search_vector(doc json) RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE
RETURN to_tsvector('simple', sopdash.search_fold(left(concat_ws(' ',
    doc->>'subject', doc->>'body', doc->'requester'->>'name', doc->'requester'->>'email',
    (SELECT string_agg(e->>'text', ' ') FROM json_array_elements(doc->'timeline') e),
    (SELECT string_agg(c::text, ' ') FROM json_array_elements(
        CASE WHEN json_typeof(doc->'cc') = 'array' THEN doc->'cc' ELSE '[]'::json END) c)
), {MAX_TEXT})));

ALTER TABLE sopdash.tickets ADD COLUMN search tsvector;

CREATE FUNCTION sopdash.derive_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := sopdash.search_vector(NEW.doc);
    RETURN NEW;
END $$;

-- the tickets already there: no ticket changes, so none of the triggers that guard changes may run meanwhile
ALTER TABLE sopdash.tickets DISABLE TRIGGER USER;
UPDATE sopdash.tickets SET search = sopdash.search_vector(doc);
ALTER TABLE sopdash.tickets ENABLE TRIGGER USER;

ALTER FUNCTION sopdash.search_fold(text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION sopdash.search_vector(json) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION sopdash.derive_search() SET search_path = pg_catalog, pg_temp;

CREATE TRIGGER derive_search BEFORE INSERT OR UPDATE ON sopdash.tickets
    FOR EACH ROW EXECUTE FUNCTION sopdash.derive_search();
CREATE INDEX tickets_search ON sopdash.tickets USING gin (search);
""",
)


def tsquery_text(query: SearchQuery) -> str:
    """query for to_tsquery('simple', …): each word a prefix of its stem, each phrase its words in order, all of them
    required. The words are folded `\\w+` runs, so nothing in them is tsquery syntax."""
    parts = [f"'{term}':*" for term in query.terms]
    parts += ["(" + " <-> ".join(f"'{word}':*" for word in phrase) + ")" for phrase in query.phrases]
    return " & ".join(parts)


def search_sql(query: SearchQuery, before: int | None, since: datetime | None) -> tuple[str, dict[str, Any]]:
    """The statement that finds a page of hits (id, whether archived, document), newest first, and its parameters
    (cutoff and limit still to be given)."""
    where = ["search @@ to_tsquery('simple', %(words)s)"]
    params: dict[str, Any] = {"words": tsquery_text(query), "before": before, "since": since}
    if before is not None:
        where.append("id < %(before)s")
    for name, expression, values in (("statuses", "status", query.filters.statuses),
                                     ("priorities", "coalesce(doc->>'priority', 'medium')", query.filters.priorities),
                                     ("assignees", "coalesce(doc->>'assignee', '')", query.filters.assignees)):
        if values is not None:
            where.append(f"{expression} = ANY(%({name})s)")
            params[name] = sorted(values)
    if since is not None:
        where.append("greatest(created_at, (SELECT max((e->>'at')::timestamptz) FROM json_array_elements(doc->'timeline') e))"
                     " >= %(since)s")
    statement = (
        "SELECT id, status = 'closed' AND greatest(created_at, closed_at) < %(cutoff)s, doc FROM sopdash.tickets "
        f"WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT %(limit)s"
    )
    return statement, params
