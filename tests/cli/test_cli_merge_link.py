"""`ticket merge`, `link`, `unlink` and `resolve-all` on a file and on PostgreSQL: both tickets in one write."""

from __future__ import annotations

import json

import pytest

from sopdash.desk.identity import current_login

ME = current_login()


@pytest.fixture(params=["file", "postgres"])
def store(request, env, monkeypatch):
    """Each test on the file store and on a fresh PostgreSQL database."""
    if request.param == "postgres":
        database = request.getfixturevalue("postgres_db")
        monkeypatch.setenv("SOPDASH_DB", database.url(ME))
    return request.param


def shown(sopdash, ticket_id: int) -> dict:
    result = sopdash("ticket", "show", str(ticket_id), "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_merge_closes_the_source_as_merged_and_shows_its_history_on_the_target(store, sopdash, new_ticket):
    source, target = new_ticket("Printer down"), new_ticket("Printer on floor 3 down")
    assert sopdash("ticket", "note", str(source), "checked the cable").code == 0

    result = sopdash("ticket", "merge", str(source), f"#{target}")

    assert result.code == 0, result.err
    assert result.out.startswith(f"#{source} merged into #{target} and closed; the notice to its client: recorded")
    merged, joined = shown(sopdash, source), shown(sopdash, target)
    assert (merged["status"], merged["resolution"]) == ("closed", f"merged into #{target} as a duplicate")
    assert merged["links"] == [{"kind": "merged-into", "ticket": target}]
    assert joined["links"] == [{"kind": "merged-from", "ticket": source}]
    assert not any("origin" in entry for entry in joined["timeline"])  # the target's own history, as stored
    text = sopdash("ticket", "show", str(target)).out
    assert f"Links     merged from #{source} · closed · Printer down" in text
    assert f"from #{source}: checked the cable" in text
    assert "0 problems" in sopdash("check").out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("1", "1"), "cannot be merged into itself"),
        (("1", "2"), "#2 is closed"),
        (("3", "1"), "already merged"),
    ],
)
def test_merge_is_refused_and_touches_nothing(store, sopdash, new_ticket, args, message):
    for _ in range(3):
        new_ticket()
    sopdash("ticket", "resolve", "2", "--summary", "fixed")
    sopdash("ticket", "close", "2")
    sopdash("ticket", "merge", "3", "1")
    before = [shown(sopdash, n) for n in (1, 2, 3)]

    result = sopdash("ticket", "merge", *args)

    assert result.code != 0 and message in result.err
    assert [shown(sopdash, n) for n in (1, 2, 3)] == before


def test_link_shows_both_ends_with_their_status_and_unlink_takes_them_away(store, sopdash, new_ticket):
    outage, printer = new_ticket("Network outage"), new_ticket("Printer offline")

    assert sopdash("ticket", "link", str(outage), "child", str(printer)).out.strip() == f"#{outage} parent of #{printer}"
    assert f"Links     child of #{outage} · new · Network outage" in sopdash("ticket", "show", str(printer)).out
    assert sopdash("ticket", "link", str(printer), "related", str(outage)).code != 0

    assert sopdash("ticket", "unlink", str(printer), str(outage)).code == 0
    assert shown(sopdash, outage)["links"] == []
    assert "Links" not in sopdash("ticket", "show", str(printer)).out


def test_resolve_all_resolves_and_notifies_each_open_child_and_closes_nothing(store, sopdash, new_ticket):
    outage = new_ticket("Network outage")
    children = [new_ticket(f"Cannot reach server {n}") for n in range(3)]
    for child in children:
        sopdash("ticket", "link", str(outage), "child", str(child))

    result = sopdash("ticket", "resolve-all", str(outage), "--summary", "the core switch was replaced")

    assert result.code == 0, result.err
    for ticket_id in (outage, *children):
        ticket = shown(sopdash, ticket_id)
        assert (ticket["status"], ticket["resolution"]) == ("resolved", "the core switch was replaced")
        assert ticket["client_notified_at"]
        assert sopdash("ticket", "close", str(ticket_id)).code == 0  # each one's close gate is met


def test_the_report_counts_a_merged_duplicate_apart_from_the_clocks(store, sopdash, new_ticket):
    source, target = new_ticket("Printer down"), new_ticket("Printer on floor 3 down")
    sopdash("ticket", "merge", str(source), str(target))

    report = json.loads(sopdash("report", "--format", "json", "--since", "2020-01-01", "--until", "2026-12-31").out)

    assert (report["overall"]["created"], report["merged"]) == (1, 1)
    assert "Merged into other tickets as duplicates (not counted above): 1" in sopdash("report", "--since", "2020-01-01", "--until", "2026-12-31").out


def test_resolving_a_parent_points_to_resolve_all_which_then_resolves_its_children(store, sopdash, new_ticket):
    outage, child = new_ticket("Network outage"), new_ticket("No network on floor 2")
    sopdash("ticket", "link", str(outage), "child", str(child))

    resolved = sopdash("ticket", "resolve", str(outage), "--summary", "replaced the switch")

    assert f"`sopdash ticket resolve-all {outage} --summary …`" in resolved.err
    result = sopdash("ticket", "resolve-all", str(outage), "--summary", "replaced the switch")
    assert result.code == 0, result.err
    assert shown(sopdash, child)["status"] == "resolved"
    assert [e["text"] for e in shown(sopdash, outage)["timeline"]].count("resolved: replaced the switch") == 1
