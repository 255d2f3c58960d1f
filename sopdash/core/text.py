"""Text from clients and files made safe to put on a terminal: no control characters, no escape sequences."""

import re

import orjson

_ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_RAW_CONTROLS = re.compile("[\x7f-\x9f]")  # left unescaped by orjson; only ever inside JSON strings


def printable(text: str) -> str:
    """`text` without terminal escape sequences or control characters (newlines and tabs stay)."""
    if text.isprintable():  # the common case, and ten times cheaper than the two substitutions
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def one_line(text: str) -> str:
    """`printable(text)` folded onto one line, for table cells and headers."""
    return " ".join(printable(text).split())


def json_text(document: object) -> str:
    """One indented JSON document, with every control character escaped so no client text can steer the terminal."""
    text = orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
    return _RAW_CONTROLS.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
