"""`sopdash ticket edit`: correct subject, category and requester details; each change audited."""

import json


def test_edit_changes_fields_and_audits_each(env, sopdash, new_ticket):
    ticket_id = new_ticket()
    result = sopdash("ticket", "edit", str(ticket_id), "--subject", "Printer jams on tray 2", "--phone", "555-0199")
    assert (result.code, result.out) == (0, f"#{ticket_id} edited: subject, phone\n")
    shown = json.loads(sopdash("ticket", "show", str(ticket_id), "--json").out)
    assert (shown["subject"], shown["requester"]["phone"], shown["version"]) == ("Printer jams on tray 2", "555-0199", 2)
    assert [e["text"] for e in shown["timeline"][-2:]] == ["subject changed", "requester phone changed"]


def test_edit_without_options_is_a_usage_error(env, sopdash, new_ticket):
    result = sopdash("ticket", "edit", str(new_ticket()))
    assert result.code == 2
    assert "--subject" in result.err


def test_edit_that_changes_nothing_is_refused_and_leaves_the_store(env, sopdash, new_ticket):
    ticket_id = new_ticket()
    before = env.read_bytes()
    result = sopdash("ticket", "edit", str(ticket_id), "--subject", "Printer jams")
    assert result.code == 1
    assert "nothing would change" in result.err
    assert env.read_bytes() == before


def test_edit_bad_email_is_an_input_error(env, sopdash, new_ticket):
    result = sopdash("ticket", "edit", str(new_ticket()), "--email", "ann.example.com")
    assert (result.code, result.err.count("\n")) == (2, 1)
    assert "not an e-mail address" in result.err
