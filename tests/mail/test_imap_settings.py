"""`[mail.imap]`: what it may hold, and one clear message naming the key and the fix for what it may not."""

from __future__ import annotations

import pytest

from sopdash.core.errors import ConfigError
from sopdash.mail.imap_settings import ImapSettings

BASE = {"host": "outlook.office365.com", "user": "help@example.org", "password_file": "/etc/sopdash/imap"}


def test_defaults_are_tls_on_993_the_inbox_and_moving_handled_mail():
    settings = ImapSettings.from_config(BASE)
    assert (settings.port, settings.security, settings.folder, settings.handled) == (993, "tls", "INBOX", "move")
    assert settings.where() == "imaps://help@example.org@outlook.office365.com:993/INBOX"
    assert ImapSettings.from_config({**BASE, "security": "starttls"}).port == 143
    assert ImapSettings.from_config({}) is None


@pytest.mark.parametrize(("change", "key", "words"), [
    ({"security": "none"}, "mail.imap.security", "only for a server on this box"),
    ({"security": "ssl"}, "mail.imap.security", "is not one of"),
    ({"password_file": ""}, "mail.imap.password_file", 'or set auth = "oauth2"'),
    ({"handled": "delete"}, "mail.imap.handled", "is not one of"),
    ({"flag": "two words"}, "mail.imap.flag", "is not an IMAP flag"),
    ({"port": 70000}, "mail.imap.port", "from 1 to 65535"),
    ({"folder": "IN\nBOX"}, "mail.imap.folder", "must be one line"),
    ({"hots": "x"}, "mail.imap.hots", "unknown key"),
])
def test_a_bad_value_names_its_key_and_the_fix(change, key, words):
    with pytest.raises(ConfigError) as raised:
        ImapSettings.from_config({**BASE, **change})
    assert raised.value.key == key and words in raised.value.reason


def test_oauth2_needs_no_password_file():
    settings = ImapSettings.from_config({**BASE, "password_file": "", "auth": "oauth2"})
    assert settings.auth == "oauth2"
