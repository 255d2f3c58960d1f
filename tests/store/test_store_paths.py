"""Where the store lives: --db, then $SOPDASH_DB, then the config, then the user data dir."""

from pathlib import Path

import platformdirs

from sopdash.store.paths import resolve_store_path


def test_cli_db_wins() -> None:
    assert resolve_store_path("cli.json", {"SOPDASH_DB": "env.json"}, "config.json") == Path("cli.json")


def test_environment_before_config() -> None:
    assert resolve_store_path(None, {"SOPDASH_DB": "env.json"}, "config.json") == Path("env.json")


def test_config_before_default() -> None:
    assert resolve_store_path(None, {"SOPDASH_DB": ""}, "~/desk/tickets.json") == Path.home() / "desk" / "tickets.json"


def test_default_is_the_user_data_dir() -> None:
    assert resolve_store_path(None, {}, None) == platformdirs.user_data_path("sopdash") / "tickets.json"
