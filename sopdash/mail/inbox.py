"""A client's mail handled exactly once: threaded onto its ticket, opened as a new one, or dropped with a reason.

Every message is kept as an .eml in `<store>.files/` before anything else happens, and every outcome is
written to the mail log, so nothing that arrives is lost. The same Message-ID arriving again (an MTA
retry) is found on the ticket that already holds it and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from sopdash.clock import Clock
from sopdash.core import delivery as outbound
from sopdash.core import inbound as rules
from sopdash.core.errors import InputError
from sopdash.core.model import Attachment, Inbound, Requester, Ticket, format_time
from sopdash.core.text import one_line
from sopdash.mail.compose import ticket_of_message_id
from sopdash.mail.parse import IncomingMail, Part, Unparseable, read_message
from sopdash.mail.quoting import fold_quoted
from sopdash.mail.robots import bounce, is_out_of_office, robot_reason
from sopdash.mail.settings import MailSettings
from sopdash.store import Store
from sopdash.store.kept_files import KeptFiles

EX_OK = 0
EX_DATAERR = 65  # sysexits: the message cannot be parsed at all
EX_TEMPFAIL = 75  # sysexits: the store is locked or unreachable; the MTA tries again later
MAX_NAME = 100
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class Outcome:
    """What happened to one message: `ticket` (opened), `reply` (appended), or why it changed no ticket."""

    action: str
    reason: str
    ticket_id: int | None = None
    exit_code: int = EX_OK

    def line(self) -> str:
        """One line for the terminal: `ticket #12: new ticket from ann@example.com`."""
        where = f" #{self.ticket_id}" if self.ticket_id is not None else ""
        return f"{self.action}{where}: {self.reason}"


def receive(raw: bytes, store: Store, kept: KeptFiles, settings: MailSettings, clock: Clock) -> Outcome:
    """Handle one RFC 5322 message; the outcome says what it did (and its sysexits code)."""
    now = clock()
    try:
        mail = read_message(raw)
    except Unparseable as error:
        eml = kept.keep(f"rejected/{_stamp(now)}-{_digest(raw)}.eml", raw)
        return _log(kept, now, None, Outcome("rejected", f"cannot be parsed: {error}", exit_code=EX_DATAERR), eml)
    base = f"mail/{now:%Y/%m}/{_digest(mail.message_id.encode())}"
    eml = kept.keep(f"{base}.eml", _kept_original(raw, mail, settings))
    return _log(kept, now, mail, _handle(mail, base, eml, store, kept, settings, now), eml)


def _handle(
    mail: IncomingMail, base: str, eml: str, store: Store, kept: KeptFiles, settings: MailSettings, now: datetime
) -> Outcome:
    report = bounce(mail)
    if report is not None:
        return _bounced(report.original_id, report.reason, store, settings)
    thread = thread_of(mail, settings)
    robot = robot_reason(mail, settings.address)
    if robot:
        if thread is not None and is_out_of_office(mail) and mail.sender != settings.address.lower():
            author = _author(mail)
            try:
                store.update(thread, lambda t: rules.out_of_office(t, author, now, mail.subject))
            except InputError:  # no such ticket (any more): nothing to note it on
                return Outcome("dropped", f"{robot}; ticket #{thread} not found", thread)
            return Outcome("out-of-office", f"kept as an event ({robot})", thread)
        return Outcome("dropped", robot, thread)
    text, folded = fold_quoted(mail.text)
    inbound = _inbound(mail, base, eml, folded, kept, settings)
    follows = thread if thread is not None and _exists(store, thread) else None
    outcome: list[Outcome] = []

    def plan(tickets: list[Ticket]) -> tuple[list[Ticket], list[Ticket]]:
        seen = rules.has_message(tickets, mail.message_id)
        if seen is not None:
            outcome.append(Outcome("duplicate", f"{mail.message_id} was handled before", seen))
            return [], []
        target = next((t for t in tickets if t.id == thread), None) if thread is not None else None
        if target is not None and target.status != "closed":
            outcome.append(Outcome("reply", f"from {mail.sender} appended ({target.status} before)", target.id))
            return [rules.client_message(target, _author(mail), now, text, inbound)], []
        if rules.tickets_opened_by(tickets, mail.sender, now) >= settings.max_new_tickets_per_sender_hour:
            limit = settings.max_new_tickets_per_sender_hour
            outcome.append(Outcome("held", f"flood: {mail.sender} opened {limit} tickets in the last hour"))
            return [], []
        requester = Requester(name=mail.sender_name, email=mail.sender)
        outcome.append(Outcome("ticket", f"new ticket from {mail.sender}" + (f", follows #{follows}" if follows else "")))
        return [], [rules.ticket_from_mail(mail.subject, requester, now, text, inbound, follows)]

    _, new = store.transact(plan)
    result = outcome[0]
    if new:
        result = Outcome(result.action, result.reason, new[0].id)
    if result.action == "held":
        kept.keep(f"held/{_stamp(now)}-{_digest(mail.message_id.encode())}.eml", kept.read(eml))
    return result


def thread_of(mail: IncomingMail, settings: MailSettings) -> int | None:
    """The ticket a message answers: In-Reply-To/References naming a Message-ID we sent, else the subject tag."""
    for parent in mail.parents:
        ticket_id = ticket_of_message_id(parent, settings.domain)
        if ticket_id is not None:
            return ticket_id
    pattern = re.escape(settings.subject_tag).replace(re.escape("{id}"), r"(\d{1,9})")
    match = re.search(pattern, mail.subject)
    return int(match[1]) if match else None


def _bounced(original_id: str, reason: str, store: Store, settings: MailSettings) -> Outcome:
    ticket_id = ticket_of_message_id(original_id, settings.domain)
    if ticket_id is None:
        return Outcome("dropped", f"a bounce for {original_id or 'a message'} that sopdash did not send")

    def mark_failed(ticket: Ticket) -> Ticket:
        return outbound.with_delivery(ticket, original_id, lambda d: outbound.failed(d, reason, attempted=False))

    store.annotate({ticket_id: mark_failed})
    return Outcome("bounce", f"{original_id} marked failed: {reason}", ticket_id)


def _exists(store: Store, ticket_id: int) -> bool:
    try:
        store.get(ticket_id)
    except InputError:
        return False
    return True


def _author(mail: IncomingMail) -> str:
    return mail.sender_name or mail.sender


def _inbound(
    mail: IncomingMail, base: str, eml: str, folded: bool, kept: KeptFiles, settings: MailSettings
) -> Inbound:
    """Keep the attachments that fit the size limit; list the others as left out."""
    budget = settings.max_message_bytes - len(mail.text.encode())
    attachments, left_out = [], []
    for number, part in enumerate(mail.attachments, start=1):
        name = safe_name(part, number)
        if len(part.data) > budget:
            left_out.append(Attachment(name, len(part.data)))
            continue
        budget -= len(part.data)
        attachments.append(Attachment(name, len(part.data), kept.keep(f"{base}/{number:02d}-{name}", part.data)))
    note = f"{len(left_out)} attachment(s) over the {settings.max_message_mb:g} MB limit left out" if left_out else ""
    return Inbound(mail.message_id, eml, tuple(attachments + left_out), folded, note)


def safe_name(part: Part, number: int) -> str:
    """The attachment's name with no path parts, control or shell-special characters; never empty or hidden."""
    name = part.filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" ._")
    if not name:
        extension = part.content_type.rsplit("/", 1)[-1].split("+")[0] if "/" in part.content_type else "bin"
        name = f"attachment-{number}.{extension}"
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: MAX_NAME - len(extension) - 1] + dot + extension) if dot and len(extension) < 10 else name[:MAX_NAME]
    return name


def _kept_original(raw: bytes, mail: IncomingMail, settings: MailSettings) -> bytes:
    """The message as it came; over the size limit, its headers and text only, saying so."""
    if len(raw) <= settings.max_message_bytes:
        return raw
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    note = (
        f"\n\n[sopdash: the original was {len(raw)} bytes, over the {settings.max_message_bytes} byte limit; "
        "kept here are its headers and text, without its attachments]\n\n"
    )
    return head + note.encode() + mail.text.encode("utf-8")


def _log(kept: KeptFiles, now: datetime, mail: IncomingMail | None, outcome: Outcome, eml: str) -> Outcome:
    kept.append_log(
        {
            "at": format_time(now),
            "message_id": mail.message_id if mail else "",
            "from": mail.sender if mail else "",
            "subject": mail.subject if mail else "",
            "action": outcome.action,
            "reason": one_line(outcome.reason),
            "ticket": outcome.ticket_id,
            "eml": eml,
        }
    )
    return outcome


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]
