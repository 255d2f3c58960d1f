"""The SOP's actions on the ticket in the detail pane, each written once, as data: what the SOP refuses up
front, what the technician is asked, what the desk is told, and what the dashboard says when it is done.

`Errands.act` (tui/errands.py) runs every one of them the same way (docs/architecture.md follows a key press
through it). The desk call runs in a worker with the version of the ticket on screen, so a change another
technician made meanwhile is refused rather than overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sopdash.core import rules
from sopdash.core.courtesy import DEFAULT_RULES
from sopdash.core.delivery import mail_route
from sopdash.core.display import client_line
from sopdash.core.merge import verdict_merge_source
from sopdash.core.model import Ticket
from sopdash.core.text import one_line
from sopdash.desk import Desk
from sopdash.tui import link_actions as linking
from sopdash.tui.dialogs import AssignDialog, ConfirmDialog, EscalateDialog, PriorityDialog, TextDialog
from sopdash.tui.dialogs.base import Dialog
from sopdash.tui.dialogs.cc_dialog import CcDialog
from sopdash.tui.dialogs.link_dialog import LinkDialog
from sopdash.tui.dialogs.merge_dialog import MergeDialog
from sopdash.tui.dialogs.time_dialog import TimeDialog


@dataclass(frozen=True, slots=True)
class TicketAction:
    """One SOP action: `call` tells the desk (given what the dialog returned, if it asks), `done` says what changed."""

    call: Callable[[Desk, Ticket, Any], object]
    done: Callable[[Desk, Ticket, Any], str]
    ask: Callable[[Desk, Ticket, bool], Dialog | None] | None = None
    """The dialog that asks for what the action needs (given the desk, the ticket and privacy mode), if any."""
    verdict: Callable[[Ticket], rules.Verdict] | None = None
    """The SOP's refusal before any dialog opens, for an action it will not allow anyway."""
    verb: str = ""
    """How a refusal names the action: `cannot {verb} ticket #…`."""
    note_prompt: Callable[[Ticket], str] | None = None
    """Instead of a dialog, the query bar asks for a one-line note with this prompt."""
    unsent: Callable[[Ticket, Any, str], str] | None = None
    """For an action that writes to the client: what is said instead of `done` when no mail was queued for them,
    given the words that say why (`recorded — mail is off: the client was not told`)."""

    def said(self, desk: Desk, errand: Errand, after: object, privacy: bool) -> str:
        """The done message, true to what became of the mail when the action wrote to the client (the reason
        masked like every pane in privacy mode: an old record's reason may hold the address)."""
        if self.unsent is not None and isinstance(after, Ticket):
            mail = desk.mail_after(after, try_now=False)
            if not mail.told:
                return self.unsent(errand.ticket, errand.value, client_line(mail.words(), after.requester, privacy))
        return self.done(desk, errand.ticket, errand.value)


@dataclass(slots=True)
class Errand:
    """One action under way: on which version of the ticket, through which dialog, with what it was given."""

    action: TicketAction
    ticket: Ticket
    dialog: Dialog | None = None
    value: Any = None


class NotDone(Exception):
    """What a worker raises when the desk refused or failed its call (the reason is `__cause__`): the `dialog`
    that asked, to say why in; the `errand`, for a ticket action; and the ticket as it is `now`, when it changed
    since it was shown."""

    def __init__(self, dialog: Dialog | None, errand: Errand | None = None, now: Ticket | None = None) -> None:
        super().__init__("not done")
        self.dialog = dialog
        self.errand = errand
        self.now = now

    @property
    def reason(self) -> BaseException:
        return self.__cause__ or self


def _take_over(ticket: Ticket, me: str) -> Dialog | None:
    """Taking a ticket someone else holds asks first, naming them; taking a free one does not."""
    if ticket.assignee in ("", me):
        return None
    holder = one_line(ticket.assignee)
    return ConfirmDialog(
        f"#{ticket.id} is assigned to {holder}. Take it from {holder}?", "Take the ticket", "Take it", "Leave it"
    )


def _warning(desk: Desk, login: str) -> str:
    """What could not be checked about a login (no roster to check it against), for the done message."""
    warning = desk.assignee(login).warning
    return f" {warning}" if warning else ""


def _escalate_verdict(ticket: Ticket) -> rules.Verdict:
    # `unsatisfied` is refused only for a ticket that is no longer open: the one refusal every reason shares.
    return rules.verdict_escalate(ticket, "unsatisfied")


def mail_route_of(desk: Desk, ticket: Ticket, privacy: bool) -> str:
    """Where a public message on the ticket will go; empty while mail is off (nothing to say)."""
    return "" if desk.mail is None else mail_route(ticket, desk.mail.where(), privacy)


ACTIONS: dict[str, TicketAction] = {
    "acknowledge": TicketAction(
        # The dialog ran the SOP 5A check; text still flagged was confirmed with "Send anyway".
        call=lambda desk, t, text: desk.acknowledge(t.id, text, seen_version=t.version, allow_sensitive=True),
        done=lambda desk, t, _: f"#{t.id} acknowledged.",
        unsent=lambda t, _, why: f"#{t.id} acknowledged; {why}.",
        ask=lambda desk, t, privacy: TextDialog(
            t, "acknowledge", desk.template_text("acknowledgement", t), privacy, mail_route_of(desk, t, privacy)
        ),
        verdict=rules.verdict_acknowledge,
        verb="acknowledge",
    ),
    "priority": TicketAction(
        call=lambda desk, t, priority: desk.set_priority(t.id, priority, seen_version=t.version),
        done=lambda desk, t, priority: f"#{t.id} priority set to {priority}.",
        ask=lambda desk, t, privacy: PriorityDialog(t, privacy=privacy),
    ),
    "assign": TicketAction(
        call=lambda desk, t, login: desk.assign(t.id, login, seen_version=t.version),
        done=lambda desk, t, login: f"#{t.id} assigned to {desk.assignee(login).login}.{_warning(desk, login)}",
        ask=lambda desk, t, privacy: AssignDialog(t, desk.roster, desk.actor, privacy=privacy),
    ),
    "assign_to_me": TicketAction(
        call=lambda desk, t, _: desk.assign(t.id, desk.actor, seen_version=t.version),
        done=lambda desk, t, _: f"Assigned to you ({desk.actor}).",
        ask=lambda desk, t, privacy: _take_over(t, desk.actor),
    ),
    "note": TicketAction(
        call=lambda desk, t, text: desk.note(t.id, text),
        done=lambda desk, t, _: f"Note added to #{t.id}.",
        ask=lambda desk, t, privacy: TextDialog(t, "note", privacy=privacy),
    ),
    "reply": TicketAction(
        call=lambda desk, t, text: desk.reply(t.id, text, allow_sensitive=True, allow_discourteous=True),
        done=lambda desk, t, _: f"Reply sent on #{t.id}.",
        unsent=lambda t, _, why: f"Reply on #{t.id} {why}.",
        ask=lambda desk, t, privacy: TextDialog(
            t, "reply", desk.template_text("reply", t), privacy, mail_route_of(desk, t, privacy),
            courtesy=desk.courtesy or DEFAULT_RULES
        ),
    ),
    "waiting": TicketAction(
        call=lambda desk, t, _: desk.set_waiting(t.id, t.status != "waiting", seen_version=t.version),
        done=lambda desk, t, _: (
            f"#{t.id} is waiting on the client." if t.status != "waiting" else f"#{t.id} is no longer waiting."
        ),
        verdict=lambda t: rules.verdict_waiting(t) if t.status != "waiting" else rules.Verdict(),
        verb="put on waiting",
    ),
    "step": TicketAction(
        call=lambda desk, t, note: desk.complete_step(t.id, t.current_step or 0, note.strip(), seen_version=t.version),
        done=lambda desk, t, _: f"#{t.id}: step {t.current_step} done.",
        verdict=rules.verdict_next_step,
        verb="record a step on",
        note_prompt=lambda t: f"step {t.current_step} done · note: ",
    ),
    "time": TicketAction(
        call=lambda desk, t, entry: desk.log_time(t.id, entry.seconds, entry.note, entry.billable),
        done=lambda desk, t, entry: f"#{t.id}: {TimeDialog.done_words(entry)} logged.",
        ask=lambda desk, t, privacy: TimeDialog(t, privacy=privacy),
    ),
    "escalate": TicketAction(
        call=lambda desk, t, request: desk.escalate(t.id, request.reason, request.note, seen_version=t.version),
        done=lambda desk, t, request: f"#{t.id} escalated ({request.reason}).",
        ask=lambda desk, t, privacy: EscalateDialog(t, privacy=privacy),
        verdict=_escalate_verdict,
        verb="escalate",
    ),
    "resolve": TicketAction(
        call=linking.resolve_call,
        done=lambda desk, t, resolution: (
            f"#{t.id} resolved" + (" and the client notified." if resolution.notify else ".")
            + linking.children_done(resolution)
        ),
        unsent=lambda t, resolution, why: f"#{t.id} resolved; {why}." if resolution.notify else f"#{t.id} resolved.",
        ask=lambda desk, t, privacy: linking.resolve_dialog(desk, t, privacy, mail_route_of(desk, t, privacy)),
    ),
    "merge": TicketAction(
        call=linking.merge_call,
        done=lambda desk, t, target: f"#{t.id} merged into #{target} and closed; its client told.",
        unsent=lambda t, target, why: f"#{t.id} merged into #{target} and closed; {why}.",
        ask=lambda desk, t, privacy: MergeDialog(t, privacy=privacy),
        verdict=verdict_merge_source,
        verb="merge",
    ),
    "link": TicketAction(
        call=linking.link_call,
        done=lambda desk, t, request: linking.link_done(t, request),
        ask=lambda desk, t, privacy: LinkDialog(t, privacy=privacy),
    ),
    "close": TicketAction(
        call=lambda desk, t, _: desk.close(t.id, seen_version=t.version),
        done=lambda desk, t, _: f"#{t.id} closed.",
        ask=lambda desk, t, privacy: ConfirmDialog(
            f"Close ticket #{t.id}? It leaves the queue.", "Close ticket", "Close", "Keep open"
        ),
        verdict=rules.verdict_close,
        verb="close",
    ),
    "reopen": TicketAction(
        call=lambda desk, t, _: desk.reopen(t.id, seen_version=t.version),
        done=lambda desk, t, _: "Ticket reopened.",
    ),
    "cc": TicketAction(
        call=lambda desk, t, change: (desk.remove_cc if change.remove else desk.add_cc)(t.id, change.address),
        done=lambda desk, t, change: f"#{t.id}: {one_line(change.address)} {'taken off' if change.remove else 'added to'} the Cc.",
        ask=lambda desk, t, privacy: CcDialog(t, privacy),
    ),
    "manager_acknowledge": TicketAction(
        call=lambda desk, t, _: desk.acknowledge_manager_flag(t.id, seen_version=t.version),
        done=lambda desk, t, _: "Manager flag acknowledged.",
    ),
}
"""Every ticket action by the name of its key binding's action; with no ticket shown, their keys say so."""
