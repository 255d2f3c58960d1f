"""The service layer: SOP actions carried out on the shared store by one technician at one instant.

The CLI and the dashboard both act through a `Desk`; neither touches the store or the rules directly.
Actions that would clash with another technician's change (acknowledge, close, priority…) take the
version the technician last saw and are refused if the ticket moved on; notes and replies always land.
Every text bound for the client is refused if it looks sensitive (SOP 5A) unless `allow_sensitive` is
passed, and such an override lands in the audit trail.
With mail configured, every public entry an action adds is queued for delivery in the same write: the
action never waits on the network (`deliver_mail` and `mail_after`, in `desk/delivery.py`, deliver afterwards).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable

import msgspec

from sopdash.clock import Clock
from sopdash.core import edit, people, rules, time_spent
from sopdash.core.addresses import checked_address
from sopdash.core.delivery import queue_deliveries
from sopdash.core.clocks import TicketClocks, ticket_clocks
from sopdash.core.courtesy import CourtesyRules
from sopdash.core.model import Requester, Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.summary import Cursor, TicketSummary
from sopdash.desk.history_pages import next_history_page, recent_history
from sopdash.core.roster import Assignee, Roster
from sopdash.core.satisfaction import DEFAULT_PHRASES, SatisfactionPhrases
from sopdash.core.sla_policies import picked
from sopdash.core.templates import Templates, filled, values
from sopdash.mail.settings import MailSettings
from sopdash.store.contract import Store
from sopdash.store.contract import Progress, Signature

if TYPE_CHECKING:
    from sopdash.core.search import SearchHit, SearchQuery
    from sopdash.desk.delivery import MailOutcome
    from sopdash.desk.mail_log import MailLogLine
    from sopdash.desk.presence import PresenceBoard
    from sopdash.desk.settings import DeskSettings
    from sopdash.mail.outbox import SendReport


@dataclass
class Desk:
    """One technician's view of and hands on the shared ticket store."""

    store: Store
    policy: SlaPolicy
    roster: Roster
    actor: str
    clock: Clock  # what "now" is for reading: clocks, the queue (SOPDASH_NOW may fix it for a what-if question)
    mail: MailSettings | None = None
    settings: DeskSettings | None = None
    """The desk's own settings, which a running dashboard watches (None: not watched, as in tests)."""
    stamp: Clock | None = None  # what actions are stamped with (the CLI: the system clock); `clock` when None
    templates: Templates = Templates()  # the desk's texts to clients (`[templates]`)
    courtesy: CourtesyRules | None = None  # SOP 2A/4A on public replies (None: not checked, as in tests)
    satisfaction: SatisfactionPhrases = DEFAULT_PHRASES  # SOP 6B by reply: how a client's answer is read

    @property
    def action_clock(self) -> Clock:
        """The clock every write is stamped with: actions, mail intake and delivery."""
        return self.stamp or self.clock

    def adopt(
        self, policy: SlaPolicy, roster: Roster, mail: MailSettings | None, templates: Templates | None = None
    ) -> None:
        """Take the desk's settings as changed while running; the actor's manager mark stays as it was given (on
        PostgreSQL it is the database role's, not the roster's)."""
        is_manager = self.roster.is_manager(self.actor)
        self.policy, self.mail = policy, mail
        self.templates = templates or self.templates
        by_role = self.settings is not None and self.settings.managers_by_role
        self.roster = roster.with_manager(self.actor, is_manager) if by_role else roster

    def tickets(self) -> list[Ticket]:
        """The working set: every ticket not closed, and those closed recently."""
        return self.store.live()

    def open_tickets(self) -> list[Ticket]:
        """The tickets still being worked on (new, open, waiting): what `ticket list` shows."""
        return self.store.open_tickets()

    def history(self, since: datetime | None = None, progress: Progress | None = None) -> list[Ticket]:
        """Every ticket not closed before since (all of them when None), archived ones too; progress hears how far."""
        return self.store.history(since, progress)

    def ticket(self, ticket_id: int) -> Ticket:
        return self.store.get(ticket_id)

    def search(
        self, query: SearchQuery, limit: int = 20, before: int | None = None, since: datetime | None = None
    ) -> list[SearchHit]:
        """Tickets live and archived holding every word and phrase of query (`core/search.parse_search`), newest
        first, a page of up to limit below the id before; since leaves out tickets not changed since."""
        return self.store.search(query, limit, before, since)

    def tickets_by_id(self, ids: list[int]) -> list[Ticket]:
        """The tickets with these ids, live or archived (each archived one read alone); a gone one left out."""
        return self.store.tickets(ids)

    def history_page(self, before: Cursor | None, limit: int) -> tuple[list[TicketSummary], Cursor | None]:
        """A page of history's summaries, newest first, below `before`; and the next page's cursor, None at the end."""
        return self.store.history_page(before, limit)

    def recent_history(self, pages: int) -> tuple[list[Ticket], Cursor | None]:
        """The live tickets and those of history's `pages` newest pages; where the next older page starts."""
        return recent_history(self.store, pages)

    def next_history_page(self, cursor: Cursor | None, shown: set[int]) -> tuple[list[Ticket], Cursor | None]:
        """The tickets of history's page below cursor not among shown; where the page after it starts."""
        return next_history_page(self.store, cursor, shown)

    def clocks(self, ticket: Ticket, now: datetime | None = None) -> TicketClocks:
        return ticket_clocks(ticket, self.policy, now or self.clock())

    def _apply(
        self, ticket_id: int, action: Callable[[Ticket, datetime], Ticket], seen_version: int | None = None
    ) -> Ticket:
        def change(ticket: Ticket) -> Ticket:
            now = self.action_clock()  # read once the ticket is held: two writers' entries stay in time order
            return self._queue_mail(ticket, picked(self.policy, ticket, action(ticket, now), self.actor, now), now)

        return self.store.update(ticket_id, change, expected_version=seen_version)

    def _queue_mail(self, before: Ticket, after: Ticket, now: datetime) -> Ticket:
        """`after` with its new public entries queued for delivery, when mail is configured."""
        if self.mail is None:
            return after
        from sopdash.mail.compose import new_message_id  # the `email` package, only for an action with mail on

        domain = self.mail.domain
        return queue_deliveries(before, after, lambda ticket_id: new_message_id(ticket_id, domain), now)

    def create(
        self, subject: str, requester: Requester, body: str = "", priority: str | None = None, category: str = ""
    ) -> Ticket:
        now = self.action_clock()
        requester = msgspec.structs.replace(requester, email=checked_address(requester.email, "requester"))
        return self.store.add(
            lambda new_id: picked(
                self.policy, None, rules.create(new_id, subject, requester, now, self.actor, body, priority, category),
                self.actor, now,
            )
        )

    def edit(self, ticket_id: int, seen_version: int | None = None, **changes: str | None) -> Ticket:
        """Correct the subject, category or requester's name, e-mail or phone; each change is audited."""
        return self._apply(ticket_id, lambda t, now: edit.edit(t, self.actor, now, **changes), seen_version)

    def acknowledge(
        self, ticket_id: int, message: str | None = None, seen_version: int | None = None, allow_sensitive: bool = False
    ) -> Ticket:
        return self._apply(
            ticket_id,
            lambda t, now: rules.acknowledge(
                t, self.actor, now, message or self.template_text("acknowledgement", t), allow_sensitive
            ),
            seen_version,
        )

    def reply(self, ticket_id: int, text: str, allow_sensitive: bool = False, allow_discourteous: bool = False) -> Ticket:
        """A public reply; refused if SOP 5A or (with the desk's courtesy rules) SOP 2A/4A advise against it, unless
        allowed (and audited)."""
        return self._apply(ticket_id, lambda t, now: rules.reply(
            t, self.actor, now, text, allow_sensitive, self.courtesy, allow_discourteous))

    def note(self, ticket_id: int, text: str) -> Ticket:
        return self._apply(ticket_id, lambda t, now: rules.note(t, self.actor, now, text))

    def log_time(self, ticket_id: int, seconds: int, note: str = "", billable: bool = False) -> Ticket:
        """Log `seconds` of this technician's work on the ticket (always lands, like a note)."""
        return self._apply(ticket_id, lambda t, now: time_spent.log_time(t, self.actor, now, seconds, note, billable))

    def set_priority(self, ticket_id: int, priority: str, seen_version: int | None = None) -> Ticket:
        return self._apply(ticket_id, lambda t, now: rules.set_priority(t, self.actor, now, priority), seen_version)

    def assignee(self, typed: str) -> Assignee:
        """Who a typed login names (`me` is this technician), checked against the roster; see `Roster.assignee`."""
        return self.roster.assignee(typed, self.actor)

    def assign(self, ticket_id: int, login: str, seen_version: int | None = None) -> Ticket:
        """Give the ticket to `login` (or `me`), refused if a configured roster does not know it."""
        assignee = self.assignee(login).login
        return self._apply(ticket_id, lambda t, now: rules.assign(t, self.actor, now, assignee), seen_version)

    def set_waiting(self, ticket_id: int, waiting: bool = True, seen_version: int | None = None) -> Ticket:
        return self._apply(ticket_id, lambda t, now: rules.set_waiting(t, self.actor, now, waiting), seen_version)

    def complete_step(self, ticket_id: int, step: int, note_text: str = "", seen_version: int | None = None) -> Ticket:
        return self._apply(
            ticket_id, lambda t, now: rules.complete_step(t, self.actor, now, step, note_text), seen_version
        )

    def escalate(self, ticket_id: int, reason: str, note_text: str = "", seen_version: int | None = None) -> Ticket:
        return self._apply(
            ticket_id, lambda t, now: rules.escalate(t, self.actor, now, reason, note_text), seen_version
        )

    def acknowledge_manager_flag(self, ticket_id: int, seen_version: int | None = None) -> Ticket:
        is_manager = self.roster.is_manager(self.actor)
        return self._apply(
            ticket_id, lambda t, now: rules.acknowledge_manager_flag(t, self.actor, now, is_manager), seen_version
        )

    def resolve(
        self,
        ticket_id: int,
        summary: str,
        notify: bool = True,
        seen_version: int | None = None,
        allow_sensitive: bool = False,
    ) -> Ticket:
        def resolve(ticket: Ticket, now: datetime) -> Ticket:
            resolved = rules.resolve(ticket, self.actor, now, summary, notify=False)
            if not notify:
                return resolved
            message = self.template_text("resolution", resolved, resolved.resolution)
            return rules.notify_client(resolved, self.actor, now, message, allow_sensitive)

        return self._apply(ticket_id, resolve, seen_version)

    def notify_client(
        self, ticket_id: int, message: str | None = None, seen_version: int | None = None, allow_sensitive: bool = False
    ) -> Ticket:
        def notify(ticket: Ticket, now: datetime) -> Ticket:
            text = message or self.template_text("resolution", ticket, ticket.resolution)
            return rules.notify_client(ticket, self.actor, now, text, allow_sensitive)

        return self._apply(ticket_id, notify, seen_version)

    def template_text(self, name: str, ticket: Ticket, summary: str = "", technician: str | None = None) -> str:
        """The desk's template `name` filled in for ticket, signed by this technician (README: "Mail templates")."""
        return filled(self.templates.text(name), self.template_values(ticket, summary, technician))

    def template_values(self, ticket: Ticket, summary: str = "", technician: str | None = None) -> dict[str, str]:
        """The placeholders' values for ticket: the technician's roster name (else login), the desk's name and
        signature for the address the ticket came in on."""
        if technician is None:
            technician = self.roster.member(self.actor).name or self.actor
        desk_name, signature = "", ""
        if self.mail is not None:
            desk_name = self.mail.sender_for(ticket.desk_address)[0]
            entry = self.mail.receiving(ticket.desk_address)
            signature = entry.signature if entry is not None else ""
        return values(ticket, technician, desk_name, summary, signature)

    def add_cc(self, ticket_id: int, address: str) -> Ticket:
        """Copy `address` on the ticket's public mail from now on (audited)."""
        ours = self.mail.own_addresses if self.mail is not None else ()
        return self._apply(ticket_id, lambda t, now: people.add_cc(t, self.actor, now, address, ours))

    def remove_cc(self, ticket_id: int, address: str) -> Ticket:
        """Stop copying `address` on the ticket's public mail (audited)."""
        return self._apply(ticket_id, lambda t, now: people.remove_cc(t, self.actor, now, address))

    def close(self, ticket_id: int, seen_version: int | None = None) -> Ticket:
        return self._apply(ticket_id, lambda t, now: rules.close(t, self.actor, now), seen_version)

    def reopen(self, ticket_id: int, seen_version: int | None = None) -> Ticket:
        return self._apply(ticket_id, lambda t, now: rules.reopen(t, self.actor, now), seen_version)

    # What a live view needs besides the actions (the dashboard): changes, presence, delivery.

    def signature(self) -> Signature | None:
        """A token that changes with every write to the store, by any process; None if the store is gone."""
        return self.store.signature()

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Have callback called, from another thread, whenever the store announces a change (PostgreSQL's
        LISTEN/NOTIFY); a store that announces nothing never calls it, and `signature` is watched instead."""
        self.store.subscribe(callback)

    def connection_lost(self) -> str | None:
        """Why the store's change announcements stopped (changes are polled until it reconnects); None if all is well."""
        return self.store.connection_lost

    @property
    def location(self) -> str:
        """Where the store is, for messages: its file, or its database URL without a password."""
        return self.store.location

    def mail_log(self, limit: int) -> list[MailLogLine]:
        """The last `limit` messages in and out (see `desk/mail_log.py`), oldest first."""
        from sopdash.desk.mail_log import mail_log

        return mail_log(self, limit)

    def presence(self) -> PresenceBoard:
        """This technician's place on the presence board beside the store."""
        return self.store.presence_board(self.actor)

    # Mail: imported when used, so an action that sends nothing does not load the mail transports.

    def mail_after(self, ticket: Ticket, try_now: bool = True) -> MailOutcome:
        """What became of the mail the action that returned `ticket` wrote to the client (see `desk/delivery.py`)."""
        from sopdash.desk.delivery import mail_after

        return mail_after(self, ticket, try_now)

    def deliver_mail(self, at_once: bool = False, wait_for_sender: float = 0.0, timeout: float | None = None) -> SendReport:
        """One delivery run over the outbox: what is due, or with at_once all that is queued."""
        from sopdash.desk.delivery import deliver_due

        return deliver_due(self, at_once, wait_for_sender, timeout)
