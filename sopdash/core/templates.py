"""The texts the desk writes to clients, from the `[templates]` table of the desk's settings, with placeholders.

A placeholder is a `{name}` from PLACEHOLDERS, replaced by plain text: no attribute access, indexing or format
specs (`str.format` would let a template read `{ticket.__class__}`), and the values are never looked at again, so
text a client wrote (a subject holding `{summary}`) stays as written. `{{` and `}}` write a brace. Anything else in
braces is refused when the settings are read, so a typo never reaches a client. The defaults and the decisions
behind them are in the README ("Mail templates").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from sopdash.core.errors import ConfigError
from sopdash.core.model import Ticket
from sopdash.core.people import display_name, first_name

PLACEHOLDERS = ("requester_name", "requester_first_name", "ticket", "subject", "technician", "desk_name", "summary",
                "signature")
NOBODY = "there"  # the greeting's name for a requester without one: "Hello there,"
DESK = "the help desk"  # {desk_name} when mail names none
MAX_TEMPLATE = 20_000
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")

ACKNOWLEDGEMENT = """\
Hello {requester_name},

thank you for contacting {desk_name}. We have received your request and logged it as ticket {ticket}:

    {subject}

A technician is looking into it and we will keep you updated. When you write to us about it, please reply to \
this message so that it reaches the ticket.

Kind regards,
{technician}
{signature}
"""

REPLY = """\
Hello {requester_name},



Kind regards,
{technician}
{signature}
"""

SATISFACTION_INVITATION = (
    "How did we do? Reply with a score from 1 (poor) to 5 (excellent), or tell us if it is not fixed."
)
"""The resolution notice's invitation to answer (SOP 6B by reply; the answer is read by `core/satisfaction`)."""

RESOLUTION = """\
Hello {requester_name},

your request {ticket} has been resolved:

    {subject}

What we did:

{summary}

""" + SATISFACTION_INVITATION + """

Kind regards,
{technician}
{signature}
"""

RECEIPT = """\
Hello {requester_name},

thank you for your message. We have logged it as ticket {ticket}:

    {subject}

What happens next: a technician will read it and reply to you; you need not do anything now. When you write to us \
about it, please reply to this message so that it reaches the ticket.

This is an automatic message.
{signature}
"""


@dataclass(frozen=True, slots=True)
class Templates:
    """The four texts, as the desk's settings give them (the defaults where they give none)."""

    acknowledgement: str = ACKNOWLEDGEMENT
    reply: str = REPLY
    resolution: str = RESOLUTION
    receipt: str = RECEIPT

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> Templates:
        """`[templates]`: each key one of the texts; ConfigError naming the key for an unknown one or a bad text."""
        known = tuple(field.name for field in fields(cls))
        given = {}
        for key, text in table.items():
            name = f"templates.{key}"
            if key not in known:
                raise ConfigError(name, f"unknown template (known: {', '.join(known)})")
            if not isinstance(text, str) or not text.strip():
                raise ConfigError(name, "must be the text, e.g. \"\"\"Hello {requester_name}, …\"\"\"")
            if len(text) > MAX_TEMPLATE:
                raise ConfigError(name, f"is longer than {MAX_TEMPLATE} characters")
            check(text, name)
            given[key] = text
        return cls(**given)

    def text(self, name: str) -> str:
        """The template called name (`acknowledgement`, `reply`, `resolution`, `receipt`)."""
        return getattr(self, name)


def names() -> tuple[str, ...]:
    """The templates' names, in the order the desk uses them."""
    return tuple(field.name for field in fields(Templates))


def check(text: str, key: str) -> None:
    """ConfigError naming key for braces that are not a known placeholder (`{{` and `}}` write braces)."""
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            raise ConfigError(key, f"a lone {token!r}: write {token * 2} for a brace")
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise ConfigError(key, f"{{{name}}} is not a placeholder (known: {known})")


def fill(text: str, values: Mapping[str, str]) -> str:
    """text with each `{name}` replaced by values[name] ("" for a placeholder not given) and `{{`/`}}` by braces;
    anything else left as written."""

    def value(match: re.Match[str]) -> str:
        token = match.group()
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        return values.get(name, "") if name in PLACEHOLDERS else token

    return _TOKEN.sub(value, text)


def values(ticket: Ticket, technician: str = "", desk_name: str = "", summary: str = "", signature: str = "") -> dict[str, str]:
    """The placeholders' values for a ticket. The signature is the desk's name unless one is configured; a
    template's `{technician}` line is left out by `filled` when there is none (the receipt)."""
    desk = desk_name.strip() or DESK
    return {
        "requester_name": display_name(ticket.requester.name) or NOBODY,
        "requester_first_name": first_name(ticket.requester.name) or NOBODY,
        "ticket": f"#{ticket.id}",
        "subject": " ".join(ticket.subject.split()),
        "technician": technician,
        "desk_name": desk,
        "summary": summary.strip(),
        "signature": signature.strip("\n") or desk[:1].upper() + desk[1:],
    }


def filled(text: str, placeholders: Mapping[str, str]) -> str:
    """The template filled in: a line that held only placeholders that are all empty is left out (no blank line
    where no technician signs), and the text ends without trailing blank lines."""
    lines = []
    for line in text.splitlines():
        named = [m.group(1) for m in _TOKEN.finditer(line) if m.group(1) in PLACEHOLDERS]
        if named and not _TOKEN.sub("", line).strip() and not any(placeholders.get(n) for n in named):
            continue
        lines.append(fill(line, placeholders))
    return "\n".join(lines).rstrip() + "\n" if lines else ""


def as_paragraph(before: str, text: str, after: str) -> str:
    """`text` as it goes in between `before` and `after` (a canned reply at the cursor): on its own paragraph,
    with a blank line on each side unless the neighbour is the start or end of the text."""
    text = text.strip("\n")
    ends = len(before) - len(before.rstrip("\n"))
    starts = len(after) - len(after.lstrip("\n"))
    head = "\n" * max(0, 2 - ends) if before.strip() else ""
    tail = "\n" * max(0, 2 - starts) if after.strip() else ""
    return f"{head}{text}{tail}"


def writing_point(text: str) -> tuple[int, int] | None:
    """Where the technician starts typing in an untouched reply template: the middle of its first run of three or
    more blank lines (under the greeting); None when it has none."""
    lines = text.split("\n")
    start = None
    for row, line in enumerate([*lines, "x"]):
        if not line.strip():
            start = row if start is None else start
            continue
        if start is not None and row - start >= 3:
            return (start + (row - start) // 2, 0)
        start = None
    return None
