"""The config's `[keys]` table, checked without Textual: the CLI (`check`, `config`) must not import it.

`sopdash.tui.bindings` gives every dashboard binding one of these ids (a test holds the two lists equal);
`[keys]` maps an id to one key or a comma-separated list, e.g. `acknowledge = "ctrl+a"`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sopdash.core.errors import ConfigError

BINDING_IDS = frozenset(
    """acknowledge assign assign-to-me close cursor-bottom cursor-down cursor-top cursor-up edit-ticket escalate filter
    go-to help manager-acknowledge mark new-ticket next-pane next-view note open other-ticket page-down page-up palette
    pane-detail pane-escalations
    pane-queue previous-pane priority privacy quit reload reopen reply resolve reverse-sort sort stats step
    view-all view-breaching view-escalated view-mine view-new view-open view-unassigned view-waiting waiting""".split()
)
_KEY = re.compile(r"[^\s,\x00-\x1f\x7f-\x9f]+")  # a Textual key name: `a`, `ctrl+a`, `f2`, `question_mark`


def check_keys(keys: Mapping[str, Any]) -> dict[str, str]:
    """The `[keys]` table as {binding id: keys}; ConfigError naming `keys.ID` for an unknown id or a bad key list."""
    unknown = sorted(set(keys) - BINDING_IDS)
    if unknown:
        raise ConfigError(f"keys.{unknown[0]}", f"no such binding (known: {', '.join(sorted(BINDING_IDS))})")
    for binding_id, value in keys.items():
        parts = value.split(",") if isinstance(value, str) else []
        if not parts or not all(_KEY.fullmatch(part.strip()) for part in parts):
            raise ConfigError(f"keys.{binding_id}", f"{value!r} is not a key or comma-separated keys like \"ctrl+a,F\"")
    return dict(keys)
