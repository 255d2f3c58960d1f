"""Config mistakes are refused with the file, table and key named, by `check` and `config` as by the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopdash.config import settings_from_document
from sopdash.core.errors import ConfigError
from sopdash.core.limits import MAX_DURATION_S
from sopdash.keys import BINDING_IDS, check_keys

PATH = Path("/etc/sopdash/config.toml")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"ui": {"privacyy": True}}, "ui.privacyy: unknown key (known: privacy, bell, alerts, views)"),
        ({"store": {"pth": "/srv/t.json"}}, "store.pth: unknown key (known: path, url, archive_after)"),
        ({"roster": {"ann": {"tier": 2, "managr": True}}}, "roster.ann.managr: unknown key (known: tier, manager, name)"),
        ({"keys": {"foo": "x"}}, "keys.foo: no such binding"),
        ({"keys": {"acknowledge": ""}}, "keys.acknowledge: '' is not a key"),
        ({"keys": {"acknowledge": "ctrl+a,,b"}}, "keys.acknowledge: 'ctrl+a,,b' is not a key"),
        ({"keys": {"acknowledge": 3}}, "keys.acknowledge: 3 is not a key"),
        ({"sla": {"warn_at": 0.5, "warn_before": "30m"}}, "sla.warn_before: set either warn_at or warn_before, not both"),
        ({"sla": {"low": {"ack": "50h", "resolve": "40h"}}}, "sla.low.ack: '50h' is longer than resolve ('40h')"),
        ({"sla": {"low": {"resolve": "9999999d"}}}, "sla.low.resolve: '9999999d' is longer than the 3650 days allowed"),
        ({"sla": {"low": {"resolve": "9" * 400 + "d"}}}, "is too long to count"),
        ({"sla": {"warn_before": "9999999d"}}, "sla.warn_before: '9999999d' is longer than the 3650 days allowed"),
    ],
)
def test_mistakes_are_refused_naming_file_and_key(document, message):
    with pytest.raises(ConfigError) as caught:
        settings_from_document(document, PATH)
    assert str(caught.value).startswith(f"{PATH}: ") and message in str(caught.value)


def test_good_keys_and_the_longest_target_pass():
    settings = settings_from_document(
        {"keys": {"acknowledge": "ctrl+a, A", "quit": "q"}, "sla": {"low": {"resolve": f"{MAX_DURATION_S}s"}}}, PATH
    )
    assert settings.keys == {"acknowledge": "ctrl+a, A", "quit": "q"}


def test_the_textual_free_binding_ids_are_the_dashboards():
    from sopdash.tui.bindings import APP_BINDINGS, DETAIL_BINDINGS, HANDOVER_BINDINGS, LIST_BINDINGS

    DASHBOARD_IDS = {binding.id for binding in (*APP_BINDINGS, *LIST_BINDINGS, *DETAIL_BINDINGS, *HANDOVER_BINDINGS)}
    assert BINDING_IDS == DASHBOARD_IDS
    assert check_keys({binding_id: "z" for binding_id in DASHBOARD_IDS})



HOSTILE_MAIL = [
    ("max_message_mb = inf", "mail.max_message_mb"),
    ("max_message_mb = nan", "mail.max_message_mb"),
    ("max_message_mb = 1e308", "mail.max_message_mb"),
    ("max_new_tickets_per_sender_hour = inf", "mail.max_new_tickets_per_sender_hour"),
    ("max_new_tickets_per_sender_hour = nan", "mail.max_new_tickets_per_sender_hour"),
    ("max_new_tickets_per_sender_hour = 0.5", "mail.max_new_tickets_per_sender_hour"),
    ("max_new_tickets_per_sender_hour = 0", "mail.max_new_tickets_per_sender_hour"),
    ("sendmail = \"/usr/sbin/sendmail -f 'help\"", "mail.sendmail"),
]


@pytest.mark.parametrize(("line", "key"), HOSTILE_MAIL)
@pytest.mark.parametrize("command", [("check",), ("config",), ("ticket", "list"), ("report",), ("mail", "send")])
def test_every_command_survives_a_hostile_mail_table(tmp_path, monkeypatch, sopdash, line, key, command):
    sendmail = "" if line.startswith("sendmail") else 'sendmail = "/usr/sbin/sendmail -t -i"\n'
    (tmp_path / "config.toml").write_text(f'[mail]\naddress = "help@desk.example.org"\n{sendmail}{line}\n')
    monkeypatch.setenv("SOPDASH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("SOPDASH_DB", str(tmp_path / "tickets.json"))
    assert sopdash("init").code == 2  # refused: the config is wrong, so nothing is created

    result = sopdash(*command)

    assert result.code == 2, result.err
    said = result.out + result.err
    assert f"{tmp_path / 'config.toml'}: {key}: " in said and "internal error" not in said
