"""The config file: location, defaults, and one clear error naming file and key."""

import pytest

from sopdash.config import load_settings
from sopdash.core.errors import ConfigError, InputError


def test_missing_default_config_means_defaults(tmp_path):
    settings = load_settings(None, {"XDG_CONFIG_HOME": str(tmp_path)})
    assert not settings.exists
    assert settings.policy.targets["urgent"].hours == "24x7"


def test_named_config_must_exist(tmp_path):
    with pytest.raises(InputError, match="no config file"):
        load_settings(str(tmp_path / "nope.toml"), {})


def test_config_values_are_read(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[store]\npath = "/srv/t.json"\n[ui]\nprivacy = true\n[roster.dana]\nmanager = true\n')
    settings = load_settings(None, {"SOPDASH_CONFIG": str(path)})
    assert (settings.store_path, settings.privacy, settings.roster.is_manager("dana")) == ("/srv/t.json", True, True)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[calendar.hours]\nfri = ["08:00-25:00"]\n', "calendar.hours.fri"),
        ('[calendar]\ntimezone = "Mars/Olympus"\n', "calendar.timezone"),
        ('[sla.low]\nack = "0h"\n', "sla.low.ack"),
        ("[colours]\nred = 1\n", "colours"),
    ],
)
def test_bad_config_names_file_key_and_reason(tmp_path, text, key):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_settings(str(path), {})
    assert str(path) in str(error.value) and key in str(error.value)


def test_invalid_toml_is_an_input_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[sla\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_settings(str(path), {})


def test_ui_alerts_and_canned_replies(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[ui]\nalerts = "all"\n[replies.vpn]\ntext = "Hello {name}"\n')
    settings = load_settings(str(path), {})
    assert (settings.alerts, [r.name for r in settings.replies]) == ("all", ["vpn"])
    assert load_settings(None, {"XDG_CONFIG_HOME": str(tmp_path / "none")}).alerts == "mine"


@pytest.mark.parametrize(
    ("text", "key"),
    [('[ui]\nalerts = "some"\n', "ui.alerts"), ('[replies.vpn]\ntext = "{who}"\n', "replies.vpn.text")],
)
def test_bad_alerts_or_reply_names_the_key(tmp_path, text, key):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_settings(str(path), {})
    assert error.value.key == key
