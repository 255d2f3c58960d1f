"""Fixtures for the mail tests: a store whose config turns mail on (the SMTP server is in tests/conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mail_server import NOW, mail_config

from sopdash.desk.identity import current_login
from sopdash.store.opening import open_store


@pytest.fixture
def mail_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_server, time_machine) -> Path:
    """SOPDASH_DB/CONFIG for an empty store whose mail goes to the test server, the clock stopped at NOW; returns
    the store path."""
    _, port = smtp_server
    config = tmp_path / "config.toml"
    config.write_text(mail_config(port), encoding="utf-8")
    store = tmp_path / "tickets.json"
    monkeypatch.setenv("SOPDASH_DB", str(store))
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))
    time_machine.move_to(NOW, tick=False)
    open_store(store, create=True)
    return store


@pytest.fixture(params=["file", "postgresql"])
def mail_store(request: pytest.FixtureRequest, mail_env: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """mail_env's store, or in its place a fresh database reached as the role named like this OS login."""
    if request.param == "file":
        return str(mail_env)
    url = request.getfixturevalue("postgres_db").url(current_login())
    monkeypatch.setenv("SOPDASH_DB", url)
    return url


@pytest.fixture
def dovecot():
    """A real Dovecot IMAP server on 127.0.0.1 for this test (tests/mail/dovecot.py); skipped where Dovecot is
    missing, except in CI (CI=true), where that is a failure."""
    from dovecot import DovecotUnavailable, remove, start_dovecot
    from mail_server import free_port

    try:
        server = start_dovecot(free_port())
    except DovecotUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the IMAP tests, but {error}")
        pytest.skip(f"IMAP tests skipped: {error}")
    try:
        yield server
    finally:
        remove(server)


@pytest.fixture
def imap_env(mail_env: Path, dovecot, tmp_path: Path) -> Path:
    """mail_env with [mail.imap] pointing at the test's Dovecot (handled mail moved to `sopdash-handled`)."""
    from dovecot import PASSWORD, USER

    secret = tmp_path / "imap-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    config = Path(os.environ["SOPDASH_CONFIG"])
    config.write_text(
        config.read_text(encoding="utf-8") + f'\n[mail.imap]\nhost = "127.0.0.1"\nport = {dovecot.port}\n'
        f'security = "none"\nuser = "{USER}"\npassword_file = "{secret}"\npoll_s = 5\n',
        encoding="utf-8",
    )
    return mail_env
