"""Saved views in the desk's settings (`[views.NAME]`) and a technician's own config (`[ui.views.NAME]`)."""

from pathlib import Path

import pytest

from sopdash.config import settings_from_document
from sopdash.core.errors import ConfigError
from sopdash.core.saved_views import SavedView


def settings(document: dict):
    return settings_from_document(document, Path("config.toml"))


def test_desk_views_then_own_views_and_an_own_view_replaces_the_desks_of_its_name():
    loaded = settings({
        "views": {"hot": {"query": "p:high a:me"}, "printers": {"query": "printer"}},
        "ui": {"views": {"printers": {"query": "printer s:all"}, "vpn": {"query": "vpn"}}},
    })
    assert loaded.views == (
        SavedView("hot", "p:high a:me"), SavedView("printers", "printer s:all", True), SavedView("vpn", "vpn", True),
    )


def test_a_view_without_a_status_keeps_to_tickets_not_closed_and_s_all_takes_closed_ones_too():
    assert SavedView("hot", "p:high").view().filter_text == "s:new,open,waiting,resolved p:high"
    assert SavedView("old", "printer s:all").view().filter_text == "printer s:all"


@pytest.mark.parametrize(
    ("views", "key", "reason"),
    [
        ({"x": {"query": "p:urgentish"}}, "views.x.query", "urgentish"),
        ({"x": {"query": ""}}, "views.x.query", "must be a filter"),
        ({"x": {"filter": "p:high"}}, "views.x.filter", "unknown key"),
        ({"x": "p:high"}, "views.x", "must be a table"),
    ],
)
def test_a_bad_view_is_a_config_error_naming_it(views, key, reason):
    with pytest.raises(ConfigError) as raised:
        settings({"views": views})
    assert raised.value.key == key and reason in str(raised.value)

