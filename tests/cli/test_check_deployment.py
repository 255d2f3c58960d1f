"""`sopdash check` checks the deployment around the store: what the group cannot use, whether the MTA's user can
run the pipe, whether mail can leave, and the database roles; each problem with the command that fixes it.
(The whole set-up with real users is in tests/test_box_install.py.)"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from mail_server import mail_config

from sopdash.config import load_settings
from sopdash.desk.deployment_check import (
    Person,
    folder_lines,
    group_access_lines,
    mta_lines,
    refused_at,
    role_lines,
    transport_lines,
)
from sopdash.mail.settings import MailSettings
from sopdash.store.opening import open_store

GID = os.getgid()
STRANGER = Person("a stranger", 4242, frozenset({4242}))


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder under /tmp that everyone may search (pytest's own are its user's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="sopdash-check-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_a_folder_closed_on_the_way_is_named(open_folder):
    shut = open_folder / "shut"
    (shut / "inner").mkdir(parents=True)
    target = shut / "inner" / "tickets.json"
    target.write_text("{}")
    shut.chmod(0o700)
    assert refused_at(STRANGER, target, os.R_OK) == shut
    shut.chmod(0o711)
    (shut / "inner").chmod(0o755)
    target.chmod(0o640)
    assert refused_at(STRANGER, target, os.R_OK) == target
    target.chmod(0o644)
    assert refused_at(STRANGER, target, os.R_OK) is None


def test_what_the_group_cannot_read_and_write_is_listed_with_the_fix(tmp_path):
    kept = tmp_path / "tickets.json.files"
    (kept / "mail").mkdir(parents=True)
    for n in range(5):
        (kept / "mail" / f"{n}.eml").write_bytes(b"x")
        (kept / "mail" / f"{n}.eml").chmod(0o660)
    (kept / "mail").chmod(0o2770)
    kept.chmod(0o2770)
    assert group_access_lines(kept, GID, "desk") == []
    for n in range(4):
        (kept / "mail" / f"{n}.eml").chmod(0o640)
    (line,) = group_access_lines(kept, GID, "desk")
    assert line.startswith("warning: the group desk cannot read and write ") and " and 1 more;" in line
    assert line.endswith(f"run `sudo chgrp -R desk {kept} && sudo chmod -R g+rwX {kept}`")


def test_a_folder_that_does_not_hand_on_its_group_is_named(tmp_path):
    folder = tmp_path / "desk"
    folder.mkdir()
    folder.chmod(0o770)
    (line,) = folder_lines(folder, GID, "desk")
    assert line.endswith(f"run `sudo chgrp desk {folder} && sudo chmod g+rwxs {folder}`")
    folder.chmod(0o2770)
    assert folder_lines(folder, GID, "desk") == []


def settings_with(tmp_path: Path, mail: str):
    config = tmp_path / "config.toml"
    config.write_text(f'[calendar]\ntimezone = "UTC"\n\n[mail]\naddress = "help@desk.example.org"\n{mail}\n')
    return load_settings(str(config), {})


def test_an_mta_user_that_does_not_exist_is_an_error_naming_useradd(tmp_path):
    store = open_store(tmp_path / "tickets.json", create=True)
    settings = settings_with(tmp_path, 'sendmail = "/bin/true"\nmta_user = "no-such-user-here"')
    (line,) = mta_lines("no-such-user-here", store.shared_file(), settings)
    assert line.startswith("error: [mail] mta_user no-such-user-here: no such user; create it with `sudo useradd")


@pytest.mark.skipif(os.geteuid() != 0, reason="a store of another user's group needs root to set up")
def test_an_mta_user_outside_the_stores_group_is_an_error_naming_usermod(tmp_path):
    store = open_store(tmp_path / "tickets.json", create=True)
    settings = settings_with(tmp_path, 'sendmail = "/bin/true"\nmta_user = "nobody"')
    lines = mta_lines("nobody", store.shared_file(), settings)
    assert any("a pipe runs with that group alone; give the store a help-desk group of its own" in line
               for line in lines), lines  # the store's group is root's: never advise joining a system group
    assert all(line.startswith("error: the MTA's user nobody") for line in lines)


def test_the_smtp_server_is_asked_ehlo_and_sent_nothing(smtp_server):
    mailbox, port = smtp_server
    mail = MailSettings.from_config({"address": "help@desk.example.org", "smtp_url": f"smtp://127.0.0.1:{port}",
                                     "starttls": False})
    assert transport_lines(mail) == [f"mail: smtp://127.0.0.1:{port} answers (EHLO; nothing sent)"]
    assert mailbox.messages == []


def test_a_server_that_does_not_answer_and_a_missing_sendmail_are_warnings():
    from mail_server import free_port

    dead = MailSettings.from_config({"address": "help@desk.example.org", "smtp_url": f"smtp://127.0.0.1:{free_port()}",
                                     "starttls": False})
    (line,) = transport_lines(dead)
    assert line.startswith("warning: mail: cannot reach smtp://127.0.0.1:") and "correct [mail] smtp_url" in line
    missing = MailSettings.from_config({"address": "help@desk.example.org", "sendmail": "/no/such/sendmail -t"})
    (line,) = transport_lines(missing)
    assert line.startswith("warning: mail: /no/such/sendmail is not there") and "apt-get install postfix" in line


def test_check_reports_the_mail_transport_and_stays_healthy(env, sopdash, smtp_server, tmp_path):
    _, port = smtp_server
    (tmp_path / "config.toml").write_text(mail_config(port), encoding="utf-8")
    result = sopdash("check")
    assert result.code == 0, result.out
    assert f"mail: smtp://127.0.0.1:{port} answers (EHLO; nothing sent)" in result.out.splitlines()


def test_check_says_the_mta_user_cannot_take_mail_and_is_unhealthy(env, sopdash, tmp_path):
    (tmp_path / "config.toml").write_text(
        '[mail]\naddress = "help@desk.example.org"\nsendmail = "/bin/true"\nmta_user = "no-such-user-here"\n')
    result = sopdash("check")
    assert result.code == 2
    assert any(line.startswith("error: [mail] mta_user no-such-user-here: no such user") for line in result.out.splitlines())


def test_roles_missing_from_the_database_are_named_with_init_postgres(postgres_db):
    store = open_store(postgres_db.url("amara"))
    assert role_lines(store, ["amara", "bo"]) == ["roles: amara, bo may act as technicians"]
    (line,) = role_lines(store, ["amara", "ghost"])
    assert line.startswith("warning: ghost may not act as technicians in the database")
    assert line.endswith(f"`sopdash store init-postgres --db {store.location} --technician ghost`")


def test_a_server_without_starttls_is_our_set_up_to_fix_not_a_server_to_start(smtp_server):
    mail = MailSettings.from_config({"address": "help@desk.example.org", "smtp_url": f"smtp://127.0.0.1:{smtp_server[1]}"})
    (line,) = transport_lines(mail)
    assert line.startswith("warning: mail: TLS set-up: smtp://127.0.0.1:") and "does not offer STARTTLS" in line
    assert "start the server" not in line and smtp_server[0].messages == []
