"""Mail no person wrote: auto-replies, bounces, delay reports, read receipts, abuse reports and loops, which
never open or reopen a ticket.

The signs are the ones RFC 3834 and the big mail systems use (Auto-Submitted, X-Autoreply, an empty
Return-Path, a MAILER-DAEMON sender, an "Automatic reply:" subject, the report types of RFC 3464, RFC 8098 and
ARF); Exchange's and Gmail's out-of-office replies and read receipts are recognised so they can be kept as an
event on their ticket instead of being dropped. Mail that came through a list or a group (List-Id,
Precedence: list or bulk) is a person's mail like any other (RFC 3834 §2: only our own auto-replies come back
as robots). Bounces that are not RFC 3464 reports (qmail, Exim, Exchange, Notes, Yahoo, older Gmail, plain
text) are read by flufl.bounce, Mailman's bounce detectors.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from sopdash.mail.parse import IncomingMail, message_ids

ROBOT_PRECEDENCE = ("junk", "auto_reply")
MAX_SCANNED = 64_000  # characters of each part a bounce is read for who failed and the Message-ID it returns
MAX_SCANNED_PARTS = 50  # parts of one message read so (a bounce says who failed in its first few)
logging.getLogger("flufl.bounce").addHandler(logging.NullHandler())  # its detectors log tracebacks; we catch them
logging.getLogger("flufl.bounce").propagate = False
_OUT_OF_OFFICE = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|autoreply|away from (the )?office|"
    r"abwesenheit|absence|réponse automatique|respuesta automática|on vacation|vacation reply)",
    re.IGNORECASE,
)
# a subject that alone says an automatic reply (the colon keeps "Out of office calendar broken" a person's)
_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[- ]?(reply|response|answer)|autoreply|automatische antwort|out of (the )?office( reply)?|"
    r"abwesenheitsnotiz|réponse automatique|respuesta automática|risposta automatica|automatisch antwoord)\s*:",
    re.IGNORECASE,
)
_MAIL_SYSTEM = re.compile(r"^(mailer[-_.]?daemon|mail[-_.]?daemon|postmaster|mdaemon|mail[-_.]?delivery[-_.\w]*)$")
# the subjects mail systems give their bounces (a person's own subject never starts so, unless forwarding: "Fwd:")
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliverable\b|undelivered mail|non[- ]?deliver(y|able)\b|returned mail\b|mail delivery failed|"
    r"delivery (status )?notification|failure notice|failure delivery|delivery failure(\s*:|\s+notification)|"
    r"mail system error|mail could not be delivered|could not send message|message not delivered|"
    r"delivery has failed|unzustellbar|warning: could not send)|"
    r": (non remis|unzustellbar|onbestelbaar|no entregado|non recapitabile)\b",
    re.IGNORECASE,
)
_READ_RECEIPT_SUBJECT = re.compile(r"^\s*(read|gelesen|lu|leído|letto|gelezen)\s*:", re.IGNORECASE)
_REPORTS = {
    "delivery-status": "a delivery-status report (RFC 3464)",
    "feedback-report": "an abuse report (ARF)",
    "disposition-notification": "a read receipt (RFC 8098)",
}


@dataclass(frozen=True)
class Bounce:
    """A delivery report: which of our messages it is about (the Message-IDs it quotes, nearest first; the
    addresses that failed), whether delivery failed for good or is only delayed, and why; `quoted` is the
    report's text, where a subject tag may name the ticket when no Message-ID does."""

    original_ids: tuple[str, ...]
    recipients: tuple[str, ...]
    reason: str
    permanent: bool = True
    quoted: str = ""

    @property
    def original_id(self) -> str:
        return self.original_ids[0] if self.original_ids else ""


def robot_reason(mail: IncomingMail, desk_address: str, ours: Callable[[str], bool] = lambda _: False) -> str:
    """Why this message must not open or reopen a ticket ("" for a person's mail). `ours` says whether a
    Message-ID is one the desk made (our own mail come back through a list or group is a loop)."""
    if mail.sender == desk_address.lower():
        return "from the desk's own address (a loop)"
    if ours(mail.message_id):
        return "the desk's own message come back (a loop)"
    report = report_reason(mail)
    if report:
        return report
    auto = mail.header("Auto-Submitted").lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto}"
    precedence = mail.header("Precedence").lower()
    if precedence in ROBOT_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if mail.message.get(name) is not None:
            return f"{name} header"
    if mail.message.get("Return-Path") is not None and mail.header("Return-Path").strip("<> ") == "":
        return "empty Return-Path (a bounce or notification)"
    if from_mail_system(mail):
        return f"from a mail system ({mail.sender})"
    if _AUTO_REPLY_SUBJECT.match(mail.subject):
        return "an automatic reply (its subject says so)"
    if _BOUNCE_SUBJECT.search(mail.subject):
        return "a bounce (its subject says so)"
    return ""


def report_reason(mail: IncomingMail) -> str:
    """What kind of machine report the message is (RFC 3464, RFC 8098, ARF), "" when it is none."""
    message = mail.message
    if message.get_content_type() == "multipart/report":
        kind = (message.get_param("report-type") or "").lower()
        return _REPORTS.get(kind, f"a {kind[:40] or 'machine'} report")
    for part in _parts(message):
        kind = part.get_content_type()
        if kind == "message/feedback-report":
            return _REPORTS["feedback-report"]
        if kind == "message/disposition-notification":
            return _REPORTS["disposition-notification"]
    if _READ_RECEIPT_SUBJECT.match(mail.subject) and re.search(r"\bwas read on\b", mail.text[:2000], re.IGNORECASE):
        return "a read receipt"
    return ""


def notice(mail: IncomingMail) -> str:
    """The kind of notice kept as an event on the ticket it names ("out-of-office reply", "read receipt"), or ""."""
    if report_reason(mail).startswith("a read receipt"):
        return "read receipt"
    return "out-of-office reply" if is_out_of_office(mail) else ""


def is_out_of_office(mail: IncomingMail) -> bool:
    """An absence notice: an automatic reply whose subject or headers say so."""
    auto = mail.header("Auto-Submitted").lower().startswith("auto-replied")
    flagged = any(mail.message.get(name) is not None for name in ("X-Autoreply", "X-Autorespond"))
    return bool(_OUT_OF_OFFICE.match(mail.subject)) or ((auto or flagged) and "office" in mail.text.lower()[:500])


def from_mail_system(mail: IncomingMail) -> bool:
    """Whether the sender is a mail system's own mailbox (MAILER-DAEMON, postmaster)."""
    return bool(_MAIL_SYSTEM.match(mail.sender.partition("@")[0]))


def bounce(mail: IncomingMail) -> Bounce | None:
    """The delivery report in this message: an RFC 3464 report whose Action is failed or delayed, or a bounce in
    another form that flufl.bounce reads; None for anything else."""
    status = _delivery_status(mail)
    if status is not None:
        permanent, recipients, reason = status
    elif _looks_like_bounce(mail):
        permanent, recipients = _detected(mail)
        if not recipients:
            return None
        reason = f"bounced by {', '.join(recipients)}: {mail.subject or 'delivery failed'}"
        if not permanent:
            reason = f"delayed for {', '.join(recipients)}: {mail.subject or 'delivery delayed'}"
    else:
        return None
    quoted, ids = _quoted(mail)
    return Bounce(tuple(ids), tuple(recipients), reason, permanent, quoted)


def _looks_like_bounce(mail: IncomingMail) -> bool:
    empty_path = mail.message.get("Return-Path") is not None and mail.header("Return-Path").strip("<> ").lower() in (
        "", "mailer-daemon")
    return empty_path or from_mail_system(mail) or bool(_BOUNCE_SUBJECT.search(mail.subject)) or (
        report_reason(mail) == _REPORTS["delivery-status"])


def _detected(mail: IncomingMail) -> tuple[bool, list[str]]:
    """(failed for good, the addresses) as flufl.bounce reads the message; a detector that fails finds none."""
    from flufl.bounce import all_failures  # its detectors compile ~150 patterns: only for mail that looks like a bounce

    try:
        temporary, permanent = all_failures(_cut(mail.message, [MAX_SCANNED_PARTS]))
    except Exception:  # a heuristic detector tripping on hostile mail is a message it could not read
        return True, []
    found = permanent or temporary
    addresses = sorted({_address(raw) for raw in found} - {""})
    return bool(permanent), addresses


def _cut(part, budget: list[int]):
    """A shallow copy of the message with at most `budget[0]` parts, each cut to MAX_SCANNED characters, so a
    megabyte returned original or a hostile one costs what a small bounce costs (the detectors read every line)."""
    cut = copy.copy(part)
    payload = part.get_payload()
    if isinstance(payload, list):
        children = []
        for child in payload:
            if budget[0] <= 0:
                break
            budget[0] -= 1
            children.append(_cut(child, budget))
        cut.set_payload(children)
    elif isinstance(payload, str):
        cut.set_payload(payload[:MAX_SCANNED])
    return cut


def _address(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = text.strip().strip("<>").lower()
    return text if "@" in text and text.isprintable() and len(text) <= 254 else ""


def _delivery_status(mail: IncomingMail) -> tuple[bool, list[str], str] | None:
    """(failed for good, recipients, reason) from an RFC 3464 report; None when it says nothing failed or waits."""
    message = mail.message
    if message.get_content_type() != "multipart/report":
        return None
    if (message.get_param("report-type") or "").lower() != "delivery-status":
        return None
    for part in _parts(message):
        if part.get_content_type() == "message/delivery-status":
            return _recipients_status(part)
    return None


def _recipients_status(part) -> tuple[bool, list[str], str] | None:
    failed, delayed = [], []
    for fields in _status_blocks(part):
        action = fields.get("action", "").lower()
        if action in ("failed", "delayed"):
            (failed if action == "failed" else delayed).append(fields)
    chosen = failed or delayed
    if not chosen:
        return None
    fields = chosen[0]
    diagnostic = fields.get("diagnostic-code", "").partition(";")[2].strip() or fields.get("diagnostic-code", "")
    recipient = fields.get("final-recipient", "").partition(";")[2].strip()
    said = " ".join(bit for bit in (fields.get("status", ""), diagnostic) if bit)
    recipients = [_address(f.get("final-recipient", "").partition(";")[2]) for f in chosen]
    verb = "bounced by" if failed else "delayed for"
    reason = f"{verb.split()[0]}{f' {verb.split()[1]} {recipient}' if recipient else ''}: {said or 'delivery ' + verb.split()[0]}"
    return bool(failed), [r for r in recipients if r], reason


def _status_blocks(part) -> list[dict[str, str]]:
    text = _delivery_status_text(part)
    blocks = []
    for block in re.split(r"\n\s*\n", text):
        fields = {}
        for line in re.sub(r"\n[ \t]+", " ", block).splitlines():
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
        blocks.append(fields)
    return blocks


def _delivery_status_text(part) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses message/delivery-status into header blocks
        return "\n\n".join("\n".join(f"{k}: {v}" for k, v in block.items()) for block in payload)
    data = part.get_payload(decode=True) or b""
    return data.decode("utf-8", "replace")


def _quoted(mail: IncomingMail) -> tuple[str, list[str]]:
    """The report's text, and the Message-IDs it quotes, nearest first: the returned message's own header (an
    attached message, a text/rfc822-headers part, or a `Message-ID:` line in the text), then In-Reply-To and
    References, then any other Message-ID in the text."""
    texts, headers = [], []
    for part in _parts(mail.message):
        if part is not mail.message and part.get("Message-ID") is not None:
            headers += message_ids(str(part.get("Message-ID", "")))
        if part.is_multipart() or part.get_content_type() in ("message/rfc822", "message/delivery-status"):
            continue
        if part.get_content_maintype() in ("text", "message"):
            texts.append(_text(part))
    quoted = "\n".join(texts)
    lines = re.findall(r"^[ \t>]*message-id:[ \t]*(<[^<>\s]+>)", quoted, re.IGNORECASE | re.MULTILINE)
    own = {mail.message_id}
    ordered = [i for i in dict.fromkeys(headers + lines + mail.parents + message_ids(quoted)) if i not in own]
    return quoted, ordered


def _text(part) -> str:
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:  # a part that cannot be decoded quotes nothing
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data[: MAX_SCANNED * 4].decode(charset, "replace")[:MAX_SCANNED]
    except LookupError:
        return data[: MAX_SCANNED * 4].decode("latin-1")[:MAX_SCANNED]


def _parts(message):
    try:
        yield from islice(message.walk(), MAX_SCANNED_PARTS)
    except Exception:  # a part the email package cannot walk ends the walk, not the intake
        return
