"""SOP 5A on the command line: text bound for the client is refused if it looks sensitive, unless overridden (audited)."""

from __future__ import annotations

import json

import pytest

from sopdash.desk.identity import current_login

ME = current_login()
SECRET = "Hello Ann, the printer is at 10.20.0.15 now. Thanks!"

SENDING = {
    "ack --message": ("ack", "1", "--message", SECRET),
    "note --public": ("note", "1", SECRET, "--public"),
    "resolve --summary": ("resolve", "1", "--summary", SECRET),
}


def timeline(sopdash) -> list[dict]:
    return json.loads(sopdash("ticket", "show", "1", "--json").out)["timeline"]


@pytest.mark.parametrize("args", SENDING.values(), ids=SENDING.keys())
def test_sensitive_text_for_the_client_is_refused_with_exit_1_naming_it(env, sopdash, new_ticket, args):
    new_ticket()
    before = timeline(sopdash)
    result = sopdash("ticket", *args)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "sopdash: cannot send this to the client of ticket #1: it may disclose client-sensitive information "
        "(SOP 5A): private IP address “10.20.0.15”; edit it out, or pass --allow-sensitive to send it anyway "
        "(recorded in the audit trail)\n"
    )
    assert timeline(sopdash) == before


@pytest.mark.parametrize("args", SENDING.values(), ids=SENDING.keys())
def test_allow_sensitive_sends_it_and_audits_who_and_when(env, sopdash, new_ticket, now, args):
    new_ticket()
    result = sopdash("ticket", *args, "--allow-sensitive")
    assert result.code == 0, result.err
    entries = timeline(sopdash)
    assert any(e["kind"] == "public" and SECRET in e["text"] for e in entries)
    overrides = [e for e in entries if "SOP 5A" in e["text"]]
    assert [(e["kind"], e["author"], e["at"]) for e in overrides] == [("event", ME, now)]


def test_a_summary_kept_back_is_checked_when_the_client_is_notified(env, sopdash, new_ticket):
    new_ticket()
    assert sopdash("ticket", "resolve", "1", "--summary", SECRET, "--no-notify").code == 0
    refused = sopdash("ticket", "notify", "1")
    assert refused.code == 1 and "private IP address “10.20.0.15”" in refused.err
    assert sopdash("ticket", "notify", "1", "--allow-sensitive").code == 0


def test_the_acknowledgement_template_is_checked_too(env, sopdash, new_ticket):
    new_ticket("Cannot reach 192.168.1.20")
    refused = sopdash("ticket", "ack", "1")
    assert refused.code == 1 and "private IP address “192.168.1.20”" in refused.err


def test_an_internal_note_is_not_checked_and_takes_no_override(env, sopdash, new_ticket):
    new_ticket()
    assert sopdash("ticket", "note", "1", SECRET).code == 0
    misplaced = sopdash("ticket", "note", "1", SECRET, "--allow-sensitive")
    assert misplaced.code == 2 and "--allow-sensitive applies to a --public reply" in misplaced.err
