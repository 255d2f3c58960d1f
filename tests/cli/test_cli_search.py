"""`sopdash ticket search`: live and archived tickets found by what they say, newest first, the matching line shown,
requesters masked in privacy mode, and `store reindex`."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sopdash.core.model import Requester, Ticket
from sopdash.store.opening import open_store

LONG_AGO = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)


def archived_ticket(env: Path) -> int:
    store = open_store(env)
    ticket = store.add(lambda i: Ticket(
        id=i, subject="Printer on fire", body="Smoke from the printer\nZoë Brown saw it, call +44 20 7946 0958",
        requester=Requester("Zoë Brown", "zoe@example.com"), created_at=LONG_AGO, status="closed",
        closed_at=LONG_AGO + timedelta(days=1)))
    store.archive()
    return ticket.id


def test_search_finds_live_and_archived_tickets_newest_first(env: Path, sopdash, new_ticket) -> None:
    old = archived_ticket(env)
    new = new_ticket("Printers jam again", "--body", "The printer in room 4 jams on every page")
    result = sopdash("ticket", "search", "PRINTERS")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith(f"#{new:<6} new ") and lines[0].endswith("Printers jam again  (Ann)")
    assert lines[1].strip() == "The printer in room 4 jams on every page"
    assert lines[2].startswith(f"#{old:<6} closed, archived   2026-03-10  Printer on fire")
    assert lines[3].strip() == "Smoke from the printer"


def test_json_status_since_and_limit(env: Path, sopdash, new_ticket) -> None:
    old = archived_ticket(env)
    new = new_ticket("Printer jams")
    hits = json.loads(sopdash("ticket", "search", "printer", "--json").out)
    assert [(h["id"], h["archived"], h["status"]) for h in hits] == [(new, False, "new"), (old, True, "closed")]
    assert [h["id"] for h in json.loads(sopdash("ticket", "search", "printer", "--status", "closed", "--json").out)] == [old]
    assert [h["id"] for h in json.loads(sopdash("ticket", "search", "printer", "--since", "2026-06-01", "--json").out)] == [new]
    paged = sopdash("ticket", "search", "printer", "--limit", "1")
    assert paged.out.splitlines()[-1] == f"(more may match: add --before {new} for the next page)"
    assert f"#{old}" in sopdash("ticket", "search", "printer", "--before", str(new)).out


def test_privacy_mode_hides_the_requester_in_results(env: Path, sopdash) -> None:
    archived_ticket(env)
    config = Path(os.environ["SOPDASH_CONFIG"])
    config.write_text(config.read_text(encoding="utf-8") + "\n[ui]\nprivacy = true\n", encoding="utf-8")
    text = sopdash("ticket", "search", "zoe").out
    assert "Zoë" not in text and "zoe@" not in text and "Brown" not in text and "7946" not in text
    assert "(Z*** B***)" in text and "Z*** B*** saw it" in text
    hit = json.loads(sopdash("ticket", "search", "smoke", "--json").out)[0]
    assert hit["requester"] == {"name": "Z*** B***", "email": "z***@e***.com"}


def test_nothing_found_filters_alone_and_bad_filters(env: Path, sopdash, new_ticket) -> None:
    new_ticket("Printer jams")
    assert sopdash("ticket", "search", "toner").out == "no ticket holds toner\n"
    alone = sopdash("ticket", "search", "p:high")
    assert alone.code != 0 and "give a word to find" in alone.err
    bad = sopdash("ticket", "search", "printer", "p:hgh")
    assert bad.code != 0 and "priority 'hgh' is not one of" in bad.err


def test_store_reindex_builds_the_index_anew(env: Path, sopdash, new_ticket) -> None:
    archived_ticket(env)
    new_ticket("Printer jams")
    result = sopdash("store", "reindex")
    assert result.code == 0, result.err
    assert result.out == f"the search index of {env} holds 2 tickets\n"
    assert "ok: the search index holds all 2 tickets" in sopdash("check").out
