"""The SLA policy: per-priority targets, the business calendar, and when a clock warns (README: "Where the store and the config live").

Built from the `[calendar]` and `[sla]` tables of the config file; every default is in the README's config example.
The desk's policy (`default`) also holds its named policies and the organisations they match on (`sla_policies`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from sopdash.core.calendar import BusinessCalendar
from sopdash.core.durations import parse_duration
from sopdash.core.errors import ConfigError, InputError
from sopdash.core.limits import MAX_DURATION_S
from sopdash.core.model import PRIORITIES, Ticket
from sopdash.core.organisations import Organisations
from sopdash.core.sla_policies import DEFAULT_NAME, Match, named_policies

HOURS_KINDS = ("business", "24x7")
DEFAULT_TARGETS: dict[str, dict[str, str]] = {
    "urgent": {"ack": "30m", "resolve": "4h", "hours": "24x7"},
    "high": {"ack": "1h", "resolve": "8h", "hours": "business"},
    "medium": {"ack": "4h", "resolve": "24h", "hours": "business"},
    "low": {"ack": "8h", "resolve": "40h", "hours": "business"},
}
DEFAULT_WARN_AT = 0.75


@dataclass(frozen=True, slots=True)
class PriorityTarget:
    """How long a priority may take to be acknowledged and resolved, and on which hours."""

    ack_s: int
    resolve_s: int
    hours: str


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Everything a clock needs to know: targets per priority, the calendar, and the warning rule."""

    calendar: BusinessCalendar
    around_the_clock: BusinessCalendar
    targets: Mapping[str, PriorityTarget] = field(default_factory=dict)
    warn_at: float | None = DEFAULT_WARN_AT
    warn_before_s: int | None = None
    pause_when_waiting: bool = True
    name: str = DEFAULT_NAME
    match: Match = Match()
    policies: tuple[SlaPolicy, ...] = ()  # the desk's named policies, first match wins (on the desk's policy only)
    organisations: Organisations = Organisations()
    by_name: Mapping[str, SlaPolicy] = field(default_factory=dict, compare=False, repr=False)
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)  # organisation_of's answers

    def for_ticket(self, ticket: Ticket) -> SlaPolicy:
        """The policy the ticket is measured against: the one named on it, else (none, or gone) this one."""
        return self.by_name.get(ticket.sla_policy, self) if ticket.sla_policy else self

    def calendar_for(self, priority: str) -> BusinessCalendar:
        """The calendar a priority's clocks count on."""
        return self.around_the_clock if self.targets[priority].hours == "24x7" else self.calendar

    def ack_target_s(self, priority: str) -> int:
        return self.targets[priority].ack_s

    def resolve_target_s(self, priority: str) -> int:
        return self.targets[priority].resolve_s

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SlaPolicy:
        """The desk's policy from a parsed config document, with its named policies and organisations; raises
        ConfigError naming the key."""
        organisations = Organisations.from_config(config.get("organisations") or {})
        desk = cls._one(config)
        policies = named_policies(config, organisations, cls._one, desk)
        by_name = {policy.name: policy for policy in policies}
        return replace(desk, policies=policies, organisations=organisations, by_name=by_name)

    @classmethod
    def _one(cls, config: Mapping[str, Any]) -> SlaPolicy:
        """One policy from the `[calendar]` and `[sla]` tables of a document."""
        calendar = BusinessCalendar.from_config(config.get("calendar") or {})
        sla = _table(config, "sla")
        targets = {p: _target(sla, p, calendar) for p in PRIORITIES}
        unknown = set(sla) - set(PRIORITIES) - {"warn_at", "warn_before", "pause_when_waiting", "policies"}
        if unknown:
            raise ConfigError(f"sla.{sorted(unknown)[0]}", "unknown key")
        warn_at, warn_before_s = _warning(sla)
        pause = sla.get("pause_when_waiting", True)
        if not isinstance(pause, bool):
            raise ConfigError("sla.pause_when_waiting", f"{pause!r} is not true or false")
        return cls(calendar, BusinessCalendar.always_open(calendar.tz), targets, warn_at, warn_before_s, pause)


def _table(config: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = config.get(key) or {}
    if not isinstance(value, Mapping):
        raise ConfigError(key, "must be a table")
    return value


def _target(sla: Mapping[str, Any], priority: str, calendar: BusinessCalendar) -> PriorityTarget:
    given = _table(sla, priority) if priority in sla else {}
    values = {**DEFAULT_TARGETS[priority], **given}
    unknown = set(given) - {"ack", "resolve", "hours"}
    if unknown:
        raise ConfigError(f"sla.{priority}.{sorted(unknown)[0]}", "unknown key (use ack, resolve, hours)")
    hours = values["hours"]
    if hours not in HOURS_KINDS:
        raise ConfigError(f"sla.{priority}.hours", f"{hours!r} is not business or 24x7")
    day_s = 86400 if hours == "24x7" else calendar.business_day_s
    target = PriorityTarget(
        ack_s=_duration(values["ack"], day_s, f"sla.{priority}.ack"),
        resolve_s=_duration(values["resolve"], day_s, f"sla.{priority}.resolve"),
        hours=hours,
    )
    if target.ack_s > target.resolve_s:
        raise ConfigError(f"sla.{priority}.ack", f"{values['ack']!r} is longer than resolve ({values['resolve']!r})")
    return target


def _duration(text: Any, day_s: float, key: str) -> int:
    try:
        seconds = parse_duration(str(text), day_s)
    except InputError as error:
        raise ConfigError(key, str(error).split(": ", 1)[1]) from None
    if seconds > MAX_DURATION_S:  # a deadline must stay within the years the clocks handle
        raise ConfigError(key, f"{text!r} is longer than the {MAX_DURATION_S // 86400} days allowed")
    return seconds


def _warning(sla: Mapping[str, Any]) -> tuple[float | None, int | None]:
    if "warn_before" in sla and "warn_at" in sla:
        raise ConfigError("sla.warn_before", "set either warn_at or warn_before, not both")
    if "warn_before" in sla:
        return None, _duration(sla["warn_before"], 86400, "sla.warn_before")
    warn_at = sla.get("warn_at", DEFAULT_WARN_AT)
    if isinstance(warn_at, bool) or not isinstance(warn_at, (int, float)) or not 0 < warn_at < 1:
        raise ConfigError("sla.warn_at", f"{warn_at!r} is not a fraction between 0 and 1 (e.g. 0.75)")
    return float(warn_at), None
