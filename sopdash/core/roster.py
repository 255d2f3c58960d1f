"""The team roster from config: each technician's tier and who is a manager (PRODUCT §3)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from sopdash.core.errors import ConfigError
from sopdash.core.model import MAX_TIER


@dataclass(frozen=True, slots=True)
class Member:
    """One technician: login, display name, support tier, manager or not."""

    login: str
    name: str = ""
    tier: int = 1
    manager: bool = False


@dataclass(frozen=True, slots=True)
class Roster:
    """Technicians by login; someone not listed is a tier-1 technician and not a manager."""

    members: Mapping[str, Member] = field(default_factory=dict)

    def member(self, login: str) -> Member:
        return self.members.get(login) or Member(login)

    def is_manager(self, login: str) -> bool:
        return self.member(login).manager

    def with_manager(self, login: str, manager: bool) -> Roster:
        """This roster with login's manager mark set as given (by a database role rather than the config)."""
        return Roster({**self.members, login: replace(self.member(login), manager=manager)})

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> Roster:
        """The `[roster.LOGIN]` tables: `tier = 2`, `manager = true`, `name = "…"`."""
        members = {}
        for login, entry in table.items():
            if not isinstance(entry, Mapping):
                raise ConfigError(f"roster.{login}", "must be a table like { tier = 2, manager = true }")
            tier = entry.get("tier", 1)
            if isinstance(tier, bool) or not isinstance(tier, int) or not 1 <= tier <= MAX_TIER:
                raise ConfigError(f"roster.{login}.tier", f"{tier!r} is not a tier from 1 to {MAX_TIER}")
            manager = entry.get("manager", False)
            if not isinstance(manager, bool):
                raise ConfigError(f"roster.{login}.manager", f"{manager!r} is not true or false")
            members[login] = Member(login, str(entry.get("name", "")), tier, manager)
        return cls(members)
