"""Mail intake: a client's message read, kept, and turned into what the SOP says, exactly once, in one short write.

`sopdash mail receive` and `mail fetch` hand each message to `Intake.receive`. What can happen before the store's
write lock does: the message is parsed (`sopdash.mail`) and kept as an .eml with its attachments (nothing that
arrives is lost), the duplicate index asked, the ticket it names read, and `core/inbound` asked where it goes.
Under the lock (`Store.transact_by_id`) only that ticket is read again, the decision made on it as it is now, and
one ticket written, so intake costs what one message costs however long the history. Intakes take that lock one
at a time (`intake_turn`), so a burst of mail queues among itself and a technician's action waits behind one
message at most. Every outcome goes to the mail log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from email.utils import getaddresses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sopdash.clock import Clock
from sopdash.core import inbound as rules
from sopdash.core.delivery import failed, queue_deliveries, with_delivery
from sopdash.core.errors import InputError, SopdashError
from sopdash.core.limits import MAX_SUBJECT
from sopdash.core.model import Attachment, Inbound, Ticket, format_time
from sopdash.core.policy import SlaPolicy
from sopdash.core.received import clock_start
from sopdash.core.satisfaction import DEFAULT_PHRASES, SatisfactionPhrases
from sopdash.core.sla_policies import picked
from sopdash.core.templates import Templates
from sopdash.core.text import one_line
from sopdash.desk.actions import Desk
from sopdash.desk.people_intake import cc_added, mailed_ticket, requester_of
from sopdash.desk.quarantine import quarantine
from sopdash.mail.compose import new_message_id, ticket_of_message_id
from sopdash.mail.maildir import Maildir
from sopdash.mail.parse import IncomingMail, Unparseable, read_message
from sopdash.mail.quoting import fold_quoted
from sopdash.mail.received import server_times
from sopdash.mail.robots import Bounce, bounce, notice, robot_reason
from sopdash.mail.settings import MailSettings
from sopdash.store.contract import Store
from sopdash.store.contract import Fetch, Maker

from sopdash.store.mail_index import content_key

EX_OK = 0  # also for a message sopdash failed on: it is kept in quarantine (see desk/quarantine.py)
EX_DATAERR = 65  # sysexits: the message cannot be parsed at all
EX_SOFTWARE = 70  # sysexits: sopdash failed on this message (it is kept; `mail fetch` leaves it in new/)
EX_IOERR = 74  # sysexits: the message could not be read
EX_TEMPFAIL = 75  # sysexits: the store is locked or unreachable; the MTA tries again later

Plan = tuple[list[Ticket], list[Maker]]


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


@dataclass(frozen=True)
class Letter:
    """A person's message as it goes into a ticket: within the limits, quoted history folded, attachments kept."""

    subject: str
    author: str
    text: str
    inbound: Inbound


class Intake:
    """Clients' mail taken into one desk's store."""

    def __init__(self, store: Store, settings: MailSettings, clock: Clock, templates: Templates | None = None,
                 sign: Callable[[Ticket], dict[str, str]] | None = None,
                 phrases: SatisfactionPhrases = DEFAULT_PHRASES) -> None:
        self.store, self.settings, self.clock, self.phrases = store, settings, clock, phrases
        self.templates, self.sign = templates or Templates(), sign
        self.policy: SlaPolicy | None = None  # picks a new ticket's SLA policy (`Intake.on` gives the desk's)
        self.kept = store.kept_files()
        self.index = store.mail_index()

    @classmethod
    def on(cls, desk: Desk) -> Intake:
        """Intake on the desk's store; an InputError naming the fix when mail is off."""
        if desk.mail is None:
            raise InputError("mail is off: add a [mail] table (address, smtp_url or sendmail) to the config")
        intake = cls(desk.store, desk.mail, desk.action_clock, desk.templates,
                     lambda ticket: desk.template_values(ticket, technician=""), desk.satisfaction)
        intake.policy = desk.policy
        return intake

    def receive(self, raw: bytes) -> Outcome:
        """Handle one RFC 5322 message; the outcome says what it did (and its sysexits code)."""
        now = self.clock()
        try:
            mail = read_message(raw)
        except Unparseable as error:
            eml = self.kept.keep(f"rejected/{_stamp(now)}-{_digest(raw)}.eml", raw)
            return self._log(now, None, Outcome("rejected", f"cannot be parsed: {error}", exit_code=EX_DATAERR), eml)
        except Exception as error:  # the parser failed on this message: kept, and the next one goes on
            return self._quarantined(now, None, raw, error, "reading it")
        base = f"mail/{now:%Y/%m}/{_digest(raw)}"  # by content: a message reusing a Message-ID replaces nothing
        original = _kept_original(raw, mail, self.settings)
        eml = self.kept.keep(f"{base}.eml", original)
        try:
            outcome = self._handle(mail, base, eml, original, now)
        except SopdashError:
            raise  # the store locked or unreachable: the MTA tries again
        except Exception as error:  # one bad message never blocks the ones behind it
            return self._quarantined(now, mail, raw, error, "handling it")
        return self._log(now, mail, outcome, eml)

    def fetch(self, folder: Path) -> Iterator[tuple[str, Outcome]]:
        """Each message in folder/new handled and moved to cur/, oldest first. One that cannot be read or handled
        stays in new/ and the next is handled; a store that is locked or unreachable (75) ends the run."""
        maildir = Maildir(folder)
        for name in maildir.new_names():
            try:
                raw = maildir.read(name)
            except InputError as error:
                yield name, Outcome("failed", str(error), exit_code=EX_IOERR)
                continue
            if raw is None:  # another fetch took it
                continue
            outcome = self._guarded(raw)
            yield name, outcome
            if outcome.exit_code == EX_TEMPFAIL:
                return
            if outcome.exit_code in (EX_OK, EX_DATAERR):
                maildir.mark_seen(name)

    def _guarded(self, raw: bytes) -> Outcome:
        """receive(raw), with a failure on this one message an outcome rather than the end of the run."""
        try:
            return self.receive(raw)
        except SopdashError as error:
            return Outcome("deferred", one_line(str(error)), exit_code=EX_TEMPFAIL)
        except Exception as error:  # one bad message never blocks the ones behind it
            return Outcome("failed", f"internal error: {type(error).__name__}: {error}", exit_code=EX_SOFTWARE)

    def _quarantined(self, now: datetime, mail: IncomingMail | None, raw: bytes, error: Exception, stage: str) -> Outcome:
        eml, reason = quarantine(self.kept, raw, error, stage)
        return self._log(now, mail, Outcome("quarantined", f"{reason}; kept in {eml}"), eml)

    def _handle(self, mail: IncomingMail, base: str, eml: str, original: bytes, now: datetime) -> Outcome:
        report = bounce(mail)
        if report is not None:
            return self._bounced(report)
        self._index_history(now)
        copy = Copy(mail.message_id, content_key(f"{base}.eml"), eml, original)
        seen = self._seen(copy, self.store.get)
        if seen is not None:
            return Outcome("duplicate", f"{mail.message_id} was handled before", seen)
        named_id = self._named(mail)
        named = self._read(named_id)
        robot = _from_us(mail, self.settings) or robot_reason(mail, self.settings.address, self._ours)
        if robot:
            return self._robot(mail, robot, named_id, named, now)
        letter = self._letter(mail, base, eml)
        decided: list[Outcome] = []
        routes: list[rules.Route] = []

        def plan(fetch: Fetch) -> Plan:
            holder = self._seen(copy, fetch)
            if holder is not None:
                decided.append(Outcome("duplicate", f"{mail.message_id} was handled before", holder))
                return [], []
            current = fetch(named.id) if named is not None else None
            merged = rules.merged_chain(current, fetch) if current is not None else []
            last = merged[-1] if merged else current
            follow_up = self._newest_follow_up(last, fetch) if last is not None and last.status == "closed" else None
            where = rules.route(current, mail.sender, mail.parents, self.settings.trusted_domains, follow_up, merged)
            routes.append(where)
            if where.ticket is not None:
                return self._reply(mail, letter, where, now, decided, copy, fetch)
            return self._new(mail, letter, where, now, decided, copy, fetch)

        with self.kept.intake_turn():
            _, made = self.store.transact_by_id(plan)
            if made and routes[-1].follows is not None:
                self._link(routes[-1].follows.id, made[0].id, now)
        outcome = decided[0]
        if made:
            outcome = Outcome(outcome.action, outcome.reason, made[0].id)
        if outcome.action == "held":
            self.kept.keep(f"held/{_stamp(now)}-{_digest(original)}.eml", original)
        return outcome

    def _reply(self, mail: IncomingMail, letter: Letter, where: rules.Route, now: datetime, decided: list[Outcome],
               copy: Copy, fetch: Fetch) -> Plan:
        ticket = where.ticket
        assert ticket is not None
        limit = self.settings.max_replies_per_ticket_hour
        if rules.recent_replies(ticket, now) >= limit:
            decided.append(Outcome("held", f"flood: #{ticket.id} had {limit} messages by mail in the last hour", ticket.id))
            noted = rules.replies_held(ticket, now, limit)
            return ([noted] if noted is not None else []), []
        self._remember(copy, ticket.id, fetch)
        decided.append(Outcome("reply", f"from {mail.sender} appended ({ticket.status} before){where.line}", ticket.id))
        appended = rules.client_message(ticket, letter.author, now, letter.text, letter.inbound, self.phrases)
        return [cc_added(appended, mail, self.settings, now)], []

    def _new(self, mail: IncomingMail, letter: Letter, where: rules.Route, now: datetime, decided: list[Outcome],
             copy: Copy, fetch: Fetch) -> Plan:
        limit = self.settings.max_new_tickets_per_sender_hour
        if len(rules.recent(self.index.opened(mail.sender), now)) >= limit:
            decided.append(Outcome("held", f"flood: {mail.sender} opened {limit} tickets in the last hour"))
            return [], []
        requester, relayed = requester_of(mail, letter.author, self.settings)
        note = "; ".join(filter(None, [relayed, where.note]))
        closed = where.follows
        subject = letter.subject
        if closed is not None:  # the thread's subject, without the closed ticket's tag (ours is added to our mail)
            subject = rules.thread_subject(subject, self.settings.subject_tag) or closed.subject

        def make(ticket_id: int) -> Ticket:
            self._remember(copy, ticket_id, fetch)
            self.index.record_opened(mail.sender, ticket_id, now, now - rules.FLOOD_WINDOW)
            if closed is not None:
                self.index.record(_follow_up_key(closed.id), ticket_id)
            made = rules.ticket_from_mail(subject, requester, now, letter.text, letter.inbound, note)
            made = made.evolve(created_at=clock_start(now, *server_times(mail.message)))  # SLA from receipt
            if closed is not None:
                made = rules.follow_up(made, closed, now)
            made = mailed_ticket(made.evolve(id=ticket_id), mail, self.settings, now, self.templates, self.sign)
            if self.policy is not None:
                made = picked(self.policy, None, made, rules.MAIL, now, _received_on(mail, self.policy))
            return queue_deliveries(made.evolve(timeline=()), made, self._message_id, now)

        decided.append(Outcome("ticket", f"new ticket from {mail.sender}{where.line}"))
        return [], [make]

    def _link(self, closed_id: int, follow_up_id: int, now: datetime) -> None:
        """Link a closed ticket to the follow-up just opened for it, so the next mail that names it lands there.

        A write of its own: the follow-up's id is known only once it is stored. Were sopdash stopped between the
        two, the index still points from the closed ticket to its follow-up (`_follow_up_of`)."""

        def plan(fetch: Fetch) -> Plan:
            closed = fetch(closed_id)
            return ([rules.followed_up(closed, follow_up_id, now)] if closed is not None else []), []

        self.store.transact_by_id(plan)

    def _newest_follow_up(self, closed: Ticket, fetch: Fetch) -> Ticket | None:
        """The newest ticket in the chain of follow-ups of a closed ticket (each read as stored now); None if none."""
        newest, seen = None, {closed.id}
        ticket: Ticket | None = closed
        while ticket is not None and ticket.status == "closed" and len(seen) <= rules.MAX_FOLLOW_UPS:
            ticket = self._follow_up_of(ticket, fetch)
            if ticket is None or ticket.id in seen:
                break
            seen.add(ticket.id)
            newest = ticket
        return newest

    def _follow_up_of(self, closed: Ticket, fetch: Fetch) -> Ticket | None:
        """The follow-up of a closed ticket, as its link says, or, if none was written, as the index says (believed
        once that ticket says it follows this one)."""
        linked = rules.follow_up_id(closed)
        if linked is not None:
            return _fetched(fetch, linked)
        indexed = self.index.holder(_follow_up_key(closed.id))
        ticket = _fetched(fetch, indexed) if isinstance(indexed, int) else None
        return ticket if ticket is not None and rules.follows_id(ticket) == closed.id else None

    def _robot(self, mail: IncomingMail, robot: str, named_id: int | None, named: Ticket | None, now: datetime) -> Outcome:
        """Mail no person wrote opens and reopens nothing; an absence notice or a read receipt on a ticket it may
        write to is an event."""
        kind = notice(mail)
        if named is None or not kind or mail.sender == self.settings.address.lower() or self._ours(mail.message_id):
            return Outcome("dropped", robot, named_id)
        if not rules.trusted(named, mail.sender, mail.parents, self.settings.trusted_domains):
            return Outcome("dropped", f"{robot}; {rules.stranger_note(named.id, mail.sender)}", named.id)
        event = rules.notice_event(kind, _author(mail), one_line(mail.subject, MAX_SUBJECT))
        decided: list[Outcome] = []

        def plan(fetch: Fetch) -> Plan:
            ticket = fetch(named.id)
            if ticket is None or rules.noted_already(ticket, event):
                decided.append(Outcome("dropped", f"{robot}; the same notice is on #{named.id} already", named.id))
                return [], []
            action = "out-of-office" if kind == "out-of-office reply" else kind.replace(" ", "-")
            decided.append(Outcome(action, f"kept as an event ({robot})", named.id))
            return [rules.out_of_office(ticket, now, event)], []

        with self.kept.intake_turn():
            self.store.transact_by_id(plan)
        return decided[0]

    def _bounced(self, report: Bounce) -> Outcome:
        """A bounce of a message we sent marks its delivery failed; a delay report of one is logged; any other
        changes nothing."""
        found = self._bounced_delivery(report)
        what = "a bounce" if report.permanent else "a delay report"
        if found is None:
            return Outcome("dropped", f"{what} for {report.original_id or 'a message'} that sopdash did not send")
        ticket, message_id = found
        if not report.permanent:
            return Outcome("delayed", f"{message_id} not delivered yet: {report.reason}", ticket.id)

        def mark_failed(ticket: Ticket) -> Ticket:
            return with_delivery(ticket, message_id, lambda d: failed(d, report.reason, attempted=False))

        with self.kept.intake_turn():
            self.store.annotate({ticket.id: mark_failed})
        return Outcome("bounce", f"{message_id} marked failed: {report.reason}", ticket.id)

    def _bounced_delivery(self, report: Bounce) -> tuple[Ticket, str] | None:
        """The ticket and Message-ID of our message a report is about: a Message-ID it quotes that one of our
        deliveries has; when it quotes none of ours (the returned message left out), the ticket its quoted subject
        tags and the delivery there to an address that failed. A Message-ID of ours that no delivery has is forged."""
        for original in report.original_ids:
            ticket = self._read(ticket_of_message_id(original, self.settings.domain))
            if ticket is not None and rules.answers_ours(ticket, [original]):
                return ticket, original
        if any(self._ours(original) for original in report.original_ids):
            return None
        ticket = self._read(rules.tagged_ticket(report.quoted, self.settings.subject_tag))
        sent = rules.delivery_to(ticket, report.recipients) if ticket is not None else ""
        return (ticket, sent) if sent else None

    def _message_id(self, ticket_id: int) -> str:
        return new_message_id(ticket_id, self.settings.domain)

    def _ours(self, message_id: str) -> bool:
        return ticket_of_message_id(message_id, self.settings.domain) is not None

    def _named(self, mail: IncomingMail) -> int | None:
        """The ticket a message names: In-Reply-To/References naming one of our Message-IDs, else the subject tag."""
        for parent in mail.parents:
            ticket_id = ticket_of_message_id(parent, self.settings.domain)
            if ticket_id is not None:
                return ticket_id
        return rules.tagged_ticket(mail.subject, self.settings.subject_tag)

    def _read(self, ticket_id: int | None) -> Ticket | None:
        if ticket_id is None:
            return None
        try:
            return self.store.get(ticket_id)
        except InputError:
            return None

    def _seen(self, copy: Copy, fetch: Fetch) -> int | None:
        """The ticket that holds this very message already (these bytes, not only its Message-ID), found through
        the index by content or by Message-ID and checked on the ticket itself."""
        for key in (copy.content_key, copy.message_id):
            ticket = self._indexed(key, copy.message_id, fetch)
            if ticket is None:
                continue
            held = _inbounds(ticket, copy.message_id)  # none: a ticket named by the Message-ID with nothing to compare
            if not held or any(self._same(inbound, copy) for inbound in held):
                return ticket.id
        return None

    def _same(self, inbound: Inbound, copy: Copy) -> bool:
        """Whether a message a ticket holds is this copy: kept under the same name, or (kept in another month, or
        by an older sopdash under a name made from its Message-ID) with the same bytes."""
        return inbound.eml == copy.eml or self.kept.find(inbound.eml) == copy.data

    def _remember(self, copy: Copy, ticket_id: int, fetch: Fetch) -> None:
        """Index the message as held by the ticket: by its content, and by its Message-ID unless another ticket
        holds an earlier message with that Message-ID (whose re-delivery must still find it)."""
        self.index.record(copy.content_key, ticket_id)
        if self._indexed(copy.message_id, copy.message_id, fetch) is None:
            self.index.record(copy.message_id, ticket_id)

    def _indexed(self, key: str, message_id: str, fetch: Fetch) -> Ticket | None:
        """The ticket the index names for key, if it holds a message with this Message-ID."""
        holder = self.index.holder(key)
        if holder is None:
            return None
        try:
            ticket = fetch(holder)
        except InputError:
            return None
        return ticket if ticket is not None and rules.holds_message(ticket, message_id) else None

    def _index_history(self, now: datetime) -> None:
        """Build the duplicate index from the history, once (read before the lock, written under it)."""
        if self.index.built:
            return
        tickets = self.store.history()

        def plan(fetch: Fetch) -> Plan:
            if not self.index.built:
                self.index.build(tickets, now - rules.FLOOD_WINDOW)
            return [], []

        with self.kept.intake_turn():
            self.store.transact_by_id(plan)

    def _letter(self, mail: IncomingMail, base: str, eml: str) -> Letter:
        """The message within the limits, its quoted history folded, its attachments kept up to the size limit."""
        subject, author, text, notes = rules.within_limits(mail.subject, _author(mail), mail.text)
        text, folded = fold_quoted(text, mail.subject)
        if mail.unread:
            notes.append(mail.unread)
        budget = self.settings.max_message_bytes - len(mail.text.encode())
        attachments, left_out = [], []
        for number, part in enumerate(mail.attachments, start=1):
            name = rules.safe_file_name(part.filename, part.content_type, number)
            if len(part.data) > budget:
                left_out.append(Attachment(name, len(part.data)))
                continue
            budget -= len(part.data)
            path = self.kept.keep(f"{base}/{number:02d}-{name}", part.data)
            attachments.append(Attachment(name, len(part.data), path))
        if left_out:
            notes.insert(0, f"{len(left_out)} attachment(s) over the {self.settings.max_message_mb:g} MB limit left out")
        inbound = Inbound(mail.message_id, eml, tuple(attachments + left_out), folded, "; ".join(notes), mail.sender)
        return Letter(subject, author, text, inbound)

    def _log(self, now: datetime, mail: IncomingMail | None, outcome: Outcome, eml: str) -> Outcome:
        self.kept.append_log(
            {
                "at": format_time(now),
                "message_id": mail.message_id if mail else "",
                "from": mail.sender if mail else "",
                "subject": one_line(mail.subject, MAX_SUBJECT) if mail else "",
                "action": outcome.action,
                "reason": one_line(outcome.reason),
                "ticket": outcome.ticket_id,
                "eml": eml,
            }
        )
        return outcome


@dataclass(frozen=True)
class Copy:
    """One message as delivered: its Message-ID, the index key of its bytes, and where and what it was kept as."""

    message_id: str
    content_key: str
    eml: str
    data: bytes


def _follow_up_key(closed_id: int) -> str:
    return f"follow-up-of:{closed_id}"


def _fetched(fetch: Fetch, ticket_id: int) -> Ticket | None:
    try:
        return fetch(ticket_id)
    except InputError:
        return None


def _inbounds(ticket: Ticket, message_id: str) -> list[Inbound]:
    return [e.inbound for e in ticket.timeline if e.inbound is not None and e.inbound.message_id == message_id]


def _from_us(mail: IncomingMail, settings: MailSettings) -> str:
    """A loop: mail from one of the desk's other addresses (`robot_reason` knows the main one)."""
    return "from the desk's own address (a loop)" if mail.sender in settings.own_addresses else ""


def _author(mail: IncomingMail) -> str:
    return mail.sender_name or mail.sender


def _kept_original(raw: bytes, mail: IncomingMail, settings: MailSettings) -> bytes:
    """The message as it came; over the size limit, its headers and (up to the limit) its text, saying so."""
    limit = settings.max_message_bytes
    if len(raw) <= limit:
        return raw
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    note = (
        f"\n\n[sopdash: the original was {len(raw)} bytes, over the {limit} byte limit; "
        "kept here are its headers and text, without its attachments]\n\n"
    )
    return head[:limit] + note.encode() + mail.text.encode("utf-8")[:limit]


def _received_on(mail: IncomingMail, policy: SlaPolicy) -> str:
    """The first address the mail was sent to that the desk receives on for an organisation ("" for none)."""
    sent_to = getaddresses([mail.header(name) for name in ("Delivered-To", "To", "Cc")])
    return next((address for _, address in sent_to if policy.organisations.receiving(address)), "")


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]
