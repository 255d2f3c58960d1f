"""Text from clients and files made safe to put on a terminal: the one sanitiser for the CLI and the dashboard.

`printable` removes escape sequences (CSI, OSC, DCS and the other string commands, in their 7-bit and 8-bit
forms), C0 and C1 control characters and the bidi embeddings, overrides and isolates that reorder what a
line seems to say; it keeps newlines, tabs and every other Unicode character. Every pattern here matches in
time linear in the text. Widths are terminal cells as Rich counts them (a CJK character or an emoji takes two),
so a cut or padded line lines up whatever script it is in.
"""

import re

# CSI: ESC [ or 0x9b, parameter bytes, intermediate bytes, one final byte (the three classes do not overlap).
_CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
# OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \ or 0x9c); an unterminated one loses its introducer below.
_STRING_COMMAND = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
_OTHER_ESCAPE = r"\x1b[ -/]*[0-~]"
_ESCAPE_SEQUENCE = re.compile(f"{_CSI}|{_STRING_COMMAND}|{_OTHER_ESCAPE}")
BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # undecodable bytes smuggled in by surrogateescape (argv, paths)
ELLIPSIS = "…"


def printable(text: str) -> str:
    """`text` without escape sequences, control characters or bidi overrides (newlines and tabs stay)."""
    if text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable():  # the common cases, and ten
        return text  # times cheaper than the substitutions
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", _SURROGATE.sub("\ufffd", text)))


def one_line(text: str, limit: int | None = None) -> str:
    """`printable(text)` folded onto one line, for table cells and headers; cut to `limit` cells if given."""
    if limit is None:
        return " ".join(printable(text).split())
    cut = len(text) > 4 * limit  # fold only what can show, so a megabyte field costs what a line costs
    line = " ".join(printable(text[: 4 * limit] if cut else text).split())
    return truncate(line + ELLIPSIS if cut else line, limit)


def cell_width(text: str) -> int:
    """The terminal cells text takes."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len  # Rich loads only for text that needs it, so a command starts without it

    return cell_len(text)


def truncate(text: str, width: int) -> str:
    """text cut to width cells, marking the cut with an ellipsis (a wide character cut in half leaves a space)."""
    if cell_width(text) <= width:
        return text
    if text.isascii():
        return text[: max(width - 1, 0)] + ELLIPSIS
    from rich.cells import set_cell_size

    return set_cell_size(text, max(width - 1, 0)) + ELLIPSIS


def pad(text: str, width: int) -> str:
    """text followed by the spaces that fill it to width cells."""
    return text + " " * (width - cell_width(text))
