"""Every failure ends as one line on stderr and the contract's exit code: 1 refused by a rule, 2 usage or input."""

from __future__ import annotations

import pytest

from sopdash import __version__
from sopdash.cli import ticket_commands
from sopdash.core.errors import InputError


def test_corrupt_store_is_refused_and_left_untouched(env, sopdash, new_ticket):
    new_ticket()
    corrupt = env.read_bytes()[:-7] + b"garbage"
    env.write_bytes(corrupt)
    writing_new = ("ticket", "new", "--subject", "x", "--requester", "a@b.c")
    for args in (("ticket", "list"), ("ticket", "ack", "1"), writing_new):
        result = sopdash(*args)
        assert result.code == 2
        assert result.out == ""
        assert result.err.count("\n") == 1
        assert result.err.startswith(f"sopdash: {env} is not a sopdash store (invalid JSON")
        assert env.read_bytes() == corrupt


def test_missing_store_names_the_fix(no_store, sopdash):
    env = no_store
    result = sopdash("ticket", "list")
    assert result.code == 2
    assert result.err == f"sopdash: no ticket store at {env}; create an empty one with `sopdash init --db {env}`\n"
    assert not env.exists()


def test_bad_sopdash_now_is_an_input_error(env, sopdash, new_ticket, monkeypatch):
    new_ticket()
    monkeypatch.setenv("SOPDASH_NOW", "tomorrow at noon")
    result = sopdash("ticket", "list")
    assert result.code == 2
    assert result.err.startswith("sopdash: SOPDASH_NOW: 'tomorrow at noon' is not an ISO 8601 time")


def test_bad_config_names_the_file_and_the_key(env, sopdash, new_ticket, tmp_path):
    new_ticket()
    config = tmp_path / "config.toml"
    config.write_text("[sla]\nwarn_at = 5\n", encoding="utf-8")
    result = sopdash("ticket", "list")
    assert result.code == 2
    assert result.err.startswith(f"sopdash: {config}: sla.warn_at: 5 is not a fraction")


def test_config_that_is_not_toml_is_an_input_error(env, sopdash, tmp_path):
    (tmp_path / "config.toml").write_text("[sla\n", encoding="utf-8")
    result = sopdash("ticket", "list")
    assert result.code == 2
    assert "not valid TOML" in result.err and result.err.count("\n") == 1


def test_named_config_that_does_not_exist(env, sopdash, tmp_path):
    result = sopdash("--config", str(tmp_path / "nope.toml"), "ticket", "list")
    assert result.code == 2
    assert f"no config file at {tmp_path / 'nope.toml'}" in result.err


def test_usage_errors_exit_2(env, sopdash):
    assert sopdash("ticket").code == 2
    assert sopdash("frobnicate").code == 2
    assert sopdash("ticket", "new", "--subject", "x").code == 2
    result = sopdash("--demo", "ticket", "list")
    assert (result.code, result.err) == (2, "sopdash: --demo opens the dashboard; drop it to run `sopdash ticket`\n")


def test_version_and_help_exit_0(sopdash):
    version = sopdash("--version")
    assert (version.code, version.out) == (0, f"sopdash {__version__}\n")
    assert sopdash("ticket", "list", "--help").code == 0


@pytest.mark.parametrize(
    ("raised", "code", "err"),
    [
        (KeyboardInterrupt(), 130, ""),
        (BrokenPipeError(), 141, ""),
        (ZeroDivisionError("division by zero"), 70, "sopdash: internal error: ZeroDivisionError: division by zero\n"),
    ],
)
def test_unexpected_failures_end_without_a_traceback(env, sopdash, monkeypatch, raised, code, err):
    def fail(args):
        raise raised

    monkeypatch.setattr(ticket_commands, "list_tickets", fail)
    result = sopdash("ticket", "list")
    assert (result.code, result.err) == (code, err)


def test_multi_line_messages_are_folded_onto_one_line(env, sopdash, monkeypatch):
    def fail(args):
        raise InputError("first line\nsecond line")

    monkeypatch.setattr(ticket_commands, "list_tickets", fail)
    assert sopdash("ticket", "list").err == "sopdash: first line second line\n"
