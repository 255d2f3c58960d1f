"""The JSON form of the model and of reports: msgspec turns Structs (and dataclasses) into JSON types, in field
order and without the defaults a Struct leaves out (`omit_defaults`), and one hook writes what JSON has no type for:
a time as the store keeps it (`format_time`: ISO 8601 in UTC, to the second), a time zone by its name."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any

import msgspec
import orjson

from sopdash.core.model import format_time
from sopdash.core.text import BIDI

_RAW_IN_JSON = re.compile(f"[\x7f-\x9f{BIDI}]")  # left unescaped by orjson; only ever inside JSON strings


def plain(value: Any) -> Any:
    """value with every Struct and dataclass as a dict and every tuple as a list; times stay datetimes (for
    `json_bytes`, or a caller that adds keys before writing it)."""
    return msgspec.to_builtins(value, builtin_types=(datetime,), enc_hook=_json_type)


def json_bytes(value: Any, option: int = 0) -> bytes:
    """value as compact JSON (orjson `option`s added), times and zones written by the one hook."""
    return orjson.dumps(plain(value), default=_json_type, option=orjson.OPT_PASSTHROUGH_DATETIME | option)


def json_text(value: Any) -> str:
    """value as one indented JSON document, with every control character escaped so no client text can steer the
    terminal."""
    text = json_bytes(value, orjson.OPT_INDENT_2).decode()
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _json_type(value: Any) -> str:
    """The one hook: a time as the store writes it, a zone by its name."""
    if isinstance(value, datetime):
        return format_time(value)  # type: ignore[return-value]  # never None here
    if isinstance(value, tzinfo):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no JSON form")


def document(value: Any) -> Any:
    """value as the JSON types `json_bytes` writes (times as strings): a stored document to inspect or edit."""
    return orjson.loads(json_bytes(value))
