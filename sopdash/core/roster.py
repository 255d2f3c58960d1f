"""The team roster from config: each technician's tier and who is a manager (README: "Where the store and the config live")."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import msgspec

from sopdash.core.config_table import decode_table
from sopdash.core.errors import ConfigError, InputError, RuleRefused
from sopdash.core.model import MAX_TIER
from sopdash.core.text import one_line

ME = "me"
"""What a technician types for their own login: in an assignment, as in the `a:me` filter."""


@dataclass(frozen=True, slots=True)
class Member:
    """One technician: login, display name, support tier, manager or not."""

    login: str
    name: str = ""
    tier: int = 1
    manager: bool = False


@dataclass(frozen=True, slots=True)
class Assignee:
    """The login an assignment goes to, with a warning to show when it could not be checked."""

    login: str
    warning: str = ""


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

    def assignee(self, typed: str, actor: str) -> Assignee:
        """The login `typed` names when `actor` assigns a ticket: `me` is the actor.

        A roster that lists the team refuses a login it does not know. The actor always counts (they are
        at the keyboard), so a roster that lists nobody else, like no roster, cannot tell a colleague from
        a typo: the login is taken with a warning.
        """
        login = typed.strip()
        if not login:
            raise InputError(f"type a technician's login, or {ME} for yourself")
        if login.casefold() == ME:
            return Assignee(actor)
        if login == actor or login in self.members:
            return Assignee(login)
        fix = f"add [roster.{one_line(login)}] to the config"
        if set(self.members) - {actor}:
            raise RuleRefused(f"{login!r} is not in the roster (technicians: {', '.join(sorted(self.members))}); {fix}")
        return Assignee(login, f"no roster lists the team, so {login!r} could not be checked; {fix}")

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> Roster:
        """The `[roster.LOGIN]` tables: `tier = 2`, `manager = true`, `name = "…"`."""
        members = {}
        for login, entry in table.items():
            if not isinstance(entry, Mapping):
                raise ConfigError(f"roster.{login}", "must be a table like { tier = 2, manager = true }")
            given = decode_table(entry, _MemberTable, f"roster.{login}")
            if not 1 <= given.tier <= MAX_TIER:
                raise ConfigError(f"roster.{login}.tier", f"{given.tier!r} is not a tier from 1 to {MAX_TIER}")
            members[login] = Member(login, given.name, given.tier, given.manager)
        return cls(members)


class _MemberTable(msgspec.Struct, forbid_unknown_fields=True):
    """One `[roster.LOGIN]` table as written."""

    tier: int = 1
    manager: bool = False
    name: str = ""
