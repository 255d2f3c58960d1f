"""Files uuencoded into a text body (`begin 644 name` … `end`, as old clients and scripts still send them) taken
out of the text as attachments. A block that does not decode whole is left in the text as it came."""

from __future__ import annotations

import binascii
import re

_BEGIN = re.compile(r"begin [0-7]{3,4} (\S.*?)\s*")


def extract(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """(the text without its uuencoded blocks, the files they held as (name, bytes)), in order."""
    if "begin " not in text:
        return text, []
    lines = text.split("\n")
    kept: list[str] = []
    files: list[tuple[str, bytes]] = []
    at = 0
    while at < len(lines):
        begin = _BEGIN.fullmatch(lines[at])
        block = _block(lines, at + 1) if begin else None
        if block is None:
            kept.append(lines[at])
            at += 1
            continue
        data, at = block
        files.append((begin[1], data))
        if kept and not kept[-1].strip() and at < len(lines) and not lines[at].strip():
            at += 1  # the block's blank line before and after become one
    return "\n".join(kept) if files else text, files


def _block(lines: list[str], start: int) -> tuple[bytes, int] | None:
    """The bytes of the block whose data starts at lines[start] and the line after its `end`; None if it is not one."""
    data = bytearray()
    for at in range(start, len(lines)):
        line = lines[at].rstrip("\r")
        if line.strip() == "end":
            return bytes(data), at + 1
        try:
            data += _line(line.encode("ascii"))
        except (UnicodeEncodeError, binascii.Error):
            return None
    return None


def _line(line: bytes) -> bytes:
    """One uuencoded line; like the `uu` module, tolerant of encoders that pad the line with garbage."""
    if not line.strip():
        return b""
    try:
        return binascii.a2b_uu(line)
    except binascii.Error:
        length = (((line[0] - 32) & 63) * 4 + 5) // 3
        return binascii.a2b_uu(line[:length])
