"""The dashboard's Textual bindings, built from the Textual-free rows in `sopdash.keys` (listed in the README), and
every other screen's and dialog's, built from `SCREEN_KEYS` by id. A row's `help` is the binding's tooltip, which
`?` shows in place of the footer's short description."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding

from sopdash.keys import APP_KEYS, DETAIL_KEYS, HANDOVER_KEYS, LIST_KEYS, SCREEN_KEY_IDS, SCREEN_KEYS, Key


def _bindings(keys: Iterable[Key]) -> list[Binding]:
    return [
        Binding(
            k.keys, k.action, k.description, show=k.show, key_display=k.key_display, priority=k.priority, id=k.id,
            tooltip=k.help,
        )
        for k in keys
    ]


def screen_bindings(*ids: str) -> list[Binding]:
    """The bindings of a screen or dialog: its rows of `SCREEN_KEYS`, by id."""
    return _bindings(SCREEN_KEY_IDS[binding_id] for binding_id in ids)


APP_BINDINGS = _bindings(APP_KEYS)
LIST_BINDINGS = _bindings(LIST_KEYS)
DETAIL_BINDINGS = _bindings(DETAIL_KEYS)
SCREEN_BINDINGS = {heading: _bindings(keys) for heading, keys in SCREEN_KEYS.items()}
"""Every other screen's and dialog's keys, by the heading `?` lists them under."""
HANDOVER_BINDINGS = _bindings(HANDOVER_KEYS)
