"""The desk's policy lives with the desk (issue 20): one settings file beside the store (a table on PostgreSQL) that
every login, the mail pipe and `mail send --watch` read; changed only through `sopdash config`, validated, audited,
and refused to whoever may not change it; a personal config's desk tables count only while the desk has none."""

from __future__ import annotations

import grp
import json
import os
import stat
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from sopdash.desk.identity import current_login

ME = current_login()
MAIL = b"From: Ann Client <ann@example.com>\r\nTo: help@desk.example.org\r\nSubject: Printer jams\r\n" \
       b"Message-ID: <m1@example.com>\r\n\r\nThe printer on floor 2 jams.\r\n"


def settings_file(store: Path) -> Path:
    return store.with_name(store.name + ".settings.toml")


def log_records(store: Path) -> list[dict]:
    log = store.with_name(store.name + ".settings.log.jsonl")
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_the_settings_file_is_named_after_the_whole_store_file(env, sopdash):
    assert sopdash("config", "set", "sla.high.ack", "30m").code == 0
    assert settings_file(env).is_file()
    assert stat.S_IMODE(settings_file(env).stat().st_mode) == 0o640  # the group reads, the owner changes


def test_a_private_manager_mark_counts_no_more_once_the_desk_has_settings(env, sopdash, tmp_path):
    (tmp_path / "config.toml").write_text(f'[roster.{ME}]\nmanager = true\n', encoding="utf-8")
    sopdash("init")
    sopdash("ticket", "new", "--subject", "Angry client", "--requester", "ann@example.com")
    sopdash("ticket", "escalate", "1", "--reason", "unsatisfied", "--note", "third call")
    assert sopdash("config", "set", "sla.high.ack", "30m").code == 0  # the desk now has settings, without a roster

    refused = sopdash("ticket", "flag-ack", "1")

    assert refused.code == 1 and "is not a manager" in refused.err
    checked = sopdash("check")
    assert "[roster]" in checked.out and "ignored" in checked.out
    assert "roster    empty" in sopdash("config").out


def test_without_desk_settings_the_personal_tables_count_with_a_note(env, sopdash):
    sopdash("init")
    shown = sopdash("config")
    assert "sla.high.ack" not in shown.out
    assert "note      " in shown.out and "sopdash config migrate" in shown.out
    assert "warning: " in sopdash("check").out


def test_two_logins_see_one_policy_whatever_their_own_files_say(env, sopdash, tmp_path, monkeypatch):
    sopdash("init")
    assert sopdash("config", "set", "sla.high.ack", "30m").code == 0
    for n, ack in enumerate(("2h", "15m")):
        own = tmp_path / f"login{n}.toml"
        own.write_text(f'[ui]\nbell = true\n[sla.high]\nack = "{ack}"\n', encoding="utf-8")
        monkeypatch.setenv("SOPDASH_CONFIG", str(own))
        out = sopdash("config").out
        assert "high      30m          8h       business hours" in out
        assert "sla.high.ack = 30m  (the desk's settings)" in out and "ui.bell = true  (your config)" in out


def test_the_mail_pipe_without_any_config_takes_mail_by_the_desks_settings(env, sopdash, tmp_path):
    sopdash("init")
    assert sopdash("config", "set", "mail.address", "help@desk.example.org", "mail.sendmail", "/bin/true").code == 0
    nowhere = {k: v for k, v in os.environ.items() if not k.startswith("SOPDASH_CONFIG")}
    nowhere["XDG_CONFIG_HOME"] = str(tmp_path / "no-config-here")

    piped = subprocess.run([sys.executable, "-m", "sopdash", "mail", "receive"], input=MAIL, env=nowhere,
                           capture_output=True, timeout=60)

    assert piped.returncode == 0, piped.stderr
    assert json.loads(sopdash("ticket", "show", "1", "--json").out)["subject"] == "Printer jams"


def test_config_set_checks_the_whole_and_logs_who_changed_what(env, sopdash):
    sopdash("init")
    assert sopdash("config", "set", "sla.high.ack", "30m").code == 0
    before = settings_file(env).read_bytes()

    for key, value, problem in (
        ("sla.high.ack", "9h", "sla.high.ack: '9h' is longer than resolve"),
        ("sla.low.resolve", "inf", "sla.low.resolve: 'inf' is not a duration"),
        ("roster.bo.tier", "7", "roster.bo.tier: 7 is not a tier"),
        ("ui.bell", "true", "is not a desk setting"),
    ):
        refused = sopdash("config", "set", key, value)
        assert refused.code == 2 and problem in refused.err, (key, refused.err)
    assert settings_file(env).read_bytes() == before
    [record] = log_records(env)
    assert record["by"] == ME and record["how"] == "config set sla.high.ack" and record["at"]
    assert record["changes"] == [{"key": "sla.high.ack", "from": None, "to": '"30m"'}]
    assert "sla.high.ack (not set) → \"30m\"" in sopdash("config", "log").out


def test_config_set_keeps_the_comments_of_the_settings_file(env, sopdash):
    sopdash("init")
    settings_file(env).write_text('# agreed with the client board, 2026-03\n[sla.high]\nack = "1h"  # SOP 2\n')
    assert sopdash("config", "set", "sla.high.ack", "45m").code == 0
    assert settings_file(env).read_text() == '# agreed with the client board, 2026-03\n[sla.high]\nack = "45m"  # SOP 2\n'


def test_config_migrate_moves_the_desk_tables_and_keeps_the_personal_ones(env, sopdash, tmp_path):
    own = tmp_path / "config.toml"
    own.write_text('[ui]\nbell = true\n\n[sla.high]\nack = "20m"\n\n[roster.dana]\nmanager = true\n', encoding="utf-8")
    sopdash("init")

    moved = sopdash("config", "migrate")

    assert moved.code == 0, moved.err
    assert "moved [sla]" in moved.out and "moved [roster]" in moved.out
    assert own.read_text(encoding="utf-8") == "[ui]\nbell = true\n\n"
    assert "ack = \"20m\"" in settings_file(env).read_text()
    assert log_records(env)[-1]["how"] == f"config migrate from {own}"
    assert not sopdash("config").err and "dana  tier 1  manager" in sopdash("config").out


def test_a_planted_link_in_place_of_the_settings_is_refused(env, sopdash, tmp_path):
    sopdash("init")
    private = tmp_path / "private.toml"
    private.write_text("[roster.mallory]\nmanager = true\n", encoding="utf-8")
    settings_file(env).symlink_to(private)

    for command in (("ticket", "list"), ("config",), ("config", "set", "sla.high.ack", "30m")):
        result = sopdash(*command)
        assert result.code == 2 and "symbolic link" in result.err, command
    assert private.read_text(encoding="utf-8") == "[roster.mallory]\nmanager = true\n"


def test_a_fifo_in_place_of_the_settings_does_not_hang(env, sopdash):
    sopdash("init")
    os.mkfifo(settings_file(env))
    result = sopdash("ticket", "list")
    assert result.code == 2 and "is a FIFO" in result.err


@contextmanager
def colleague(gid: int):
    """This process as `nobody` in group gid, until the block ends (the test runs as root)."""
    groups = os.getgroups()
    os.setgroups([gid])
    os.setegid(gid)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)
        os.setgroups(groups)


@pytest.fixture
def shared_store(monkeypatch):
    """A store in a setgid folder of group `nogroup` that root set up, its settings made by root (mode 0640)."""
    if os.geteuid() != 0:
        pytest.skip("acting as a colleague needs root")
    gid = grp.getgrnam("nogroup").gr_gid
    folder = Path(tempfile.mkdtemp(prefix="sopdash-shared-", dir="/tmp"))
    os.chown(folder, 0, gid)
    os.chmod(folder, 0o2770)
    store = folder / "tickets.json"
    monkeypatch.setenv("SOPDASH_DB", str(store))
    monkeypatch.setenv("SOPDASH_CONFIG", str(folder / "nobody.toml"))
    (folder / "nobody.toml").write_text('[roster.nobody]\nmanager = true\n', encoding="utf-8")
    os.chmod(folder / "nobody.toml", 0o644)
    yield store, gid
    subprocess.run(["rm", "-rf", str(folder)], check=True)


def test_a_technician_who_may_not_write_the_settings_is_refused(shared_store, sopdash):
    store, gid = shared_store
    assert sopdash("init").code == 0
    assert sopdash("config", "set", "sla.high.ack", "30m").code == 0  # root owns the folder: it creates the settings
    with colleague(gid):
        refused = sopdash("config", "set", "roster.nobody.manager", "true")
        shown = sopdash("config")
    assert refused.code == 1 and "only who may write" in refused.err and "owner root" in refused.err
    assert shown.code == 0 and "high      30m" in shown.out and "roster    empty" in shown.out
    assert len(log_records(store)) == 1

    os.chmod(settings_file(store), 0o660)  # the owner lets the group change the policy, and write the log
    with colleague(gid):
        half = sopdash("config", "set", "sla.high.ack", "20m")
    assert half.code == 1 and "not its log" in half.err
    os.chmod(store.with_name(store.name + ".settings.log.jsonl"), 0o660)
    with colleague(gid):
        allowed = sopdash("config", "set", "sla.high.ack", "20m")
    assert allowed.code == 0, allowed.err
    assert settings_file(store).stat().st_gid == gid and stat.S_IMODE(settings_file(store).stat().st_mode) == 0o660


def test_a_technician_cannot_create_the_desks_settings_first(shared_store, sopdash):
    store, gid = shared_store
    assert sopdash("init").code == 0
    with colleague(gid):
        refused = sopdash("config", "migrate")
    assert refused.code == 1 and "only the owner of" in refused.err
    assert not settings_file(store).exists()


def test_on_postgresql_managers_change_the_settings_and_the_database_logs_it(env, sopdash, postgres_db, monkeypatch):
    monkeypatch.setenv("SOPDASH_DB", postgres_db.url("amara"))
    refused = sopdash("config", "set", "sla.high.ack", "30m")
    assert refused.code == 1 and "only managers" in refused.err

    monkeypatch.setenv("SOPDASH_DB", postgres_db.url("dana"))
    assert sopdash("config", "set", "sla.high.ack", "30m").code == 0
    assert sopdash("config", "set", "roster.amara.tier", "2").code == 0

    monkeypatch.setenv("SOPDASH_DB", postgres_db.url("amara"))
    shown = sopdash("config").out
    assert "high      30m" in shown and "amara  tier 2" in shown and "sopdash.settings" in shown
    log = sopdash("config", "log").out.splitlines()
    assert [line.split()[2] for line in log] == ["dana", "dana"]
    assert "sla.high.ack (not set) → \"30m\"" in log[0]


def test_config_edit_saves_a_valid_edit_and_keeps_a_bad_one_aside(env, sopdash, monkeypatch):
    sopdash("init")
    sopdash("config", "set", "sla.high.ack", "1h")
    monkeypatch.setenv("EDITOR", "sed -i s/1h/45m/")
    assert sopdash("config", "edit").code == 0
    assert 'ack = "45m"' in settings_file(env).read_text()

    monkeypatch.setenv("EDITOR", "sed -i s/45m/99h/")
    refused = sopdash("config", "edit")
    assert refused.code == 2 and "sla.high.ack" in refused.err and "your edited copy is" in refused.err
    Path(refused.err.rsplit("your edited copy is ", 1)[1].strip()).unlink()
    assert 'ack = "45m"' in settings_file(env).read_text()
    assert [r["how"] for r in log_records(env)] == ["config set sla.high.ack", "config edit"]


def test_mail_send_watch_follows_the_desks_settings(env, sopdash):
    sopdash("init")
    assert sopdash("config", "set", "mail.address", "help@desk.example.org", "mail.sendmail", "/bin/true").code == 0
    watching = subprocess.Popen([sys.executable, "-m", "sopdash", "mail", "send", "--watch", "--interval", "0.1",
                                 "--rounds", "100"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "delivering mail from" in watching.stderr.readline()
        assert sopdash("config", "set", "mail.name", "Example IT").code == 0
        out, _ = watching.communicate(timeout=60)
    finally:
        watching.kill()
    assert f"Desk settings changed by {ME}: mail.name (not set) → Example IT" in out


def test_nothing_is_set_beside_a_file_that_is_no_store(tmp_path, sopdash):
    other = tmp_path / "elsewhere" / "passwd"
    other.parent.mkdir()
    other.write_text("root:x:0:0::/root:/bin/sh\n", encoding="utf-8")
    result = sopdash("--db", str(other), "config", "set", "sla.high.ack", "30m")
    assert result.code == 2 and "is not a sopdash store" in result.err
    assert os.listdir(other.parent) == ["passwd"]
