"""Mail no person wrote: auto-replies, lists, bounces and loops, which never open or reopen a ticket.

The signs are the ones RFC 3834 and the big mail systems use (Auto-Submitted, Precedence, X-Autoreply,
List-* headers, an empty Return-Path); Exchange's and Gmail's out-of-office replies are recognised so
they can be kept as an event on their ticket instead of being dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sopdash.mail.parse import IncomingMail, message_ids

ROBOT_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")
LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post", "List-Help", "List-Archive")
_OUT_OF_OFFICE = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|autoreply|away from (the )?office|"
    r"abwesenheit|absence|réponse automatique|respuesta automática|on vacation|vacation reply)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Bounce:
    """A delivery-status report: which of our messages could not be delivered, and why."""

    original_id: str
    reason: str


def robot_reason(mail: IncomingMail, desk_address: str) -> str:
    """Why this message must not open or reopen a ticket ("" for a person's mail)."""
    if mail.sender == desk_address.lower():
        return "from the desk's own address (a loop)"
    auto = mail.header("Auto-Submitted").lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto}"
    precedence = mail.header("Precedence").lower()
    if precedence in ROBOT_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if mail.message.get(name) is not None:
            return f"{name} header"
    for name in LIST_HEADERS:
        if mail.message.get(name) is not None:
            return f"a mailing-list post ({name})"
    if mail.message.get("Return-Path") is not None and mail.header("Return-Path").strip("<> ") == "":
        return "empty Return-Path (a bounce or notification)"
    return ""


def is_out_of_office(mail: IncomingMail) -> bool:
    """An absence notice: an automatic reply whose subject or headers say so."""
    auto = mail.header("Auto-Submitted").lower().startswith("auto-replied")
    flagged = any(mail.message.get(name) is not None for name in ("X-Autoreply", "X-Autorespond"))
    return bool(_OUT_OF_OFFICE.match(mail.subject)) or ((auto or flagged) and "office" in mail.text.lower()[:500])


def bounce(mail: IncomingMail) -> Bounce | None:
    """The RFC 3464 delivery-status report in this message, if it is one that says delivery failed."""
    message = mail.message
    if message.get_content_type() != "multipart/report":
        return None
    if (message.get_param("report-type") or "").lower() != "delivery-status":
        return None
    status, original = None, ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            status = _failed_recipient(part)
        elif kind in ("message/rfc822", "text/rfc822-headers") and not original:
            original = _original_id(part)
    if status is None:
        return None
    original = original or next(iter(mail.parents), "")
    return Bounce(original_id=original, reason=status) if original else None


def _failed_recipient(part) -> str | None:
    """'bounced: <status> <diagnostic>' for the first recipient whose Action is failed; None if none failed."""
    text = _delivery_status_text(part)
    for block in re.split(r"\n\s*\n", text):
        fields = {}
        for line in re.sub(r"\n[ \t]+", " ", block).splitlines():
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
        if fields.get("action", "").lower() == "failed":
            diagnostic = fields.get("diagnostic-code", "").partition(";")[2].strip() or fields.get("diagnostic-code", "")
            recipient = fields.get("final-recipient", "").partition(";")[2].strip()
            said = " ".join(bit for bit in (fields.get("status", ""), diagnostic) if bit)
            return f"bounced{f' by {recipient}' if recipient else ''}: {said or 'delivery failed'}"
    return None


def _delivery_status_text(part) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses message/delivery-status into header blocks
        return "\n\n".join("\n".join(f"{k}: {v}" for k, v in block.items()) for block in payload)
    data = part.get_payload(decode=True) or b""
    return data.decode("utf-8", "replace")


def _original_id(part) -> str:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        value = inner.get("Message-ID", "") if hasattr(inner, "get") else ""
    else:
        data = part.get_payload(decode=True) or b""
        match = re.search(rb"^message-id:\s*(<[^>]+>)", data, re.IGNORECASE | re.MULTILINE)
        value = match.group(1).decode("ascii", "replace") if match else ""
    found = message_ids(str(value))
    return found[0] if found else ""
