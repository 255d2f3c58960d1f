"""The command line says what each command is for, `ticket reply` is a public reply, and `check` stops at a broken
config (issue 24 item 14)."""

from __future__ import annotations

import pytest
from mail_server import mail_config

from sopdash.store.ticket_store import TicketStore


@pytest.mark.parametrize(("command", "says"), [
    (("init",), "Create an empty ticket store"),
    (("check",), "Diagnose the config"),
    (("config",), "Without an action: the settings in effect"),
    (("ticket", "note"), "TEXT        the note, never shown to the client"),
    (("ticket", "escalate"), "SOP 6: timing"),
    (("ticket", "reply"), "TEXT        the reply to the client"),
])
def test_help_describes_the_command_and_its_arguments(sopdash, command, says):
    shown = sopdash(*command, "--help")
    assert shown.code == 0 and " ".join(says.split()) in " ".join(shown.out.split())


def test_ticket_reply_is_a_public_reply_with_the_sop_checks_and_mail(env, sopdash, new_ticket, smtp_server, tmp_path):
    (tmp_path / "config.toml").write_text(mail_config(smtp_server[1]), encoding="utf-8")
    new_ticket()
    refused = sopdash("ticket", "reply", "1", "Your password is Hunter2024!")
    assert refused.code == 1 and "--allow-sensitive" in refused.err
    courteous = "Hello Ann,\n\nwe are on it.\n\nKind regards,\nAmara"
    assert sopdash("ticket", "reply", "1", "We are on it.").code == 1  # SOP 2A/4A: no greeting, no sign-off
    replied = sopdash("ticket", "reply", "#1", courteous)
    assert replied.out.strip() == "#1 public reply; mail sent to ann@example.com"
    ticket = TicketStore(env).get(1)
    assert ticket.timeline[-2].kind == "public" and ticket.acknowledged_at is not None
    assert [m.get_content().replace("\r\n", "\n").strip() for m in smtp_server[0].messages] == [courteous]


def test_check_with_a_broken_config_names_it_and_checks_no_other_store(tmp_path, monkeypatch, sopdash):
    monkeypatch.delenv("SOPDASH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where the default store would be
    config = tmp_path / "config.toml"
    config.write_text('[store]\npath = "/srv/helpdesk/tickets.json"\n[calendar\n', encoding="utf-8")
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))

    result = sopdash("check")

    assert result.code == 2
    assert result.out.splitlines() == [
        f"error: {config}: not valid TOML (Expected ']' at the end of a table declaration (at line 3, column 10)); "
        "fix the file or point --config elsewhere",
        "store: not checked, as the config that names it cannot be read; fix the config, then run `sopdash check` again",
    ]
    assert "data" not in result.out + result.err


def test_check_with_a_broken_config_still_checks_the_store_named_on_the_command_line(env, sopdash, tmp_path):
    (tmp_path / "config.toml").write_text("[calendar\n", encoding="utf-8")
    result = sopdash("check")
    assert result.code == 2 and "not valid TOML" in result.out and f"store: {env}" in result.out


def test_config_log_takes_the_same_limit_as_mail_log(env, sopdash):
    sopdash("config", "set", "sla.high.ack", "30m")
    assert sopdash("config", "log", "--limit", "0").out == ""
    assert len(sopdash("config", "log", "--limit", "1").out.splitlines()) == 1
    refused = sopdash("config", "log", "--limit", "-3")
    assert refused.code == 2 and "argument --limit: -3 is below 0" in refused.err
