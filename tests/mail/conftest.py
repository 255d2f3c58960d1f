"""Fixtures for the mail tests: a real SMTP server on 127.0.0.1, and a store whose config turns mail on."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from mail_server import NOW, Mailbox, free_port, mail_config


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 for this test; yields (mailbox, port)."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_server) -> Path:
    """SOPDASH_DB/CONFIG/NOW for a store whose mail goes to the test server; returns the store path."""
    _, port = smtp_server
    config = tmp_path / "config.toml"
    config.write_text(mail_config(port), encoding="utf-8")
    store = tmp_path / "tickets.json"
    monkeypatch.setenv("SOPDASH_DB", str(store))
    monkeypatch.setenv("SOPDASH_CONFIG", str(config))
    monkeypatch.setenv("SOPDASH_NOW", NOW)
    return store
