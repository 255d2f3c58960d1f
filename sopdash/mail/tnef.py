"""winmail.dat (Outlook's TNEF) unpacked into the files and the text inside it, by tnefparse.

tnefparse trusts the counts it reads (a count of four billion properties loops four billion times), so the
unpacking runs in a child Python with a time and memory limit: a hostile winmail.dat costs at most TIME_LIMIT,
and one that cannot be unpacked is kept as it came.
"""

from __future__ import annotations

import base64
import subprocess
import sys
from dataclasses import dataclass, field

import orjson

SIGNATURE = b"\x78\x9f\x3e\x22"  # 0x223E9F78, little-endian: the first four bytes of every TNEF stream
TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")
TIME_LIMIT = 10  # seconds; a real winmail.dat of 50 MB unpacks in well under one
MEMORY_LIMIT = 512 * 1024 * 1024  # bytes of address space for the child, beyond eight times the stream


@dataclass
class Unpacked:
    """What a TNEF stream held: its files (name, bytes), its plain text and its HTML text ("" when none)."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    text: str = ""
    html: str = ""


def is_tnef(content_type: str, filename: str, data: bytes) -> bool:
    """Whether a part is a TNEF stream (by its type or Outlook's file name, and its signature)."""
    named = content_type in TYPES or filename.strip().lower() == "winmail.dat"
    return named and data.startswith(SIGNATURE)


def unpack(data: bytes) -> Unpacked | None:
    """The files and text in a TNEF stream; None when it cannot be unpacked within the limits."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-m", "sopdash.mail.tnef", str(MEMORY_LIMIT + 8 * len(data))],
            input=data,
            capture_output=True,
            timeout=TIME_LIMIT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    try:
        found = orjson.loads(done.stdout)
        files = [(str(name), base64.b64decode(data)) for name, data in found["files"]]
        return Unpacked(files, str(found["text"]), str(found["html"]))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def _unpack_here(data: bytes, memory_limit: int) -> dict:
    """In the child: the stream read by tnefparse into plain data, within memory_limit bytes of address space."""
    import logging
    import resource

    from tnefparse import TNEF

    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    logging.getLogger("tnefparse").disabled = True  # its warnings about odd streams are not ours to print
    tnef = TNEF(data, do_checksum=False)
    files = [
        (_as_text(attachment.long_filename()), base64.b64encode(attachment.data).decode())
        for attachment in tnef.attachments
        if isinstance(attachment.data, bytes) and attachment.data
    ]
    return {"files": files, "text": _as_text(tnef.body), "html": _as_text(tnef.htmlbody)}


def _as_text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.decode("cp1252", errors="replace")
    return (value or "").replace("\x00", "").replace("\u200b", "") if isinstance(value, str) else ""


if __name__ == "__main__":
    sys.stdout.buffer.write(orjson.dumps(_unpack_here(sys.stdin.buffer.read(), int(sys.argv[1]))))
