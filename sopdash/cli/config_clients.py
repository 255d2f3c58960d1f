"""What `sopdash config` says about the desk's organisations and its SLA policies by condition."""

from __future__ import annotations

from sopdash.core.policy import SlaPolicy
from sopdash.core.sla_policies import CONDITIONS, Match
from sopdash.core.text import one_line


def client_sections(policy: SlaPolicy, hours_minutes) -> list[tuple[str, list[str]]]:
    """The `orgs` and `policies` sections, each only when the desk has some."""
    sections = []
    if policy.organisations.all:
        sections.append(("orgs", [_organisation_line(o) for o in policy.organisations.all]))
    if policy.policies:
        lines = [f"{n}. {one_line(p.name)} when {_conditions(p.match)}: {_targets(p, hours_minutes)}"
                 for n, p in enumerate(policy.policies, 1)]
        sections.append(("policies", [*lines, "otherwise default (the sla above); first match wins"]))
    return sections


def _organisation_line(organisation) -> str:
    parts = [f"{one_line(organisation.key)} ({one_line(organisation.name)})"]
    if organisation.domains:
        parts.append("domains " + ", ".join(organisation.domains))
    if organisation.members:
        parts.append(f"{len(organisation.members)} members")
    if organisation.address:
        parts.append(f"receives on {organisation.address}")
    return "; ".join(parts)


def _conditions(match: Match) -> str:
    said = [f"{name} {' or '.join(getattr(match, name))}" for name in CONDITIONS if getattr(match, name)]
    return " and ".join(said) or "any ticket"


def _targets(policy: SlaPolicy, hours_minutes) -> str:
    zone = getattr(policy.calendar.tz, "key", None) or str(policy.calendar.tz)
    targets = ", ".join(f"{p} {hours_minutes(t.ack_s)}/{hours_minutes(t.resolve_s)}" for p, t in policy.targets.items())
    return f"{targets} (ack/resolve; zone {zone})"
