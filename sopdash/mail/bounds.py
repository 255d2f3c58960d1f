"""What one message may cost to read: header fields cut to a size, parts counted, before the `email` package sees it.

The `email` package decodes a header field in memory many times its size (a 220 KB Subject of encoded words takes
over a gigabyte) and builds an object for every part. So a top-level header field longer than MAX_HEADER_FIELD is
cut before parsing (References keeps its end, where the nearest parents are; From, Sender and Reply-To keep their
address and the start of the name; any other field its start), and a
message with more than MAX_PARTS parts has only its headers read. The original is kept whole either way.
"""

from __future__ import annotations

import re

MAX_HEADER_FIELD = 16_384  # bytes of one header field, folded lines included; a real References stays under it
MAX_PARTS = 250  # MIME parts (boundary lines); real mail, a mailing-list digest included, has a few dozen

_BOUNDARY = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.IGNORECASE)
_FIELD_START = re.compile(rb"\n(?![ \t])")
_ADDRESS = re.compile(rb"<[^<>\s]{1,254}@[^<>\s]{1,254}>")
_ADDRESS_FIELDS = (b"from", b"sender", b"reply-to")
_NOT_IN_A_NAME = bytes.maketrans(b'"\\<>\r\n\t', b"       ")


def cut_headers(raw: bytes) -> tuple[bytes, list[str]]:
    """raw with each over-long top-level header field cut to MAX_HEADER_FIELD bytes, and the names of those cut."""
    end = _header_end(raw)
    head = raw[:end]
    if len(head) <= MAX_HEADER_FIELD:
        return raw, []
    fields = _FIELD_START.split(head)
    cut = []
    for number, field in enumerate(fields):
        if len(field) > MAX_HEADER_FIELD:
            name = field.split(b":", 1)[0].strip()
            cut.append(name.decode("ascii", "replace")[:80])
            fields[number] = _shortened(name, field) + (b"\r" if field.endswith(b"\r") else b"")
    if not cut:
        return raw, []
    return b"\n".join(fields) + raw[end:], cut


def part_count(raw: bytes) -> int:
    """How many MIME parts raw has, counted from the boundary lines of the boundaries it declares (never low for
    a message the `email` package could read)."""
    declared = {match[1] or match[2] for match in _BOUNDARY.finditer(raw)}
    return sum(len(re.findall(rb"\n--" + re.escape(boundary) + rb"(?:--)?[ \t]*(?:\r?\n|$)", raw)) for boundary in declared)


def _header_end(raw: bytes) -> int:
    """Where the top-level header block ends (the blank line after it, or the end of raw)."""
    ends = [at for at in (raw.find(b"\n\n"), raw.find(b"\n\r\n")) if at != -1]
    return min(ends) if ends else len(raw)


def _shortened(name: bytes, field: bytes) -> bytes:
    """A header field within MAX_HEADER_FIELD, cut where a fold or space is, so no word is cut in half."""
    keep = MAX_HEADER_FIELD - len(name) - 2
    address = _ADDRESS.search(field) if name.lower() in _ADDRESS_FIELDS else None
    if address is not None:
        phrase = field[len(name) + 1:min(address.start(), keep // 2)].translate(_NOT_IN_A_NAME).strip()
        return name + b': "' + phrase + b'" ' + address[0]
    if name.lower() == b"references":
        tail = field[-keep:]
        start = tail.find(b"<")
        return name + b": " + (tail[start:] if start != -1 else b"")
    body = field[len(name) + 1:len(name) + 1 + keep]
    space = max(body.rfind(b" "), body.rfind(b"\t"))
    return name + b":" + (body[:space] if space > 0 else body).rstrip(b"\r\n")
