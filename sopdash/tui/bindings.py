"""The dashboard's Textual bindings, built from the Textual-free rows in `sopdash.keys` (listed in the README)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding

from sopdash.keys import APP_KEYS, DETAIL_KEYS, HANDOVER_KEYS, LIST_KEYS, Key


def _bindings(keys: Iterable[Key]) -> list[Binding]:
    return [
        Binding(k.keys, k.action, k.description, show=k.show, key_display=k.key_display, priority=k.priority, id=k.id)
        for k in keys
    ]


APP_BINDINGS = _bindings(APP_KEYS)
LIST_BINDINGS = _bindings(LIST_KEYS)
DETAIL_BINDINGS = _bindings(DETAIL_KEYS)
HANDOVER_BINDINGS = _bindings(HANDOVER_KEYS)
