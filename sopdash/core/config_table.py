"""A config table read into a msgspec Struct: unknown keys and wrong types refused with the key and the fix named."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

import msgspec

from sopdash.core.errors import ConfigError

T = TypeVar("T", bound=msgspec.Struct)

KINDS = {str: "a string", bool: "true or false", int: "a whole number", float: "a number",
         list[str]: 'a list of strings, e.g. ["example.org"]'}
_UNKNOWN = re.compile(r"unknown field `(.*)`")
_AT = re.compile(r"- at `\$\.([^`\[]+)")


def decode_table(table: Any, kind: type[T], name: str) -> T:
    """table as a `kind`; a ConfigError naming `name.key` for an unknown key or a value of the wrong type."""
    if not isinstance(table, Mapping):
        raise ConfigError(name, "must be a table")
    try:
        return msgspec.convert(dict(table), kind)
    except msgspec.ValidationError as error:
        raise _config_error(str(error), table, kind, name) from None


def _config_error(message: str, table: Mapping[str, Any], kind: type[msgspec.Struct], name: str) -> ConfigError:
    known = ", ".join(kind.__struct_encode_fields__)  # the names as written in the config
    unknown = _UNKNOWN.search(message)
    if unknown:
        return ConfigError(f"{name}.{unknown.group(1)}", f"unknown key (known: {known})")
    at = _AT.search(message)
    if at is None or at.group(1) not in table:
        return ConfigError(name, message)
    key = at.group(1)
    field_type = next((f.type for f in msgspec.structs.fields(kind) if f.encode_name == key), None)
    wanted = KINDS.get(field_type, "")  # type: ignore[arg-type]
    return ConfigError(f"{name}.{key}", f"{table[key]!r} is not {wanted}" if wanted else message.split(" - at")[0])


def positive_number(value: float, key: str, most: float, unit: str = "") -> float:
    """value if it is a finite number above zero and at most `most`; else a ConfigError saying the range."""
    if not (math.isfinite(value) and 0 < value <= most):
        raise ConfigError(key, f"{value!r} is not a positive number of at most {most:g}{unit}")
    return value


def whole_number(value: int, key: str, least: int, most: int) -> int:
    """value if it is a whole number from least to most; else a ConfigError saying the range."""
    if not least <= value <= most:
        raise ConfigError(key, f"{value!r} is not a whole number from {least} to {most}")
    return value


def named_tables(table: Mapping[str, Any], prefix: str, known: tuple[str, ...], example: str) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """Each `[PREFIX.NAME]` table in the order written, as (NAME, `PREFIX.NAME`, the table); ConfigError for one
    that is not a table (example shows one) or holds a key not in known."""
    for name, entry in table.items():
        key = f"{prefix}.{name}"
        if not isinstance(entry, Mapping):
            raise ConfigError(key, f"must be a table like {example}")
        unknown = sorted(set(entry) - set(known))
        if unknown:
            raise ConfigError(f"{key}.{unknown[0]}", f"unknown key (known: {', '.join(known)})")
        yield str(name), key, entry
