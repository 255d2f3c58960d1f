"""Canned replies: named texts from the config's `[replies.NAME]` tables, with the ticket's details filled in.

A reply may use `{name}` (the requester's name, or "there"), `{id}`, `{subject}` and `{technician}`;
anything else in braces is refused when the config is read, so a typo never reaches a client.
Write `{{` and `}}` for literal braces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter
from typing import Any

from sopdash.core.config_table import named_tables
from sopdash.core.errors import ConfigError
from sopdash.core.model import Ticket
from sopdash.core.people import display_name

PLACEHOLDERS = ("name", "id", "subject", "technician")
REPLY_KEYS = ("text",)


@dataclass(frozen=True, slots=True)
class CannedReply:
    """One named reply text with placeholders."""

    name: str
    text: str

    def filled(self, ticket: Ticket, technician: str) -> str:
        """The text with the ticket's details and the technician's name in place of the placeholders."""
        return self.text.format_map(
            {
                "name": display_name(ticket.requester.name) or "there",
                "id": str(ticket.id),
                "subject": ticket.subject,
                "technician": technician,
            }
        )


def canned_replies_from_config(table: Mapping[str, Any]) -> tuple[CannedReply, ...]:
    """The `[replies.NAME]` tables, each `text = "…"`, in the order written; ConfigError names the bad key."""
    replies = []
    for name, key, entry in named_tables(table, "replies", REPLY_KEYS, '{ text = "Hello {name}, …" }'):
        text = entry.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{key}.text", "must be the reply's text")
        _check_placeholders(f"{key}.text", text)
        replies.append(CannedReply(name, text))
    return tuple(replies)


def _check_placeholders(key: str, text: str) -> None:
    try:
        fields = [(field, spec, conversion) for _, field, spec, conversion in Formatter().parse(text) if field is not None]
    except ValueError as error:
        raise ConfigError(key, f"{error} (write {{{{ and }}}} for literal braces)") from None
    for field, spec, conversion in fields:
        if field not in PLACEHOLDERS or spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ConfigError(key, f"{shown} is not a placeholder (known: {', '.join('{' + p + '}' for p in PLACEHOLDERS)})")
