"""Realistic demo tickets, made by running the SOP actions at past instants so timelines, audits and clocks are genuine.

Each ticket follows a shape — which state each clock should be in now, what became of it — and its
history is laid out in business seconds since creation. The creation time is then found through the
priority's calendar, so a clock reads the wanted state at any `now`, weekday or weekend, day or night.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sopdash.core import rules
from sopdash.core.clocks import BREACHED, MET, MET_LATE, PAUSED, RUNNING, WARNING, Calendar
from sopdash.core.errors import InputError
from sopdash.core.model import MANAGER_REASONS, Requester, Ticket, TimelineEntry
from sopdash.core.policy import SlaPolicy
from sopdash.demo.scenarios import (
    ANSWERS,
    AREA_CODES,
    Action,
    COMPLAINTS,
    DEFAULT_MIX,
    DEFAULT_SEED,
    DISRUPTION_NOTES,
    ESCALATION_NOTES,
    FIRST_LINE,
    FIRST_NAMES,
    HISTORY,
    HISTORY_SHARE,
    INTAKE,
    ISSUES,
    Issue,
    LAST_NAMES,
    LONG_AGO_DAYS,
    MANAGER,
    RELAPSES,
    STEP_NOTES,
    Shape,
    TIER_OWNER,
    WORKING_SET,
    _DAY,
)
from sopdash.store.opening import open_store

def demo_tickets(now: datetime, policy: SlaPolicy, count: int | None = None, seed: int | None = None) -> list[Ticket]:
    """`count` demo tickets (default: one of each shape of DEFAULT_MIX) with ids 1..count, in order of creation."""
    rng = random.Random(DEFAULT_SEED if seed is None else seed)
    shapes = _shapes(len(DEFAULT_MIX) if count is None else count, rng)
    factory = _TicketFactory(int(now.timestamp()), policy, rng)
    plans = sorted((factory.plan(shape) for shape in shapes), key=lambda plan: plan.created_s)
    return [plan.build(ticket_id) for ticket_id, plan in enumerate(plans, start=1)]


def write_demo_store(
    path: Path | str, now: datetime, policy: SlaPolicy, count: int | None = None, seed: int | None = None
) -> int:
    """Create the store at path with the demo tickets in one write; returns how many. Refuses a store with tickets."""
    store = open_store(path, create=True, clock=lambda: now)
    if store.history():
        raise InputError(f"{path} already holds tickets; give a new path for the demo store")
    return len(store.add_many(demo_tickets(now, policy, count, seed)))


def _shapes(count: int, rng: random.Random) -> list[Shape]:
    if count < 0:
        raise InputError(f"count: {count} is negative")
    beyond = count - len(DEFAULT_MIX)
    history_share = max(HISTORY_SHARE, 1 - WORKING_SET / max(beyond, 1))
    extra = [rng.choice(HISTORY) if rng.random() < history_share else rng.choice(DEFAULT_MIX) for _ in range(beyond)]
    return [*DEFAULT_MIX[:count], *extra]


@dataclass(frozen=True, slots=True)
class _Plan:
    """A ticket's creation and its history as actions at business-second offsets from its creation."""

    created_s: int
    calendar: Calendar
    issue: Issue
    requester: Requester
    creator: str
    priority: str | None
    actions: tuple[tuple[int, Action], ...]

    def build(self, ticket_id: int) -> Ticket:
        """Run the history through the SOP actions."""
        issue = self.issue
        ticket = rules.create(
            ticket_id, issue.subject, self.requester, _utc(self.created_s), self.creator, issue.body,
            self.priority, issue.category,
        )
        for offset, action in self.actions:
            ticket = action(ticket, _utc(self.calendar.add_s(self.created_s, offset)))
        return ticket


class _Script:
    """A history being written: actions at business-second offsets, and how long the resolution clock ran."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.at = 0
        self.used = 0
        self.actions: list[tuple[int, Action]] = []

    def then(self, *actions: Action) -> None:
        self.actions.extend((self.at, action) for action in actions)

    def run_to(self, used: float) -> None:
        """Let the resolution clock run until it has used `used` seconds."""
        step = max(0, round(used) - self.used)
        self.at += step
        self.used += step

    def pause(self, seconds: float) -> None:
        """Time passes while the resolution clock is stopped (waiting, resolved)."""
        self.at += max(0, round(seconds))

    def spread(self, until_used: float, actions: Sequence[Action]) -> None:
        """The actions at random moments, in order, while the clock runs on to `until_used`."""
        start = self.used
        span = max(0, round(until_used) - start)
        for point, action in zip(sorted(self.rng.random() for _ in actions), actions):
            self.run_to(start + point * span)
            self.then(action)
        self.run_to(start + span)


@dataclass(frozen=True, slots=True)
class _Cast:
    """Who and what one demo ticket is about, and the targets its clocks run against."""

    shape: Shape
    issue: Issue
    requester: Requester
    tech: str
    phoned: bool
    calendar: Calendar
    ack_target: int
    resolve_target: int

    @property
    def first_name(self) -> str:
        return self.requester.name.split()[0]

    def intake(self) -> list[Action]:
        """Triage and assignment; an untriaged ticket has had neither."""
        priority, tech = self.shape.priority, self.tech
        if priority is None:
            return []
        assign = _assign(tech, tech)
        return [assign] if self.phoned else [lambda t, at: rules.set_priority(t, tech, at, priority), assign]


class _TicketFactory:
    """Plans demo tickets at one `now` with one random generator."""

    def __init__(self, now_s: int, policy: SlaPolicy, rng: random.Random) -> None:
        self.now_s = now_s
        self.policy = policy
        self.rng = rng
        self.people: dict[str, Requester] = {}
        self.deck: list[Issue] = []
        self.day_s: dict[Calendar, float] = {}

    def plan(self, shape: Shape) -> _Plan:
        """Where a ticket of this shape starts, and what happens to it until now."""
        rng = self.rng
        priority = shape.priority or "medium"
        cast = _Cast(
            shape,
            self._issue(shape.priority),
            self._requester(),
            rng.choice(FIRST_LINE),
            shape.first_contact or (shape.priority is not None and rng.random() < 0.3),
            self.policy.calendar_for(priority),
            self.policy.ack_target_s(priority),
            self.policy.resolve_target_s(priority),
        )
        script = _Script(rng)
        if shape.fresh:
            created_s = self.now_s - rng.randint(2, 15) * 60
        else:
            if shape.first_contact:
                self._first_contact(script, cast)
            elif not shape.acknowledged:
                self._unanswered(script, cast)
            else:
                self._worked(script, cast)
            created_s = _start_for(cast.calendar, self.now_s, script.at)
        return _Plan(
            created_s,
            cast.calendar,
            cast.issue,
            cast.requester,
            cast.tech if cast.phoned else INTAKE,
            shape.priority if cast.phoned else None,
            tuple(script.actions),
        )

    def _first_contact(self, script: _Script, cast: _Cast) -> None:
        """Phoned in and fixed on the call: the resolution message is the first reply, so it acknowledges."""
        script.run_to(self._used(cast.shape.ack, cast.ack_target))
        script.then(_resolve(cast.tech, cast.issue.fix, True))
        script.pause(self._days(cast.calendar, 0.05, 2))
        script.then(_close(cast.tech))
        script.pause(self._days(cast.calendar, 1, 365))

    def _unanswered(self, script: _Script, cast: _Cast) -> None:
        """Still new: maybe triaged and assigned, maybe a voicemail left, but no reply to the client."""
        used = self._used(cast.shape.ack, cast.ack_target)
        script.spread(used * 0.2, cast.intake())
        if cast.shape.ack == BREACHED and self.rng.random() < 0.7:
            voicemail = f"Tried to call {cast.first_name}, no answer; left a voicemail."
            script.spread(used * 0.8, [_note(cast.tech, voicemail)])
        script.run_to(used)

    def _worked(self, script: _Script, cast: _Cast) -> None:
        """Acknowledged and troubleshot; then, as the shape says, escalated, waiting, resolved or closed."""
        rng, shape, tech, calendar = self.rng, cast.shape, cast.tech, cast.calendar
        ack_at = self._used(shape.ack, cast.ack_target)
        script.spread(ack_at * 0.5, cast.intake())
        script.run_to(ack_at)
        script.then(_acknowledge(tech))
        end = self._used(shape.resolution, cast.resolve_target, floor=ack_at * 1.25)
        done = 6 if shape.resolution in (MET, MET_LATE) else 4 if shape.reopened else rng.randint(1, 3)
        steps = [_step(tech, n, self._step_note(n, cast)) for n in range(1, done + 1)]
        if shape.reopened:
            self._reopened(script, cast, end, steps)
            return
        if shape.resumed:
            self._resumed(script, cast, end, steps)
            return
        escalate_from = max(script.used + (end - script.used) / 2, self._warning_from(cast.resolve_target))
        script.spread(min(escalate_from, end), steps)
        script.spread(end, self._escalations(cast))
        status = shape.final_status
        if status == "waiting":
            script.then(_reply(tech, cast.issue.question), _waiting(tech, True))
            script.pause(self._days(calendar, 0.05, 3))
        elif status in ("resolved", "closed"):
            script.then(_resolve(tech, cast.issue.fix, shape.notified))
            if status == "closed":
                script.pause(self._days(calendar, 0.05, 2))
                script.then(_close(tech))
            script.pause(self._days(calendar, 1, LONG_AGO_DAYS) if shape.long_ago else self._days(calendar, 0.02, 5))

    def _resumed(self, script: _Script, cast: _Cast, end: int, steps: list[Action]) -> None:
        """Asked the client something, waited for the answer, carried on."""
        rng, tech = self.rng, cast.tech
        ask_at = script.used + (end - script.used) * rng.uniform(0.3, 0.6)
        script.spread(ask_at, [*steps[:2], _reply(tech, cast.issue.question)])
        script.then(_waiting(tech, True))
        script.pause(self._days(cast.calendar, 0.1, 1.5))
        script.then(_client(cast.requester, rng.choice(ANSWERS)), _waiting(tech, False))
        script.spread(end, steps[2:])

    def _reopened(self, script: _Script, cast: _Cast, end: int, steps: list[Action]) -> None:
        """Resolved (perhaps closed), then the client said it is back, so it was reopened."""
        rng, tech = self.rng, cast.tech
        fixed_at = script.used + (end - script.used) * rng.uniform(0.4, 0.7)
        script.spread(fixed_at, steps)
        script.then(_resolve(tech, cast.issue.fix, True))
        if rng.random() < 0.5:
            script.pause(self._days(cast.calendar, 0.05, 1))
            script.then(_close(tech))
        script.pause(self._days(cast.calendar, 0.1, 2))
        script.then(_client(cast.requester, rng.choice(RELAPSES)), _reopen(tech))
        script.spread(end, [_reply(tech, "Sorry to hear that - I have reopened your ticket and am on it again.")])

    def _escalations(self, cast: _Cast) -> list[Action]:
        """Each escalation of the shape, after what led to it; a manager takes note if the shape says so."""
        rng = self.rng
        actions: list[Action] = []
        for reason in cast.shape.escalations:
            if reason == "unsatisfied":
                actions.append(_client(cast.requester, rng.choice(COMPLAINTS)))
            elif reason == "disruptive":
                actions.append(_note(cast.tech, rng.choice(DISRUPTION_NOTES).format(first=cast.first_name)))
            actions.append(_escalate(reason, rng.choice(ESCALATION_NOTES[reason])))
            if reason in MANAGER_REASONS and cast.shape.flag_acknowledged:
                actions.append(_manager_acknowledges)
        return actions

    def _used(self, state: str, target: int, floor: float = 0) -> int:
        """Business seconds of a clock's target used, so that it reads `state`."""
        warning_from = self._warning_from(target)
        low, high = {
            RUNNING: (0.15 * warning_from, 0.85 * warning_from),
            PAUSED: (0.15 * warning_from, 0.85 * warning_from),
            WARNING: (warning_from + 0.2 * (target - warning_from), warning_from + 0.8 * (target - warning_from)),
            MET: (0.2 * target, 0.9 * target),
            BREACHED: (1.1 * target, 1.6 * target),
            MET_LATE: (1.1 * target, 1.6 * target),
        }[state]
        low = max(low, floor)
        return round(self.rng.uniform(low, max(low, high)))

    def _warning_from(self, target: int) -> float:
        """Business seconds used when a clock with this target turns to warning."""
        if self.policy.warn_before_s is not None:
            return max(0.0, target - self.policy.warn_before_s)
        if self.policy.warn_at is not None:
            return self.policy.warn_at * target
        return float(target)

    def _days(self, calendar: Calendar, low: float, high: float) -> float:
        """Business seconds in a random number of calendar days between low and high."""
        if calendar not in self.day_s:
            self.day_s[calendar] = calendar.elapsed_s(self.now_s - 28 * _DAY, self.now_s) / 28
        return self.rng.uniform(low, high) * self.day_s[calendar]

    def _issue(self, priority: str | None) -> Issue:
        """The next issue that suits the priority from a shuffled deck, so issues rarely repeat in a small store."""
        fits = next((n for n, issue in enumerate(self.deck) if priority is None or priority in issue.priorities), None)
        if fits is None:
            # keep at most one deck of leftovers, which this priority's demand may never use up
            self.deck = [*self.deck[-len(ISSUES) :], *self.rng.sample(ISSUES, len(ISSUES))]
            return self._issue(priority)
        return self.deck.pop(fits)

    def _requester(self) -> Requester:
        """Someone from the staff (example.com) or a partner (example.org); the same name is the same person."""
        rng = self.rng
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in self.people:
            domain = "example.org" if rng.random() < 0.2 else "example.com"
            phone = f"+1 {rng.choice(AREA_CODES)} 555 01{rng.randrange(100):02d}" if rng.random() < 0.8 else ""
            self.people[name] = Requester(name, f"{name.replace(' ', '.').lower()}@{domain}", phone)
        return self.people[name]

    def _step_note(self, step: int, cast: _Cast) -> str:
        if step == 2:
            return cast.issue.theory
        if step == 4:
            return cast.issue.fix
        return self.rng.choice(STEP_NOTES[step]).format(first=cast.first_name)


def _start_for(calendar: Calendar, now_s: int, business_s: int) -> int:
    """The earliest instant from which `business_s` seconds of the calendar's time pass until now_s."""
    span = max(business_s, _DAY)
    while calendar.elapsed_s(now_s - span, now_s) < business_s:
        span *= 2
    anchor = now_s - span
    return round(calendar.add_s(anchor, calendar.elapsed_s(anchor, now_s) - business_s))


def _utc(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, timezone.utc)


def _assign(actor: str, login: str) -> Action:
    return lambda t, at: rules.assign(t, actor, at, login)


def _acknowledge(tech: str) -> Action:
    return lambda t, at: rules.acknowledge(t, tech, at, rules.acknowledgement_message(t))


def _note(tech: str, text: str) -> Action:
    return lambda t, at: rules.note(t, tech, at, text)


def _reply(tech: str, text: str) -> Action:
    return lambda t, at: rules.reply(t, tech, at, f"Hello {t.requester.name.split()[0]},\n\n{text}")


def _step(tech: str, step: int, note_text: str) -> Action:
    return lambda t, at: rules.complete_step(t, t.assignee or tech, at, step, note_text)


def _waiting(tech: str, waiting: bool) -> Action:
    return lambda t, at: rules.set_waiting(t, tech, at, waiting)


def _client(requester: Requester, text: str) -> Action:
    """A message from the requester: no SOP action, just a client entry on the timeline."""
    return lambda t, at: t.evolve(
        timeline=t.timeline + (TimelineEntry(at=at, author=requester.name, kind="client", text=text),)
    )


def _escalate(reason: str, note_text: str) -> Action:
    """Escalate as the current assignee, and hand the ticket to the owner of the tier it reaches."""

    def act(ticket: Ticket, at: datetime) -> Ticket:
        actor = ticket.assignee or FIRST_LINE[0]
        escalated = rules.escalate(ticket, actor, at, reason, note_text)
        owner = TIER_OWNER[escalated.tier]
        if escalated.tier == ticket.tier or escalated.assignee == owner:
            return escalated
        return rules.assign(escalated, actor, at, owner)

    return act


def _manager_acknowledges(ticket: Ticket, at: datetime) -> Ticket:
    return rules.acknowledge_manager_flag(ticket, MANAGER, at, is_manager=True)


def _resolve(tech: str, summary: str, notify: bool) -> Action:
    return lambda t, at: rules.resolve(t, t.assignee or tech, at, summary, notify)


def _close(tech: str) -> Action:
    return lambda t, at: rules.close(t, t.assignee or tech, at)


def _reopen(tech: str) -> Action:
    return lambda t, at: rules.reopen(t, t.assignee or tech, at)
