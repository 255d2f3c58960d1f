"""Several SLA policies by condition (README: "SLA policies"): which one a ticket is measured against, and why.

`[[sla.policies]]` tables list named policies in order, each with a `match` (organisation, category, priority: a
word or a list of them; every condition given must hold, a list holds when any word does) and its own targets,
calendar and warning rule, each defaulting to the desk's `[sla]` and `[calendar]`. The first that matches wins;
none matching means the desk's own, `default`.

A ticket keeps the name of the policy picked for it (`Ticket.sla_policy`) and the organisation it counts under
(`Ticket.organisation`: the one whose address its mail came in on, else the one its policy matched on, else the
requester's first): on creation, and again when its requester, category or priority changes while it is open, with an
audit event. Clocks and reports measure it by that name, so changing the rules or the organisations later never
moves a ticket already picked. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sopdash.core.errors import ConfigError
from sopdash.core.model import PRIORITIES, Ticket, TimelineEntry
from sopdash.core.organisations import Organisation, Organisations

if TYPE_CHECKING:
    from sopdash.core.policy import SlaPolicy

DEFAULT_NAME = "default"
CONDITIONS = ("organisation", "category", "priority")
_OWN_KEYS = {"name", "match", "calendar", *PRIORITIES, "warn_at", "warn_before", "pause_when_waiting"}


@dataclass(frozen=True, slots=True)
class Match:
    """A policy's conditions: for each of CONDITIONS, the words any of which must hold (none: any ticket)."""

    organisation: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()

    def why(self, ticket: Ticket, organisations: tuple[Organisation, ...]) -> str | None:
        """Why the ticket matches (`organisation ACME, priority urgent`); None if it does not."""
        reasons = []
        if self.organisation:
            hit = next((o for o in organisations if any(o.named(word) for word in self.organisation)), None)
            if hit is None:
                return None
            reasons.append(f"organisation {hit.key}")
        if self.category:
            if ticket.category.casefold() not in self.category:
                return None
            reasons.append(f"category {ticket.category}")
        if self.priority:
            if ticket.priority not in self.priority:
                return None
            reasons.append(f"priority {ticket.priority}")
        return ", ".join(reasons) or "it matches every ticket"


def named_policies(
    config: Mapping[str, Any], organisations: Organisations, build: Callable[[Mapping[str, Any]], SlaPolicy],
    desk: SlaPolicy,
) -> tuple[SlaPolicy, ...]:
    """The `[[sla.policies]]` of a config document, each built by `build` from a document of its own (one without a
    calendar of its own counts on the desk's very calendars); ConfigError naming the key (`sla.policies.gold.high.ack`)."""
    sla = config.get("sla") or {}
    entries = sla.get("policies", []) if isinstance(sla, Mapping) else []
    if not isinstance(entries, list) or not all(isinstance(entry, Mapping) for entry in entries):
        raise ConfigError("sla.policies", "must be a list of tables ([[sla.policies]] with a name and a match)")
    policies: list[SlaPolicy] = []
    for index, entry in enumerate(entries):
        name = entry.get("name")
        where = f"sla.policies.{name}" if isinstance(name, str) and name.strip() else f"sla.policies[{index}]"
        if not isinstance(name, str) or not name.strip() or name.strip().casefold() == DEFAULT_NAME:
            raise ConfigError(f"{where}.name", f"needs a name of its own ({DEFAULT_NAME!r} is the desk's [sla])")
        if any(policy.name == name.strip() for policy in policies):
            raise ConfigError(f"{where}.name", "is the name of an earlier policy: give each its own")
        unknown = sorted(set(entry) - _OWN_KEYS)
        if unknown:
            raise ConfigError(f"{where}.{unknown[0]}", f"unknown key (known: {', '.join(sorted(_OWN_KEYS))})")
        match = _match(entry.get("match", {}), organisations, f"{where}.match")
        try:
            policy = build(_own_document(config, sla, entry))
        except ConfigError as error:
            raise ConfigError(f"{where}.{error.key.removeprefix('sla.')}", error.reason) from None
        if "calendar" not in entry:
            policy = replace(policy, calendar=desk.calendar, around_the_clock=desk.around_the_clock)
        policies.append(replace(policy, name=name.strip(), match=match))
    return tuple(policies)


def _own_document(config: Mapping[str, Any], sla: Mapping[str, Any], entry: Mapping[str, Any]) -> dict[str, Any]:
    """The document one named policy is built from: its own keys over the desk's `[sla]` and `[calendar]`."""
    own_sla: dict[str, Any] = {key: sla[key] for key in ("warn_at", "warn_before", "pause_when_waiting") if key in sla}
    if "warn_at" in entry or "warn_before" in entry:
        own_sla.pop("warn_at", None)
        own_sla.pop("warn_before", None)
    for key in ("warn_at", "warn_before", "pause_when_waiting"):
        if key in entry:
            own_sla[key] = entry[key]
    for priority in PRIORITIES:
        desk = sla.get(priority) if isinstance(sla.get(priority), Mapping) else {}
        own = entry.get(priority, {})
        own_sla[priority] = {**desk, **own} if isinstance(own, Mapping) else own
    return {"calendar": entry.get("calendar", config.get("calendar") or {}), "sla": own_sla}


def _match(table: Any, organisations: Organisations, where: str) -> Match:
    if not isinstance(table, Mapping):
        raise ConfigError(where, 'must be a table (e.g. {organisation = "ACME", priority = ["urgent", "high"]})')
    unknown = sorted(set(table) - set(CONDITIONS))
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}", f"unknown condition (known: {', '.join(CONDITIONS)})")
    words = {key: _words(table.get(key, []), f"{where}.{key}") for key in CONDITIONS}
    for word in words["organisation"]:
        if organisations.named(word) is None:
            raise ConfigError(f"{where}.organisation", f"{word!r} is no organisation: add [organisations.{word}]")
    for word in words["priority"]:
        if word not in PRIORITIES:
            raise ConfigError(f"{where}.priority", f"{word!r} is not one of {', '.join(PRIORITIES)}")
    return Match(words["organisation"], words["category"], words["priority"])


def _words(value: Any, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) and item.strip() for item in items):
        raise ConfigError(where, 'must be a word or a list of words (e.g. "ACME" or ["ACME", "Globex"])')
    return tuple(item.strip().casefold() for item in items)


def candidates(policy: SlaPolicy, ticket: Ticket, received_on: str = "") -> tuple[Organisation, ...]:
    """The organisations a ticket may count under: the one whose address its mail came in on (or, for a ticket that
    keeps one, its own), then the requester's (explicit membership first)."""
    directory = policy.organisations
    own = directory.of(ticket.requester.email)
    first = directory.receiving(received_on) if received_on else directory.keyed(ticket.organisation)
    return own if first is None else (first, *(o for o in own if o is not first))


def choice(
    policy: SlaPolicy, ticket: Ticket, received_on: str = ""
) -> tuple[SlaPolicy, str, Organisation | None]:
    """The policy the rules pick for the ticket now (first match wins; else the desk's own), why, and the
    organisation the ticket counts under: the one the policy matched on, else the first candidate."""
    organisations = candidates(policy, ticket, received_on)
    for named in policy.policies:
        why = named.match.why(ticket, organisations)
        if why is not None:
            words = named.match.organisation
            hit = next((o for o in organisations if any(o.named(w) for w in words)), None) if words else None
            return named, why, hit or (organisations[0] if organisations else None)
    return policy, "no policy's conditions match", organisations[0] if organisations else None


def pick(policy: SlaPolicy, ticket: Ticket) -> tuple[SlaPolicy, str]:
    """The policy the rules pick for the ticket now, and why (see `choice`)."""
    chosen, why, _ = choice(policy, ticket)
    return chosen, why


def picked(
    policy: SlaPolicy, before: Ticket | None, after: Ticket, actor: str, now: datetime, received_on: str = ""
) -> Ticket:
    """`after` with the policy and organisation picked for it: always for a new ticket (before is None; `received_on`
    is the desk address its mail came in on), and for an open one whose requester, category or priority changed,
    then with an audit event when the pick differs. A desk without policies or organisations picks nothing."""
    if not (policy.policies or policy.organisations.all):
        return after
    if before is not None and (not after.is_open or _facts(before) == _facts(after)):
        return after
    if before is not None and before.requester.email.casefold() != after.requester.email.casefold():
        after = after.evolve(organisation="")  # someone else's ticket now: their organisation, not the old one
    chosen, why, organisation = choice(policy, after, received_on)
    name, key = chosen.name, organisation.key if organisation is not None else ""
    if (name, key) == (after.sla_policy, after.organisation):
        return after
    if before is None:
        return after.evolve(sla_policy=name, organisation=key)
    change = {"sla_policy": [before.sla_policy or DEFAULT_NAME, name], "organisation": [before.organisation, key]}
    change = {field: values for field, values in change.items() if values[0] != values[1]}
    text = f"SLA policy {name} ({why})" if "sla_policy" in change else f"organisation {key or '(none)'}"
    event = TimelineEntry(at=now, author=actor, kind="event", text=text, change=change)
    return after.evolve(sla_policy=name, organisation=key, timeline=after.timeline + (event,))


def _facts(ticket: Ticket) -> tuple[str, str, str]:
    return ticket.requester.email.casefold(), ticket.category.casefold(), ticket.priority


def measured_by(policy: SlaPolicy, ticket: Ticket) -> tuple[str, str]:
    """The name of the policy the ticket is measured against, and why (for the detail pane and `ticket show`)."""
    measured = policy.for_ticket(ticket)
    now, why = pick(policy, ticket)
    if ticket.sla_policy and measured.name != ticket.sla_policy:
        return measured.name, f"its policy {ticket.sla_policy!r} is no longer in the desk's settings"
    if now.name == measured.name:
        return measured.name, why
    kept = "kept from when it was opened" if ticket.sla_policy else "opened before there were policies"
    return measured.name, f"{kept}; the rules would pick {now.name} now"


def organisation_of(policy: SlaPolicy, ticket: Ticket) -> Organisation | None:
    """The organisation a ticket counts under in reports and the queue: the one it keeps (if the desk still has it),
    else the one its policy matches on, else the requester's first; None for a requester in none."""
    key = (ticket.requester.email, ticket.sla_policy, ticket.organisation)
    if key in policy.memo:  # a report asks for every ticket, and requesters write in many times
        return policy.memo[key]
    found = policy.organisations.keyed(ticket.organisation)
    if found is None:
        organisations = policy.organisations.of(ticket.requester.email)
        words = policy.for_ticket(ticket).match.organisation
        found = next((o for o in organisations if any(o.named(w) for w in words)), organisations[0] if organisations else None)
    policy.memo[key] = found
    return found
