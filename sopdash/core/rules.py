"""The SOP as pure functions: each action checks its rule, then returns the changed ticket with an audit event.

A `verdict_*` function says whether an action is allowed and, if not, every reason why;
the action itself raises `RuleRefused` with those reasons and otherwise returns a new `Ticket`.
Nothing here reads the clock or the store: the actor and the time are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from sopdash.core.errors import InputError, RuleRefused
from sopdash.core.model import (
    ESCALATION_REASONS,
    MANAGER_REASONS,
    MAX_TIER,
    PRIORITIES,
    TROUBLESHOOTING_STEPS,
    Escalation,
    ManagerFlag,
    Requester,
    StepRecord,
    Ticket,
    TimelineEntry,
    check_choice,
)
from sopdash.core.courtesy import CourtesyRules, check_courtesy
from sopdash.core.courtesy import describe as describe_advice
from sopdash.core.sensitive import check_disclosure, kinds_of


@dataclass(frozen=True, slots=True)
class Verdict:
    """Allowed, or refused with every reason the SOP gives."""

    refusals: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.refusals

    def enforce(self, action: str, ticket_id: int) -> None:
        """Raise RuleRefused naming the action and every reason, if refused."""
        if self.refusals:
            raise RuleRefused(f"cannot {action} ticket #{ticket_id}: {'; '.join(self.refusals)}")


def _verdict(*checks: tuple[bool, str]) -> Verdict:
    return Verdict(tuple(reason for failed, reason in checks if failed))


def _event(ticket: Ticket, actor: str, now: datetime, text: str, **change: list[Any]) -> Ticket:
    entry = TimelineEntry(at=now, author=actor, kind="event", text=text, change=change or None)
    return ticket.evolve(timeline=ticket.timeline + (entry,))


def _still_open(ticket: Ticket) -> tuple[bool, str]:
    return (not ticket.is_open, f"it is {ticket.status}")


def _required_text(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise InputError(f"{what} must not be empty")
    return text


def create(
    ticket_id: int,
    subject: str,
    requester: Requester,
    now: datetime,
    actor: str,
    body: str = "",
    priority: str | None = None,
    category: str = "",
) -> Ticket:
    """A new ticket; without a priority it gets `medium` and stays untriaged (SOP 2C)."""
    subject = _required_text(subject, "subject")
    if priority is not None:
        check_choice(priority, PRIORITIES, "priority")
    ticket = Ticket(
        id=ticket_id,
        subject=subject,
        body=body,
        requester=requester,
        category=category,
        priority=priority or "medium",
        triaged=priority is not None,
        created_at=now,
    )
    return _event(ticket, actor, now, "ticket created", status=[None, "new"])


def _public(ticket: Ticket, actor: str, now: datetime, text: str, allow_sensitive: bool = False) -> Ticket:
    """Record a technician's public message; the first one acknowledges the ticket (SOP 4B).

    Every text bound for the client passes SOP 5A here; an allowed override is an audit event of its own.
    """
    findings = check_disclosure(text, allow_sensitive, f"send this to the client of ticket #{ticket.id}")
    entry = TimelineEntry(at=now, author=actor, kind="public", text=text)
    ticket = ticket.evolve(timeline=ticket.timeline + (entry,))
    if findings:
        overridden = f"SOP 5A check overridden: sent to the client although it may disclose: {kinds_of(findings)}"
        ticket = _event(ticket, actor, now, overridden)
    if ticket.acknowledged_at is None:
        ticket = ticket.evolve(acknowledged_at=now)
        if ticket.status == "new":
            ticket = _set_status(ticket, actor, now, "open", "acknowledged")
    return ticket


def _set_status(ticket: Ticket, actor: str, now: datetime, status: str, text: str) -> Ticket:
    old = ticket.status
    return _event(ticket.evolve(status=status), actor, now, text, status=[old, status])


def verdict_acknowledge(ticket: Ticket) -> Verdict:
    return _verdict(
        _still_open(ticket),
        (
            ticket.acknowledged_at is not None,
            f"it was already acknowledged at {ticket.acknowledged_at:%Y-%m-%d %H:%M} UTC"
            if ticket.acknowledged_at
            else "",
        ),
    )


def acknowledge(ticket: Ticket, actor: str, now: datetime, message: str, allow_sensitive: bool = False) -> Ticket:
    """SOP 4B: reply to the client that the ticket was received; stops the acknowledgement clock."""
    verdict_acknowledge(ticket).enforce("acknowledge", ticket.id)
    return _public(ticket, actor, now, _required_text(message, "acknowledgement message"), allow_sensitive)


def reply(
    ticket: Ticket, actor: str, now: datetime, text: str, allow_sensitive: bool = False,
    courtesy: CourtesyRules | None = None, allow_discourteous: bool = False,
) -> Ticket:
    """A public reply to the client (acknowledges the ticket if it is the first).

    With `courtesy` it passes SOP 2A/4A first (`core/courtesy`); an allowed override is an audit event of its own.
    """
    _verdict((ticket.status == "closed", "it is closed")).enforce("reply to", ticket.id)
    text = _required_text(text, "reply")
    changed = _public(ticket, actor, now, text, allow_sensitive)  # SOP 5A first: its refusal is the graver
    advice = []
    if courtesy is not None:
        advice = check_courtesy(text, courtesy, allow_discourteous, f"send this reply to the client of ticket #{ticket.id}")
    if advice:
        changed = _event(changed, actor, now, f"SOP 2A/4A advice overridden: sent although: {describe_advice(advice)}")
    return changed


def note(ticket: Ticket, actor: str, now: datetime, text: str) -> Ticket:
    """SOP 2D/4E: an internal note, never shown to the client."""
    entry = TimelineEntry(at=now, author=actor, kind="internal", text=_required_text(text, "note"))
    return ticket.evolve(timeline=ticket.timeline + (entry,))


def set_priority(ticket: Ticket, actor: str, now: datetime, priority: str) -> Ticket:
    """SOP 2C: set the priority, which picks the SLA targets; marks the ticket triaged."""
    check_choice(priority, PRIORITIES, "priority")
    _verdict(
        (ticket.status == "closed", "it is closed"),
        (ticket.triaged and ticket.priority == priority, f"its priority is already {priority}"),
    ).enforce("set the priority of", ticket.id)
    changed = ticket.evolve(priority=priority, triaged=True)
    return _event(changed, actor, now, f"priority set to {priority}", priority=[ticket.priority, priority])


def assign(ticket: Ticket, actor: str, now: datetime, login: str) -> Ticket:
    """Give the ticket to a technician (does not acknowledge it)."""
    login = _required_text(login, "assignee login")
    _verdict(
        (ticket.status == "closed", "it is closed"),
        (ticket.assignee == login, f"it is already assigned to {login}"),
    ).enforce("assign", ticket.id)
    return _event(ticket.evolve(assignee=login), actor, now, f"assigned to {login}", assignee=[ticket.assignee, login])


def verdict_waiting(ticket: Ticket) -> Verdict:
    """SOP order: a ticket waits on the client only once the client has been contacted (acknowledged or
    answered), so the resolution clock of a ticket nobody has answered yet cannot be paused."""
    return _verdict(
        _still_open(ticket),
        (ticket.status == "waiting", "it is already waiting"),
        (
            ticket.acknowledged_at is None,
            "nobody has contacted the client yet: acknowledge it or reply first (SOP 4B)",
        ),
    )


def set_waiting(ticket: Ticket, actor: str, now: datetime, waiting: bool = True) -> Ticket:
    """Mark the ticket as waiting on the client (pauses the resolution clock), or take it off waiting."""
    if waiting:
        verdict_waiting(ticket).enforce("put on waiting", ticket.id)
        return _set_status(ticket, actor, now, "waiting", "waiting on client")
    _verdict((ticket.status != "waiting", f"it is {ticket.status}, not waiting")).enforce("resume", ticket.id)
    return _set_status(ticket, actor, now, "open", "no longer waiting on client")


def verdict_complete_step(ticket: Ticket, step: int) -> Verdict:
    """SOP 4C: the CompTIA steps are taken in order, each once, on an open ticket."""
    done = {record.step for record in ticket.troubleshooting}
    following = ticket.current_step
    skipped = following is not None and step not in done and step != following
    next_step = f"step {following} ({TROUBLESHOOTING_STEPS[following - 1]})" if skipped else ""
    return _verdict(
        _still_open(ticket),
        (step in done, f"step {step} is already done"),
        (skipped, f"the steps go in order and {next_step} is next"),
    )


def verdict_next_step(ticket: Ticket) -> Verdict:
    """Whether the next CompTIA step can be recorded now (the dashboard's one-key step)."""
    if ticket.current_step is None:
        return _verdict(_still_open(ticket), (True, "every troubleshooting step is done"))
    return verdict_complete_step(ticket, ticket.current_step)


def complete_step(ticket: Ticket, actor: str, now: datetime, step: int, note_text: str = "") -> Ticket:
    """SOP 4C: mark the next CompTIA troubleshooting step done, with an optional internal note."""
    if not 1 <= step <= len(TROUBLESHOOTING_STEPS):
        raise InputError(f"step must be between 1 and {len(TROUBLESHOOTING_STEPS)}, not {step}")
    verdict_complete_step(ticket, step).enforce("record a troubleshooting step on", ticket.id)
    record = StepRecord(step=step, at=now, by=actor, note=note_text.strip())
    changed = ticket.evolve(troubleshooting=tuple(sorted(ticket.troubleshooting + (record,), key=lambda r: r.step)))
    changed = _event(changed, actor, now, f"step {step} done: {TROUBLESHOOTING_STEPS[step - 1]}")
    return note(changed, actor, now, f"step {step}: {note_text}") if note_text.strip() else changed


def escalation_target(ticket: Ticket, reason: str) -> int:
    """The tier an escalation moves to: up one, except `unsatisfied`, which only alerts a manager (SOP 6B)."""
    if reason == "unsatisfied":
        return ticket.tier
    return min(ticket.tier + 1, MAX_TIER)


def verdict_escalate(ticket: Ticket, reason: str) -> Verdict:
    return _verdict(
        _still_open(ticket),
        (
            reason not in MANAGER_REASONS and ticket.tier >= MAX_TIER,
            f"it is already at tier {MAX_TIER}, the top tier",
        ),
    )


OTHER_REASON = "other"
"""The escalation reason the SOP does not name: the technician says it in words."""


def escalate(ticket: Ticket, actor: str, now: datetime, reason: str, note_text: str = "") -> Ticket:
    """SOP 6A–6C: move up a tier with a reason; `unsatisfied` and `disruptive` also raise the manager flag."""
    check_choice(reason, ESCALATION_REASONS, "escalation reason")
    if reason == OTHER_REASON and not note_text.strip():
        raise InputError(f"escalating for the reason {OTHER_REASON!r} needs the reason in words: say why in the note")
    verdict_escalate(ticket, reason).enforce("escalate", ticket.id)
    return record_escalation(ticket, actor, now, reason, note_text)


def record_escalation(ticket: Ticket, actor: str, now: datetime, reason: str, note_text: str = "") -> Ticket:
    """The escalation recorded without its checks: `escalate` once allowed, and a client's unsatisfied answer to a
    resolution (`core/satisfaction`), which reaches a manager whatever the ticket's status."""
    to_tier = escalation_target(ticket, reason)
    record = Escalation(at=now, by=actor, from_tier=ticket.tier, to_tier=to_tier, reason=reason, note=note_text.strip())
    changed = ticket.evolve(tier=to_tier, escalations=ticket.escalations + (record,))
    raises_flag = reason in MANAGER_REASONS and not ticket.needs_manager
    flag_change = {}
    if raises_flag:
        changed = changed.evolve(manager_flag=ManagerFlag(raised_at=now, reason=reason))
        flag_change = {"needs_manager": [False, True]}
    text = f"escalated ({reason}) to tier {to_tier}" + (f": {note_text.strip()}" if note_text.strip() else "")
    return _event(changed, actor, now, text, tier=[ticket.tier, to_tier], **flag_change)


def raised_manager_flag(ticket: Ticket) -> bool:
    """True if the action that produced `ticket` raised its manager flag (the escalation's audit event says so)."""
    change = ticket.timeline[-1].change if ticket.timeline else None
    return bool(change and change.get("needs_manager") == [False, True])


def acknowledge_manager_flag(ticket: Ticket, actor: str, now: datetime, is_manager: bool) -> Ticket:
    """SOP 6B: a manager takes note of a raised flag, which leaves the manager-attention list."""
    _verdict(
        (not ticket.needs_manager, "no manager flag is waiting"),
        (not is_manager, f"{actor} is not a manager in the roster"),
    ).enforce("acknowledge the manager flag of", ticket.id)
    flag = msgspec.structs.replace(ticket.manager_flag, acknowledged_at=now, by=actor)
    return _event(ticket.evolve(manager_flag=flag), actor, now, "manager flag acknowledged")




def resolution_message(ticket: Ticket, summary: str) -> str:
    """The courteous public message that tells the client their issue is resolved (SOP 4F): the default template
    (a desk's own is filled in by the desk, `Desk.template_text`)."""
    from sopdash.core.templates import RESOLUTION, filled, values

    return filled(RESOLUTION, values(ticket, summary=summary))


def acknowledgement_message(ticket: Ticket) -> str:
    """The courteous receipt sent when acknowledging (SOP 4B, 2A): the default template."""
    from sopdash.core.templates import ACKNOWLEDGEMENT, filled, values

    return filled(ACKNOWLEDGEMENT, values(ticket))


def resolve(
    ticket: Ticket, actor: str, now: datetime, summary: str, notify: bool = True, allow_sensitive: bool = False
) -> Ticket:
    """SOP 4D/4F: resolve with a summary; by default tell the client (stops the resolution clock).

    The summary passes SOP 5A when it goes to the client: here if `notify`, else in `notify_client`.
    """
    summary = _required_text(summary, "resolution summary")
    _verdict(_still_open(ticket)).enforce("resolve", ticket.id)
    changed = _set_status(ticket.evolve(resolved_at=now, resolution=summary), actor, now, "resolved", f"resolved: {summary}")
    return notify_client(changed, actor, now, allow_sensitive=allow_sensitive) if notify else changed


def notify_client(
    ticket: Ticket, actor: str, now: datetime, message: str | None = None, allow_sensitive: bool = False
) -> Ticket:
    """SOP 4F: send the client the resolution message and record that they were notified."""
    _verdict(
        (ticket.status != "resolved", f"it is {ticket.status}, not resolved"),
        (ticket.client_notified_at is not None, "the client was already notified"),
    ).enforce("notify the client of", ticket.id)
    changed = _public(ticket, actor, now, message or resolution_message(ticket, ticket.resolution), allow_sensitive)
    return changed.evolve(client_notified_at=now)


def verdict_close(ticket: Ticket) -> Verdict:
    """SOP 2E/4D: a ticket closes only when resolved, with a summary, and the client notified."""
    if ticket.status == "closed":
        return Verdict(("it is already closed",))
    return _verdict(
        (ticket.status != "resolved", f"it is {ticket.status}, not resolved"),
        (not ticket.resolution.strip(), "it has no resolution summary"),
        (ticket.client_notified_at is None, "the client was not notified of the resolution"),
    )


def close(ticket: Ticket, actor: str, now: datetime) -> Ticket:
    """Close a resolved ticket; refused with every missing step otherwise."""
    verdict_close(ticket).enforce("close", ticket.id)
    return _set_status(ticket.evolve(closed_at=now), actor, now, "closed", "closed")


def reopen(ticket: Ticket, actor: str, now: datetime) -> Ticket:
    """Reopen a resolved or closed ticket; the resolution clock resumes."""
    _verdict(
        (ticket.is_open, f"it is {ticket.status}, not resolved or closed"),
        (ticket.merged_into is not None, f"it was merged into #{ticket.merged_into}, where its history goes on"),
    ).enforce("reopen", ticket.id)
    changed = ticket.evolve(resolved_at=None, closed_at=None, client_notified_at=None, resolution="")
    return _set_status(changed, actor, now, "open", "reopened")
