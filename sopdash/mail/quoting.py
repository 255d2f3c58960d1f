"""Quoted history in a reply folded away: what the client wrote now, without the thread it repeats.

The cut is made at the first line that starts quoted history — Gmail's and Apple's "On … wrote:", Outlook's
"-----Original Message-----", its underscore rule or its "From:/Sent:" block — and trailing `>` lines go too.
A forwarded message is content, not history: it is never cut, whether it follows a forward marker (Gmail's and
Thunderbird's "Forwarded message" rule, Apple Mail's "Begin forwarded message:" with its `>` lines) or comes in a
message whose subject says it is a forward (Outlook's "FW:" puts the forwarded message under the same
"From:/Sent:" block a reply quotes). The original is kept whole as an .eml.
"""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(
    r"^\s*(on\b.{0,200}\bwrote:|am\b.{0,200}\bschrieb\b.*:|le\b.{0,200}\ba écrit\s*:|el\b.{0,200}\bescribió:)\s*$",
    re.IGNORECASE,
)
_OUTLOOK = re.compile(r"^\s*(-{3,}\s*original message\s*-{3,}|_{20,})\s*$", re.IGNORECASE)
_HEADER_BLOCK = re.compile(r"^\s*\*?(from|von|de):\*?\s", re.IGNORECASE)
_SENT_LINE = re.compile(r"^\s*\*?(sent|date|gesendet|envoyé|enviado):\*?\s", re.IGNORECASE)
_FORWARD = re.compile(
    r"^\s*-{3,}\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado)\s*-{3,}"
    r"|^\s*(begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié)\s*:",
    re.IGNORECASE,
)
# the first prefix of a subject that forwards ("Fwd:", Outlook's "FW:", German "WG:", French "TR:", ...)
_FORWARD_SUBJECT = re.compile(r"^\s*(\[[^\]]*\]\s*)*(fwd?|wg|tr|rv|enc|doorst)\s*:", re.IGNORECASE)


def fold_quoted(text: str, subject: str = "") -> tuple[str, bool]:
    """(the new part of the message, whether anything was folded away); a forward (by its subject) is kept whole."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = _history_start(lines)
    if cut is None or _FORWARD_SUBJECT.match(subject):
        return "\n".join(lines).strip(), False
    kept = lines[:cut]
    while kept and (kept[-1].lstrip().startswith(">") or not kept[-1].strip()):
        kept.pop()
    new = "\n".join(kept).strip()
    if not new:  # nothing but quotes (a bare forward of the thread): keep it all rather than show nothing
        return text.strip(), False
    return new, len(kept) < len(lines) and new != text.strip()


def _history_start(lines: list[str]) -> int | None:
    """Where quoted history starts (len(lines) when there is none); None when a forwarded message comes first."""
    for index, line in enumerate(lines):
        if _FORWARD.match(line):
            return None
        joined = f"{line} {lines[index + 1]}" if index + 1 < len(lines) else line
        if _ATTRIBUTION.match(line) or (line.strip().lower().startswith("on ") and _ATTRIBUTION.match(joined)):
            return index
        if _OUTLOOK.match(line):
            return index
        if _HEADER_BLOCK.match(line) and any(_SENT_LINE.match(next_line) for next_line in lines[index + 1 : index + 3]):
            return index
    return len(lines)
