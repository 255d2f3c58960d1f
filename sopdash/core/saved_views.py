"""Saved views: named queries from the desk's settings (`[views.NAME] query = "p:high a:me"`) and from a technician's
own config (`[ui.views.NAME]`), which the dashboard lists with their counts and switches to.

A query is the filter bar's (`core/queue.parse_query`), checked when the config is read, so a typo is a config
error naming the view rather than an empty queue. A query that says nothing of the status keeps to the tickets
not closed, as the quick views do (`s:all` takes in the closed ones).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sopdash.core.config_table import named_tables
from sopdash.core.errors import ConfigError, InputError
from sopdash.core.queue import DEFAULT_VIEW, View, parse_query
from sopdash.core.text import one_line

VIEW_KEYS = ("query",)
MAX_VIEW_NAME = 40


@dataclass(frozen=True, slots=True)
class SavedView:
    """One named query; `personal` when it comes from the technician's own config."""

    name: str
    query: str
    personal: bool = False

    @property
    def title(self) -> str:
        return one_line(self.name, MAX_VIEW_NAME) + (" (mine)" if self.personal else "")

    def view(self) -> View:
        """The queue view it stands for."""
        says_status = parse_query(self.query, "me").statuses is not None
        filter_text = self.query if says_status else f"{DEFAULT_VIEW.filter_text} {self.query}"
        return View(f"saved:{self.name}", self.title, filter_text)


def saved_views_from_config(table: Mapping[str, Any], prefix: str, personal: bool = False) -> tuple[SavedView, ...]:
    """The `[PREFIX.NAME]` tables, each `query = "…"`, in the order written; ConfigError names the bad key."""
    views = []
    for name, key, entry in named_tables(table, prefix, VIEW_KEYS, '{ query = "p:high a:me" }'):
        query = entry.get("query")
        if not isinstance(query, str) or not query.strip():
            raise ConfigError(f"{key}.query", 'must be a filter like "p:high a:me"')
        try:
            parse_query(query, "me")
        except InputError as error:
            raise ConfigError(f"{key}.query", str(error)) from None
        views.append(SavedView(name, query.strip(), personal))
    return tuple(views)


def combined(desk: Iterable[SavedView], own: Iterable[SavedView]) -> tuple[SavedView, ...]:
    """The desk's views, then the technician's own; one of their own replaces the desk's of the same name."""
    own = tuple(own)
    mine = {view.name for view in own}
    return tuple(view for view in desk if view.name not in mine) + own
