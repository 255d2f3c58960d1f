"""`sopdash ticket …`: every action, its exit code, its confirmation line and the `--json` documents."""

from __future__ import annotations

import json

import pytest
from rich.cells import cell_len
from sopdash.core.model import TROUBLESHOOTING_STEPS
from sopdash.desk.identity import current_login

ME = current_login()
NOT_TOLD = "recorded — mail is off: the client was not told"  # these tests run without [mail]

TICKET_FIELDS = {
    "id", "subject", "body", "requester", "cc", "category", "priority", "triaged", "status", "assignee", "tier",
    "escalations", "manager_flag", "troubleshooting", "timeline", "created_at", "acknowledged_at", "resolved_at",
    "resolution", "client_notified_at", "closed_at", "links", "reported_at", "merged_acknowledged_at", "satisfaction", "source",
    "desk_address", "sla_policy", "organisation", "version", "mail_revision",
}
CLOCK_FIELDS = {"due", "state", "remaining_s", "target_s"}


def shown(sopdash, ticket_id: int) -> dict:
    result = sopdash("ticket", "show", str(ticket_id), "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_new_prints_only_the_id(env, sopdash):
    first = sopdash("ticket", "new", "--subject", "VPN down", "--requester", "bob@example.com")
    second = sopdash("ticket", "new", "--subject", "Mail slow", "--requester", "cy@example.com", "--priority", "low")
    assert (first.code, first.out, first.err) == (0, "1\n", "")
    assert second.out == "2\n"
    assert env.exists()


def test_new_records_every_field(env, sopdash, now):
    sopdash(
        "ticket", "new", "--subject", "Laptop", "--requester", "ann@example.com", "--name", "Ann Lee",
        "--phone", "555-0100", "--body", "It beeps.", "--priority", "high", "--category", "Hardware",
    )
    doc = shown(sopdash, 1)
    assert doc["requester"] == {"name": "Ann Lee", "email": "ann@example.com", "phone": "555-0100"}
    assert (doc["body"], doc["priority"], doc["triaged"], doc["category"]) == ("It beeps.", "high", True, "Hardware")
    assert (doc["status"], doc["created_at"]) == ("new", now)
    assert doc["timeline"][0]["author"] == ME


def test_new_without_priority_is_untriaged_medium(env, sopdash, new_ticket):
    new_ticket()
    doc = shown(sopdash, 1)
    assert (doc["priority"], doc["triaged"]) == ("medium", False)
    assert "medium (untriaged)" in sopdash("ticket", "list").out


def test_new_refuses_a_requester_that_is_not_an_email(env, sopdash):
    result = sopdash("ticket", "new", "--subject", "x", "--requester", "ann")
    assert result.code == 2
    assert result.err == "sopdash: --requester: 'ann' is not an e-mail address (an email address must have an @-sign)\n"


def test_new_refuses_an_empty_subject(env, sopdash):
    result = sopdash("ticket", "new", "--subject", "  ", "--requester", "ann@example.com")
    assert result.code == 2
    assert "subject" in result.err


@pytest.mark.parametrize("args", [("ticket", "new", "--subject", "x", "--requester", "a@b.c", "--priority", "asap"),
                                  ("ticket", "priority", "1", "asap")])
def test_unknown_priority_is_a_usage_error(env, sopdash, new_ticket, args):
    new_ticket()
    result = sopdash(*args)
    assert result.code == 2
    assert "invalid choice: 'asap'" in result.err


def test_show_json_has_the_ticket_fields_and_both_clocks(env, sopdash, new_ticket):
    new_ticket("VPN down", "--priority", "urgent")
    doc = shown(sopdash, 1)
    assert set(doc) == TICKET_FIELDS | {"sla"}
    assert set(doc["sla"]) == {"ack", "resolution"}
    assert set(doc["sla"]["ack"]) == CLOCK_FIELDS
    assert doc["sla"]["ack"] == {
        "due": "2026-11-25T09:30:00+00:00", "state": "running", "remaining_s": 1800, "target_s": 1800,
    }
    assert doc["sla"]["resolution"]["due"] == "2026-11-25T13:00:00+00:00"


def test_list_json_is_one_array_of_open_ticket_documents(env, sopdash, new_ticket):
    new_ticket("one")
    new_ticket("two")
    sopdash("ticket", "resolve", "2", "--summary", "fixed")
    open_only = json.loads(sopdash("ticket", "list", "--json").out)
    everything = json.loads(sopdash("ticket", "list", "--all", "--json").out)
    assert [doc["id"] for doc in open_only] == [1]
    assert sorted(doc["id"] for doc in everything) == [1, 2]
    assert all(set(doc) == TICKET_FIELDS | {"sla"} for doc in everything)


def test_list_json_on_an_empty_store_is_an_empty_array(env, sopdash, new_ticket):
    new_ticket()
    sopdash("ticket", "resolve", "1", "--summary", "done")
    assert json.loads(sopdash("ticket", "list", "--json").out) == []
    assert sopdash("ticket", "list").out.startswith("no open tickets")


def test_list_puts_the_most_urgent_first_with_clock_columns(env, sopdash, new_ticket):
    new_ticket("Slow laptop", "--priority", "low")
    new_ticket("Server room flooded", "--priority", "urgent")
    new_ticket("Cannot print", "--priority", "high")
    result = sopdash("ticket", "list")
    header, *rows = result.out.splitlines()
    assert header.split() == ["ID", "PRIORITY", "STATUS", "ACK", "RESOLUTION", "ASSIGNEE", "SUBJECT"]
    assert [row.split()[0] for row in rows] == ["#2", "#3", "#1"]
    assert "· 30m" in rows[0] and "· 4h00m" in rows[0]
    assert rows[0].endswith("Server room flooded")


def test_list_shows_breached_and_met_clocks(env, sopdash, new_ticket, monkeypatch, time_machine):
    new_ticket("VPN down", "--priority", "urgent")
    time_machine.move_to("2026-11-25T09:10:00+00:00", tick=False)
    sopdash("ticket", "ack", "1")
    monkeypatch.setenv("SOPDASH_NOW", "2026-11-25T13:35:00+00:00")  # a what-if question: how does it look then?
    row = sopdash("ticket", "list").out.splitlines()[1]
    assert "✔ met" in row and "✖ -35m" in row


def test_a_forty_second_breach_reads_40s_in_the_list_and_the_report(env, sopdash, new_ticket, monkeypatch):
    """Issue 24: `ticket list` said `✖ 0m` and the report `over by 0m` for a 40-second breach."""
    new_ticket("VPN down", "--priority", "urgent")  # acknowledged within 30m, or breached
    monkeypatch.setenv("SOPDASH_NOW", "2026-11-25T09:30:40+00:00")
    assert "✖ -40s" in sopdash("ticket", "list").out.splitlines()[1]
    breach = next(line for line in sopdash("report").out.splitlines() if line.startswith("#1 "))
    assert breach.split()[1:4] == ["ack", "breached", "40s"]


def test_list_truncates_long_subjects_and_strips_control_characters(env, sopdash, new_ticket, monkeypatch):
    new_ticket("Evil \x1b[31mred\x1b[0m [b]subject[/b] " + "x" * 200)
    monkeypatch.setenv("COLUMNS", "100")
    row = sopdash("ticket", "list").out.splitlines()[1]
    assert "\x1b" not in row
    assert "Evil red [b]subject[/b] x" in row
    assert row.endswith("…") and len(row) <= 100


@pytest.mark.parametrize("columns", ["120", "60"])
def test_list_aligns_wide_characters_by_terminal_cells(env, sopdash, new_ticket, monkeypatch, columns):
    printer = "网络打印机无法连接 🖨️"
    new_ticket("Printer on floor 2 will not connect to the network at all")
    new_ticket(printer)
    new_ticket(f"{printer} {printer}")
    monkeypatch.setenv("COLUMNS", columns)
    header, *rows = sopdash("ticket", "list").out.splitlines()
    subject_at = cell_len(header[: header.index("SUBJECT")])
    for row in rows:
        first = row.index("P") if row.split()[0] == "#1" else row.index("网")
        assert cell_len(row[:first]) == subject_at, row
    cut = [cell_len(row) for row in rows if row.endswith("…")]
    assert cut and all(width == cut[0] for width in cut) and max(map(cell_len, rows)) == cut[0]


def test_show_text_has_clocks_in_the_calendar_zone_and_marks_internal_notes(env, sopdash, new_ticket, tmp_path):
    (tmp_path / "config.toml").write_text('[calendar]\ntimezone = "Europe/Berlin"\n', encoding="utf-8")
    new_ticket("VPN down", "--priority", "urgent", "--body", "Line one\nLine two")
    sopdash("ticket", "note", "1", "checked the [red]router[/red]")
    sopdash("ticket", "note", "1", "Hi, we are on it. Thanks", "--public")
    text = sopdash("ticket", "show", "#1").out
    assert text.startswith("#1 VPN down\n")
    assert "due Wed 25 Nov 10:30 CET" in text  # 09:30 UTC
    assert "Created   Wed 25 Nov 10:00 CET" in text
    assert "INTERNAL  " in text and ": checked the [red]router[/red]" in text
    assert "PUBLIC    " in text and ": Hi, we are on it. Thanks" in text
    assert "\nLine one\nLine two\n" in text
    assert f"▸ 1 {TROUBLESHOOTING_STEPS[0]}  ← current\n" in text  # the dashboard's key hint (t) is left out


def test_show_unknown_ticket_is_an_input_error(env, sopdash, new_ticket):
    new_ticket()
    result = sopdash("ticket", "show", "99")
    assert (result.code, result.err) == (2, "sopdash: no ticket #99\n")


def test_ticket_id_must_be_a_number(env, sopdash, new_ticket):
    new_ticket()
    result = sopdash("ticket", "show", "abc")
    assert result.code == 2
    assert "'abc' is not a ticket id like 12" in result.err


def test_the_full_sop_path_through_the_cli(env, sopdash, new_ticket, time_machine):
    ticket_id = str(new_ticket("Cannot print"))

    def step(now: str, *args: str, expect: str) -> dict:
        time_machine.move_to(now, tick=False)
        result = sopdash("ticket", *args)
        assert (result.code, result.out, result.err) == (0, f"#{ticket_id} {expect}\n", "")
        return shown(sopdash, int(ticket_id))

    doc = step("2026-11-25T09:05:00+00:00", "ack", ticket_id, expect=f"acknowledged; {NOT_TOLD}")
    assert (doc["status"], doc["acknowledged_at"]) == ("open", "2026-11-25T09:05:00+00:00")
    assert doc["sla"]["ack"]["state"] == "met"
    assert doc["timeline"][-2]["kind"] == "public" and "Hello Ann" in doc["timeline"][-2]["text"]

    doc = step("2026-11-25T09:06:00+00:00", "priority", ticket_id, "high", expect="priority set to high")
    assert (doc["priority"], doc["triaged"]) == ("high", True)

    doc = step("2026-11-25T09:07:00+00:00", "assign", ticket_id, "alice", expect="assigned to alice")
    assert doc["assignee"] == "alice"

    doc = step("2026-11-25T09:08:00+00:00", "step", ticket_id, "1", "--note", "toner",
               expect="step 1 done; next is step 2")
    assert doc["troubleshooting"] == [{"step": 1, "at": "2026-11-25T09:08:00+00:00", "by": ME, "note": "toner"}]

    doc = step("2026-11-25T09:09:00+00:00", "note", ticket_id, "ordered toner", expect="internal note added")
    assert doc["timeline"][-1] == {
        "at": "2026-11-25T09:09:00+00:00", "author": ME, "kind": "internal", "text": "ordered toner",
    }

    doc = step("2026-11-25T09:10:00+00:00", "escalate", ticket_id, "--reason", "timing", "--note", "needs parts",
               expect="escalated (timing), now tier 2")
    assert doc["tier"] == 2
    assert doc["escalations"][0] | {"at": None} == {
        "at": None, "by": ME, "from_tier": 1, "to_tier": 2, "reason": "timing", "note": "needs parts",
    }

    doc = step("2026-11-25T10:00:00+00:00", "resolve", ticket_id, "--summary", "replaced toner",
               expect=f"resolved; {NOT_TOLD}")
    assert (doc["status"], doc["resolution"]) == ("resolved", "replaced toner")
    assert doc["client_notified_at"] == "2026-11-25T10:00:00+00:00"
    assert doc["sla"]["resolution"]["state"] == "met"

    doc = step("2026-11-25T10:01:00+00:00", "close", ticket_id, expect="closed")
    assert (doc["status"], doc["closed_at"]) == ("closed", "2026-11-25T10:01:00+00:00")
    assert doc["version"] == 9


def test_close_on_an_unresolved_ticket_is_refused_naming_what_is_missing(env, sopdash, new_ticket):
    new_ticket()
    result = sopdash("ticket", "close", "1")
    assert result.code == 1
    assert result.out == ""
    assert result.err.count("\n") == 1
    for missing in ("it is new, not resolved", "no resolution summary", "client was not notified"):
        assert missing in result.err
    assert shown(sopdash, 1)["status"] == "new"


def test_close_needs_the_client_notified(env, sopdash, new_ticket):
    new_ticket()
    resolved = sopdash("ticket", "resolve", "1", "--summary", "fixed", "--no-notify")
    assert resolved.out == "#1 resolved; client not notified yet\n"
    refused = sopdash("ticket", "close", "1")
    assert refused.code == 1 and "client was not notified" in refused.err
    assert sopdash("ticket", "notify", "1").out == f"#1 resolution message; {NOT_TOLD}\n"
    assert sopdash("ticket", "close", "1").code == 0


def test_acknowledging_twice_is_refused(env, sopdash, new_ticket):
    new_ticket()
    sopdash("ticket", "ack", "1", "--message", "Got it, Ann.")
    assert shown(sopdash, 1)["timeline"][-2]["text"] == "Got it, Ann."
    again = sopdash("ticket", "ack", "1")
    assert again.code == 1
    assert again.err.startswith("sopdash: cannot acknowledge ticket #1: it was already acknowledged")


def test_wait_and_off(env, sopdash, new_ticket):
    new_ticket()
    sopdash("ticket", "ack", "1")
    assert sopdash("ticket", "wait", "1").out == "#1 waiting on the client\n"
    doc = shown(sopdash, 1)
    assert (doc["status"], doc["sla"]["resolution"]["state"]) == ("waiting", "paused")
    assert sopdash("ticket", "wait", "1", "--off").out == "#1 no longer waiting on the client\n"
    assert shown(sopdash, 1)["status"] == "open"
    assert sopdash("ticket", "wait", "1", "--off").code == 1


def test_wait_before_the_client_was_contacted_is_refused(env, sopdash, new_ticket):
    """SOP order (issue 24): acknowledge first; waiting would pause the clock of a ticket nobody answered."""
    new_ticket()
    refused = sopdash("ticket", "wait", "1")
    assert refused.code == 1
    assert refused.err == (
        "sopdash: cannot put on waiting ticket #1: nobody has contacted the client yet: acknowledge it or reply "
        "first (SOP 4B)\n"
    )
    assert shown(sopdash, 1)["status"] == "new"


def test_step_out_of_range_is_an_input_error(env, sopdash, new_ticket):
    new_ticket()
    result = sopdash("ticket", "step", "1", "9")
    assert result.code == 2
    assert "step must be between 1 and 6" in result.err


def test_escalate_needs_a_known_reason(env, sopdash, new_ticket):
    new_ticket()
    assert sopdash("ticket", "escalate", "1", "--reason", "bored").code == 2
    assert sopdash("ticket", "escalate", "1").code == 2


def test_manager_flag_raised_and_acknowledged_by_a_manager(env, sopdash, new_ticket, tmp_path, now):
    new_ticket()
    result = sopdash("ticket", "escalate", "1", "--reason", "unsatisfied")
    assert result.out == "#1 escalated (unsatisfied), now tier 1; manager flag raised\n"
    refused = sopdash("ticket", "flag-ack", "1")
    assert refused.code == 1 and f"{ME} is not a manager" in refused.err
    (tmp_path / "config.toml").write_text(f"[roster.{ME}]\nmanager = true\n", encoding="utf-8")
    assert sopdash("ticket", "flag-ack", "1").out == "#1 manager flag acknowledged\n"
    flag = shown(sopdash, 1)["manager_flag"]
    assert (flag["by"], flag["acknowledged_at"]) == (ME, now)


def test_reopen_a_closed_ticket(env, sopdash, new_ticket):
    new_ticket()
    sopdash("ticket", "resolve", "1", "--summary", "fixed")
    sopdash("ticket", "close", "1")
    assert sopdash("ticket", "reopen", "1").out == "#1 reopened\n"
    doc = shown(sopdash, 1)
    assert (doc["status"], doc["closed_at"], doc["resolution"]) == ("open", None, "")
    assert sopdash("ticket", "reopen", "1").code == 1


def test_options_may_follow_the_command(env, tmp_path, monkeypatch, sopdash):
    monkeypatch.delenv("SOPDASH_DB")
    store = tmp_path / "elsewhere.json"
    config = tmp_path / "c.toml"
    config.write_text("", encoding="utf-8")
    options = ("--db", str(store), "--config", str(config))
    assert sopdash("init", *options).code == 0
    new = sopdash("ticket", "new", *options, "--subject", "x", "--requester", "a@b.c")
    assert new.code == 0, new.err
    assert [doc["id"] for doc in json.loads(sopdash(*options, "ticket", "list", "--json").out)] == [1]


def test_json_keeps_client_text_exact_but_escapes_control_characters(env, sopdash, new_ticket):
    subject = "Café \x1b[2J wiped \x9b31m screen [b]"
    new_ticket(subject)
    out = sopdash("ticket", "list", "--json").out
    assert not any(ord(c) < 0x20 and c != "\n" or 0x7F <= ord(c) <= 0x9F for c in out)
    assert json.loads(out)[0]["subject"] == subject
    assert "Café" in out


def test_assign_me_is_the_current_technician(env, sopdash, new_ticket):
    new_ticket()
    result = sopdash("ticket", "assign", "1", "me")
    assert (result.code, result.out, result.err) == (0, f"#1 assigned to {ME}\n", "")
    assert shown(sopdash, 1)["assignee"] == ME


def test_assign_to_a_login_the_roster_does_not_know_is_refused(env, sopdash, new_ticket):
    new_ticket()
    result = sopdash("ticket", "assign", "1", "zed")
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith("sopdash: 'zed' is not in the roster (technicians: ")
    assert shown(sopdash, 1)["assignee"] == ""


def test_assign_without_a_roster_takes_the_login_with_a_warning(env, sopdash, new_ticket, tmp_path):
    new_ticket()
    (tmp_path / "config.toml").write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
    result = sopdash("ticket", "assign", "1", "zed")
    assert (result.code, result.out) == (0, "#1 assigned to zed\n")
    assert result.err == (
        "sopdash: warning: no roster lists the team, so 'zed' could not be checked; add [roster.zed] to the config\n"
    )


def test_steps_out_of_order_are_refused_as_in_the_dashboard(env, sopdash, new_ticket):
    new_ticket()
    result = sopdash("ticket", "step", "1", "3")
    assert (result.code, result.out) == (1, "")
    assert "the steps go in order and step 1 (Identify the problem) is next" in result.err
    assert sopdash("ticket", "step", "1", "1").code == 0


def test_escalating_again_does_not_claim_to_raise_the_manager_flag(env, sopdash, new_ticket):
    new_ticket()
    assert sopdash("ticket", "escalate", "1", "--reason", "unsatisfied").out.endswith("; manager flag raised\n")
    again = sopdash("ticket", "escalate", "1", "--reason", "disruptive")
    assert again.out == "#1 escalated (disruptive), now tier 2; the manager flag was already raised\n"
