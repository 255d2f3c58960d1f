"""`sopdash ticket list --all`: every ticket ever, newest first, a page at a time, archived ones from their month's
index; `--json` keeps every ticket in full, in the queue's order."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sopdash.core.model import Ticket
from sopdash.store.ticket_store import TicketStore


def test_list_all_prints_every_ticket_once_newest_first_across_pages(env, sopdash, now, monkeypatch) -> None:
    monkeypatch.setattr("sopdash.cli.history_list.HISTORY_PAGE", 7)
    monkeypatch.setattr("sopdash.cli.history_list.LATER_PAGES", 5)
    moment = datetime.fromisoformat(now)
    store = TicketStore(env, clock=lambda: moment)
    store.add_many([Ticket(id=0, subject=f"Old jam {n}", created_at=moment - timedelta(days=90 - n), status="closed",
                           closed_at=moment - timedelta(days=80 - n)) for n in range(30)])
    store.add_many([Ticket(id=0, subject="Printer \x1b[31mred", created_at=moment - timedelta(hours=1))])
    assert store.history_page(None, 100)[0][-1].id == 1 and len(store.live()) == 1  # 30 in the archive

    listed = sopdash("ticket", "list", "--all")

    lines = listed.out.splitlines()
    assert listed.code == 0 and lines[0].split() == ["ID", "PRIORITY", "STATUS", "CLOSED", "ASSIGNEE", "SUBJECT"]
    assert [int(line.split()[0].lstrip("#")) for line in lines[1:]] == [31, *range(30, 0, -1)]
    assert "\x1b" not in listed.out and "Printer [31mred" not in listed.out
    assert [d["id"] for d in json.loads(sopdash("ticket", "list", "--all", "--json").out)][0] == 31


def test_list_all_of_an_empty_store_says_so(env, sopdash) -> None:
    assert sopdash("ticket", "list", "--all").out == "no tickets\n"
