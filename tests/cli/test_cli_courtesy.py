"""SOP 2A/4A on the command line: a public reply the courtesy check advises against is refused, unless --force
(audited), as SOP 5A's check is (issue 27)."""

from __future__ import annotations

import json

from sopdash.desk.identity import current_login

ME = current_login()
CURT = "AS I ALREADY SAID, restart it."


def timeline(sopdash) -> list[dict]:
    return json.loads(sopdash("ticket", "show", "1", "--json").out)["timeline"]


def test_a_curt_reply_is_refused_with_the_advice_and_exit_1(env, sopdash, new_ticket):
    new_ticket()
    before = timeline(sopdash)
    result = sopdash("ticket", "note", "1", CURT, "--public")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "sopdash: cannot send this reply to the client of ticket #1: it may not read as courteous (SOP 2A/4A): "
        "shouting “AS I ALREADY SAID”, blame or dismissive phrase “as i already said”, no greeting, no sign-off; "
        "reword it, or pass --force to send it anyway (recorded in the audit trail)\n"
    )
    assert timeline(sopdash) == before


def test_force_sends_it_and_audits_who_and_when(env, sopdash, new_ticket, now):
    new_ticket()
    assert sopdash("ticket", "note", "1", CURT, "--public", "--force").code == 0
    entries = timeline(sopdash)
    assert any(e["kind"] == "public" and e["text"] == CURT for e in entries)
    (override,) = [e for e in entries if "SOP 2A/4A" in e["text"]]
    assert (override["kind"], override["author"], override["at"]) == ("event", ME, now)
    assert "no greeting" in override["text"]


def test_a_courteous_reply_goes_without_an_override(env, sopdash, new_ticket):
    new_ticket()
    assert sopdash("ticket", "note", "1", "Hello Ann, please restart it. Thanks", "--public").code == 0
    assert not [e for e in timeline(sopdash) if "SOP 2A/4A" in e["text"]]


def test_the_desk_sets_the_phrases(env, sopdash, new_ticket, tmp_path):
    (tmp_path / "config.toml").write_text('[courtesy]\nphrases = ["tough luck"]\n', encoding="utf-8")
    new_ticket()
    refused = sopdash("ticket", "note", "1", "Hello Ann, tough luck. Thanks", "--public")
    assert refused.code == 1 and "“tough luck”" in refused.err


def test_force_on_an_internal_note_is_a_mistake(env, sopdash, new_ticket):
    new_ticket()
    misplaced = sopdash("ticket", "note", "1", CURT, "--force")
    assert misplaced.code == 2 and "--force applies to a --public reply" in misplaced.err
