"""Mail sopdash failed on, kept as it came with the reason, for a technician to read and handle by hand.

Whatever goes wrong inside intake for one message (the `email` package raising on a malformed header, a bug of
ours), the message is kept under `quarantine/` beside the store, named by a hash of its bytes (so the same message
fed twice is kept once), with the reason in a `.reason` file beside it and in the mail log. `mail receive` then
answers 0: the message is taken and kept, so the MTA neither bounces it to the client nor retries it for ever,
and `mail fetch` moves on to the next. `sopdash check` lists what is in quarantine.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from sopdash.core.text import one_line

FOLDER = "quarantine"
LISTED = 5


class Kept(Protocol):
    """What quarantine needs of the kept files (`KeptFiles` beside a file, `DatabaseFiles` in PostgreSQL)."""

    def keep(self, relative: str, data: bytes, durable: bool = True) -> str: ...

    def find(self, relative: str) -> bytes | None: ...

    def names(self) -> list[str]: ...


def quarantine(kept: Kept, raw: bytes, error: BaseException, stage: str) -> tuple[str, str]:
    """Keep raw in quarantine with why; returns (where it is, the reason in one line)."""
    reason = one_line(f"sopdash failed while {stage} ({type(error).__name__}: {error})", 500)
    name = f"{FOLDER}/{hashlib.sha256(raw).hexdigest()[:24]}"
    eml = kept.keep(f"{name}.eml", raw)
    kept.keep(f"{name}.reason", reason.encode() + b"\n")
    return eml, reason


def quarantine_lines(kept: Kept) -> list[str]:
    """`sopdash check` lines for the messages in quarantine: a warning with the first few and their reasons."""
    held = [name for name in kept.names() if name.startswith(f"{FOLDER}/") and name.endswith(".eml")]
    if not held:
        return []
    lines = [f"warning: {len(held)} message(s) sopdash failed on are kept in quarantine: read each, handle it by "
             "hand (`sopdash ticket new` or a note), then remove it and its .reason file; `sopdash mail log` says more"]
    for name in held[:LISTED]:
        reason = kept.find(name.removesuffix(".eml") + ".reason") or b""
        lines.append(f"  {name}: {one_line(reason.decode('utf-8', 'replace'), 200)}")
    if len(held) > LISTED:
        lines.append(f"  … and {len(held) - LISTED} more")
    return lines
